/* Control-database queries: what the backups did (see q_backup_events.h). */
#include "db/q_backup_events.h"

#include <stdio.h>
#include <string.h>

enum bst_qs bst_q_backup_event_add(bst_db *db, const struct bst_backup_event *e)
{
	return bst_db_exec(
	    db,
	    "INSERT INTO backup_events (scope, target, kind, backup_id, at_ms, ok, size, "
	    "written,"
	    " duration_ms, problem) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
	    (struct bst_qp[]){
		BST_QP_TEXT(e->scope), BST_QP_TEXT(e->target), BST_QP_TEXT(e->kind),
		BST_QP_TEXT(e->backup_id), BST_QP_INT(e->at_ms),
		BST_QP_INT(e->ok ? 1 : 0), BST_QP_INT(e->size), BST_QP_INT(e->written),
		BST_QP_INT(e->duration_ms), BST_QP_TEXT(e->problem), BST_QP_END},
	    NULL, NULL);
}

static int event_row(void *cls, const bst_row *r)
{
	struct bst_backup_event *e = cls;
	snprintf(e->scope, sizeof e->scope, "%s", bst_row_text(r, 0));
	snprintf(e->target, sizeof e->target, "%s", bst_row_text(r, 1));
	snprintf(e->kind, sizeof e->kind, "%s", bst_row_text(r, 2));
	snprintf(e->backup_id, sizeof e->backup_id, "%s", bst_row_text(r, 3));
	e->at_ms = bst_row_int(r, 4);
	e->ok = bst_row_int(r, 5) != 0;
	e->size = bst_row_int(r, 6);
	e->written = bst_row_int(r, 7);
	e->duration_ms = bst_row_int(r, 8);
	snprintf(e->problem, sizeof e->problem, "%s", bst_row_text(r, 9));
	return 1;
}

enum bst_qs bst_q_backup_event_last(bst_db *db, const char *scope, const char *kind,
				    const char *target, bool ok_only,
				    struct bst_backup_event *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(
	    db,
	    "SELECT scope, target, kind, backup_id, at_ms, ok, size, written,"
	    " duration_ms, problem FROM backup_events"
	    " WHERE scope = $1 AND kind = $2 AND target = $3 AND ($4 = 0 OR ok = 1)"
	    " ORDER BY at_ms DESC, id DESC LIMIT 1",
	    (struct bst_qp[]){BST_QP_TEXT(scope), BST_QP_TEXT(kind), BST_QP_TEXT(target),
			      BST_QP_INT(ok_only ? 1 : 0), BST_QP_END},
	    event_row, out);
}

enum bst_qs bst_q_backup_events_prune(bst_db *db, int64_t before_ms)
{
	return bst_db_exec(db, "DELETE FROM backup_events WHERE at_ms < $1",
			   (struct bst_qp[]){BST_QP_INT(before_ms), BST_QP_END}, NULL,
			   NULL);
}
