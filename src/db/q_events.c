/* Audit-database queries: the security events of a platform, read through
 * the events view of migrations/audit/0002 (they are written into the
 * chained trail, q_audit.c). Events are listed, newest first, by id (which follows the
 * order of insertion even when two events share a millisecond). The text
 * of a row is lent to the callback, not copied: details can be long. */
#include "db/q_internal.h"
#include "db/queries.h"

#include <string.h>

struct each_event {
	void (*fn)(void *, const struct bst_event_row *);
	void *cls;
};

static const char *text_or_empty(const bst_row *r, int col)
{
	const char *s = bst_row_text(r, col);
	return s ? s : "";
}

static int each_event_row(void *cls, const bst_row *r)
{
	struct each_event *e = cls;
	struct bst_event_row ev = {
		.id = bst_row_int(r, 0),
		.at_ms = bst_row_int(r, 1),
		.actor_id = bst_row_int(r, 2), /* NULL reads as 0 */
		.actor = text_or_empty(r, 3),
		.client_addr = text_or_empty(r, 4),
		.event = text_or_empty(r, 5),
		.target = text_or_empty(r, 6),
		.details = text_or_empty(r, 7),
	};
	e->fn(e->cls, &ev);
	return 0;
}

enum bst_qs bst_q_event_list(bst_db *db, const char *event_prefix, int64_t before,
			     int limit, void (*fn)(void *cls, const struct bst_event_row *e),
			     void *cls)
{
	struct each_event e = {fn, cls};
	/* Event names are short dotted words: a longer prefix matches nothing. */
	char pattern[256];
	if (event_prefix && bst_q_like_escape(event_prefix, pattern, sizeof pattern) != 0)
		return BST_QS_NO_RESULTS;
	const char *like = event_prefix ? pattern : NULL;
	return bst_db_exec(db,
			   "SELECT id, at_ms, actor_id, actor, client_addr, event, target, details"
			   " FROM events WHERE ($1 IS NULL OR event LIKE $1 || '%' ESCAPE '\\')"
			   " AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3",
			   (struct bst_qp[]){BST_QP_TEXT(like),
					     BST_QP_INT(before), BST_QP_INT(limit), BST_QP_END},
			   each_event_row, &e);
}
