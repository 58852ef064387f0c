/* Writing the search index (see q_social.h); reading it is q_search.c.
 * search_refs maps (kind, ref) to the FTS5 rowid, so that replacing or
 * deleting an entry never scans the index. */
#include "db/q_social.h"

static int one_rowid(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

struct entry {
	const char *kind;
	int64_t ref;
	const char *title, *body;
	bool put;
};

static enum bst_qs write_txn(bst_db *db, void *cls)
{
	struct entry *e = cls;
	int64_t rowid = 0;
	enum bst_qs qs = bst_db_exec(db,
				     "SELECT fts_rowid FROM search_refs WHERE kind = $1 AND ref = $2",
				     (struct bst_qp[]){BST_QP_TEXT(e->kind), BST_QP_INT(e->ref),
						       BST_QP_END},
				     one_rowid, &rowid);
	if (qs < 0)
		return qs;
	if (qs == BST_QS_ONE_RESULT) {
		qs = bst_db_exec(db, "DELETE FROM search_index WHERE rowid = $1",
				 (struct bst_qp[]){BST_QP_INT(rowid), BST_QP_END}, NULL, NULL);
		if (qs < 0)
			return qs;
		qs = bst_db_exec(db, "DELETE FROM search_refs WHERE kind = $1 AND ref = $2",
				 (struct bst_qp[]){BST_QP_TEXT(e->kind), BST_QP_INT(e->ref),
						   BST_QP_END},
				 NULL, NULL);
		if (qs < 0)
			return qs;
	}
	if (!e->put)
		return BST_QS_ONE_RESULT;
	qs = bst_db_exec(db,
			 "INSERT INTO search_index (kind, ref, title, body) VALUES ($1, $2, $3, $4)",
			 (struct bst_qp[]){BST_QP_TEXT(e->kind), BST_QP_INT(e->ref),
					   BST_QP_TEXT(e->title ? e->title : ""),
					   BST_QP_TEXT(e->body ? e->body : ""), BST_QP_END},
			 NULL, NULL);
	if (qs < 0)
		return qs;
	return bst_db_exec(db,
			   "INSERT INTO search_refs (kind, ref, fts_rowid) VALUES ($1, $2, $3)",
			   (struct bst_qp[]){BST_QP_TEXT(e->kind), BST_QP_INT(e->ref),
					     BST_QP_INT(bst_db_last_id()), BST_QP_END},
			   NULL, NULL);
}

/* Joins the caller's transaction when there is one (bst_db_transaction
 * refuses nesting: the store's exec joins it by itself). */
static enum bst_qs write_entry(bst_db *db, struct entry *e)
{
	if (bst_db_in_transaction(db))
		return write_txn(db, e);
	return bst_db_transaction(db, write_txn, e);
}

enum bst_qs bst_q_search_delete(bst_db *db, const char *kind, int64_t ref)
{
	struct entry e = {kind, ref, NULL, NULL, false};
	return write_entry(db, &e);
}

enum bst_qs bst_q_search_put(bst_db *db, const char *kind, int64_t ref, const char *title,
			     const char *body)
{
	struct entry e = {kind, ref, title, body, true};
	return write_entry(db, &e);
}
