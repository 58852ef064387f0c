/* Optional forwarding of the trail to syslog, for installations that
 * centralise their logs ([audit] syslog in the configuration): every entry
 * written to a platform's chain (or to its spill file) is also sent as one
 * RFC 5424 message whose text is the entry in JSON — the same fields as
 * the back office's JSON export, plus the platform. Datagrams, to a UDP
 * address or a local socket such as /dev/log; never blocking (a message
 * that cannot leave is counted and dropped: the chain in audit.db stays
 * the record). Facility local0; access entries at severity info (PRI
 * 134), security events at notice (PRI 133). Thread-safe. */
#ifndef BST_AUDIT_SYSLOG_H
#define BST_AUDIT_SYSLOG_H
#include <stddef.h>
#include <stdint.h>

#include "db/q_audit.h"

/* "udp://HOST:PORT" (an IPv4 address or localhost) or "unix:/PATH". Is it
 * one? */
bool bst_audit_syslog_target_valid(const char *target);
/* Starts forwarding to target ("" or NULL: off). 0, or -1 with a sentence
 * in err. */
int bst_audit_syslog_open(const char *target, char *err, size_t errlen);
void bst_audit_syslog_close(void);
/* Sends e[0..n) of platform slug (no-op when off). */
void bst_audit_syslog_send(const char *slug, struct bst_trail_entry *const *e, size_t n);
/* Messages that could not be sent. */
uint64_t bst_audit_syslog_dropped(void);

#endif
