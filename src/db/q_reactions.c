/* Reaction queries (see q_posts.h). The primary key (target, target_id,
 * user_id, kind) makes adding twice a no-op; the rowid orders arrivals. */
#include "db/q_internal.h"
#include "db/q_posts.h"

#include <string.h>

enum bst_qs bst_q_reaction_add(bst_db *db, const char *target, int64_t target_id,
			       int64_t user_id, const char *kind, int64_t now)
{
	return bst_db_exec(
	    db,
	    "INSERT INTO reactions (target, target_id, user_id, kind, created_ms)"
	    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
	    (struct bst_qp[]){BST_QP_TEXT(target), BST_QP_INT(target_id),
			      BST_QP_INT(user_id), BST_QP_TEXT(kind), BST_QP_INT(now),
			      BST_QP_END},
	    NULL, NULL);
}

enum bst_qs bst_q_reaction_remove(bst_db *db, const char *target, int64_t target_id,
				  int64_t user_id, const char *kind)
{
	return bst_db_exec(db,
			   "DELETE FROM reactions WHERE target = $1 AND target_id = $2"
			   " AND user_id = $3 AND kind = $4",
			   (struct bst_qp[]){BST_QP_TEXT(target), BST_QP_INT(target_id),
					     BST_QP_INT(user_id), BST_QP_TEXT(kind),
					     BST_QP_END},
			   NULL, NULL);
}

struct each_reaction {
	void (*fn)(void *, const struct bst_reaction_row *);
	void *cls;
};

static int each_reaction_row(void *cls, const bst_row *r)
{
	struct each_reaction *e = cls;
	struct bst_reaction_row x;
	memset(&x, 0, sizeof x);
	x.seq = bst_row_int(r, 0);
	x.user_id = bst_row_int(r, 1);
	bst_q_text(r, 2, x.name, sizeof x.name);
	bst_q_text(r, 3, x.kind, sizeof x.kind);
	x.created_ms = bst_row_int(r, 4);
	e->fn(e->cls, &x);
	return 0;
}

enum bst_qs bst_q_reaction_list(bst_db *db, const char *target, int64_t target_id,
				int64_t after, int limit,
				void (*fn)(void *cls, const struct bst_reaction_row *r),
				void *cls)
{
	struct each_reaction e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT r.rowid, r.user_id, u.name, r.kind, r.created_ms FROM reactions r"
	    " JOIN users u ON u.id = r.user_id"
	    " WHERE r.target = $1 AND r.target_id = $2 AND r.rowid > $3"
	    " ORDER BY r.rowid LIMIT $4",
	    (struct bst_qp[]){BST_QP_TEXT(target), BST_QP_INT(target_id),
			      BST_QP_INT(after), BST_QP_INT(limit), BST_QP_END},
	    each_reaction_row, &e);
}

struct count {
	int64_t *count;
	bool *mine;
};

static int one_count(void *cls, const bst_row *r)
{
	struct count *c = cls;
	*c->count = bst_row_int(r, 0);
	*c->mine = bst_row_int(r, 1) != 0;
	return 1;
}

enum bst_qs bst_q_reaction_count(bst_db *db, const char *target, int64_t target_id,
				 int64_t viewer_id, int64_t *count, bool *mine)
{
	*count = 0;
	*mine = false;
	struct count c = {count, mine};
	return bst_db_exec(
	    db,
	    "SELECT count(*), coalesce(sum(user_id = $3), 0) FROM reactions"
	    " WHERE target = $1 AND target_id = $2",
	    (struct bst_qp[]){BST_QP_TEXT(target), BST_QP_INT(target_id),
			      BST_QP_INT(viewer_id), BST_QP_END},
	    one_count, &c);
}
