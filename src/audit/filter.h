/* The access log's filters as people type them (the viewer's form, the
 * export's and the API's query arguments) turned into a query of the
 * trail, and the statuses of the access-log service (src/audit/log.h).
 * Pure functions of their arguments, no database: thread-safe, and fuzzed
 * (tests/fuzz/fuzz_audit_filter). */
#ifndef BST_AUDIT_FILTER_H
#define BST_AUDIT_FILTER_H
#include <stdbool.h>
#include <stdint.h>

#include "db/q_audit.h"

enum bst_alog_status {
	BST_ALOG_OK = 0,
	BST_ALOG_BAD_USER,   /* not an e-mail address */
	BST_ALOG_BAD_ADDR,   /* not a network address */
	BST_ALOG_BAD_WHAT,   /* neither an event name nor a path */
	BST_ALOG_BAD_STATUS, /* not 2xx, 3xx, 4xx or 5xx */
	BST_ALOG_BAD_DATE,   /* not YYYY-MM-DD */
	BST_ALOG_BAD_RANGE,  /* from after to */
	BST_ALOG_BAD_CURSOR,
	BST_ALOG_FORBIDDEN,
	BST_ALOG_NOT_FOUND,
	BST_ALOG_ERROR, /* the store failed */
};
/* A stable code ("date_invalid"), an English msgid, an HTTP status. */
const char *bst_alog_code(enum bst_alog_status s);
const char *bst_alog_text(enum bst_alog_status s);
int bst_alog_http_status(enum bst_alog_status s);

/* What was typed; NULL or "" is no filter. */
struct bst_audit_filter_args {
	const char *user;   /* an e-mail address */
	const char *addr;   /* a client address */
	const char *what;   /* "/path prefix", or an event name prefix ("auth.") */
	const char *status; /* "2xx" .. "5xx" */
	const char *from;   /* YYYY-MM-DD, UTC, inclusive */
	const char *to;     /* YYYY-MM-DD, UTC, inclusive */
	const char *cursor; /* "SEQ.AT_MS" of the last entry of the page before */
};

/* Bounds of what a filter may hold: longer than anything stored. */
#define BST_AUDIT_ADDR_MAX 64
#define BST_AUDIT_WHAT_MAX 1000

/* The parsed filters; texts point into the args, except email (lower-cased
 * here). user_id is the service's to fill from email. */
struct bst_audit_query {
	struct bst_trail_filter f;
	char email[256];
};

/* args into q. Returns BST_ALOG_OK or the first bad argument's status
 * (q is then unusable). */
enum bst_alog_status bst_audit_filter_parse(const struct bst_audit_filter_args *a,
					    struct bst_audit_query *q);
/* "YYYY-MM-DD" (a real date, years 1970 to 9999) to Unix ms at 00:00 UTC;
 * false if it is not one. */
bool bst_audit_date_parse(const char *s, int64_t *ms);
/* The cursor of the entry (seq, at_ms): "SEQ.AT_MS". */
void bst_audit_cursor_format(int64_t seq, int64_t at_ms, char out[48]);

#endif
