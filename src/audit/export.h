/* The access log as CSV and JSON, produced as it is sent: an export reads
 * the trail one page at a time (BST_AUDIT_EXPORT_PAGE entries) through
 * the viewer's query and its cursor, so that no export holds more than a
 * page in memory, however long the log. CSV cells are quoted as RFC 4180
 * asks and neutralised against spreadsheet formula injection (OWASP, "CSV
 * Injection"): a cell starting with = + - @ tab or CR gets a leading
 * apostrophe. An export is used by one thread at a time (the one sending
 * it); the databases it reads are thread-safe. */
#ifndef BST_AUDIT_EXPORT_H
#define BST_AUDIT_EXPORT_H
#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "audit/filter.h"
#include "core/buf.h"
#include "db/store.h"

#define BST_AUDIT_EXPORT_PAGE 500

enum bst_audit_format { BST_AUDIT_CSV, BST_AUDIT_JSON };

/* Appends s (NULL as "") to b as one CSV cell: neutralised, then quoted
 * when it holds a comma, a quote, CR or LF (quotes doubled). */
void bst_audit_csv_cell(bst_buf *b, const char *s);

/* E-mail addresses of user ids, remembered (a few dozen people make most
 * of a log). */
#define BST_AUDIT_NAMES_SLOTS 64
struct bst_audit_names {
	bst_db *main;
	struct {
		int64_t id;
		char email[256];
	} slot[BST_AUDIT_NAMES_SLOTS];
};
void bst_audit_names_init(struct bst_audit_names *n, bst_db *main);
/* user_id's e-mail; "" for 0 or an account that is gone. Valid until the
 * next call. */
const char *bst_audit_name(struct bst_audit_names *n, int64_t user_id);

/* An entry as the export and the API show it (new reference). */
json_t *bst_audit_entry_json(const struct bst_trail_entry *e, const char *user_email);

struct bst_audit_export;
/* An export of q's entries (its texts are copied) from audit, newest
 * first, with e-mail addresses from main. NULL when out of memory. The
 * caller frees it with bst_audit_export_free. */
struct bst_audit_export *bst_audit_export_new(bst_db *audit, bst_db *main,
					      const struct bst_audit_query *q,
					      enum bst_audit_format fmt);
/* Writes up to max bytes of what follows into buf: the number written, 0
 * at the end, -1 when the trail could not be read (logged). */
ssize_t bst_audit_export_read(struct bst_audit_export *x, char *buf, size_t max);
/* Entries written so far. */
int64_t bst_audit_export_rows(const struct bst_audit_export *x);
void bst_audit_export_free(struct bst_audit_export *x);

#endif
