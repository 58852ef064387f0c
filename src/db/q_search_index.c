/* Writing the search index (see q_social.h); reading it is q_search.c. */
#include "db/q_social.h"

enum bst_qs bst_q_search_delete(bst_db *db, const char *kind, int64_t ref)
{
	return bst_db_exec(db, "DELETE FROM search_index WHERE kind = $1 AND ref = $2",
			   (struct bst_qp[]){BST_QP_TEXT(kind), BST_QP_INT(ref), BST_QP_END}, NULL,
			   NULL);
}

enum bst_qs bst_q_search_put(bst_db *db, const char *kind, int64_t ref, const char *title,
			     const char *body)
{
	enum bst_qs qs = bst_q_search_delete(db, kind, ref);
	if (qs < 0)
		return qs;
	return bst_db_exec(db,
			   "INSERT INTO search_index (kind, ref, title, body) VALUES ($1, $2, $3, $4)",
			   (struct bst_qp[]){BST_QP_TEXT(kind), BST_QP_INT(ref),
					     BST_QP_TEXT(title ? title : ""),
					     BST_QP_TEXT(body ? body : ""), BST_QP_END},
			   NULL, NULL);
}
