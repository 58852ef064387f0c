/* Security events: one function, bst_audit_record, called by every
 * service on every security-relevant event (sign-in success and failure,
 * sign-out, second factor, account and role changes, settings changes,
 * token creation...). Events go to the platform's own audit.db, written
 * before the caller answers. The tamper-evident access log builds on this.
 * Thread-safe. */
#ifndef BST_AUDIT_AUDIT_H
#define BST_AUDIT_AUDIT_H
#include <jansson.h>

#include "tenant/context.h"

/* event: a stable dotted name ("auth.login.failure"); target: what it is
 * about (an e-mail, a setting); details: a JSON object, stolen (may be
 * NULL). Returns 0, or -1 after logging loudly: a lost security event is
 * an incident. */
int bst_audit_record(struct bst_ctx *ctx, const char *event, const char *target,
		     json_t *details);

#endif
