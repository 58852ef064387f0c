/* Application switch queries. */
#include "db/q_social.h"

static int one_int(void *cls, const bst_row *r)
{
	*(int *)cls = bst_row_int(r, 0) != 0;
	return 1;
}

int bst_q_app_enabled(bst_db *db, const char *name)
{
	int on = 0;
	enum bst_qs qs = bst_db_exec(db, "SELECT enabled FROM apps WHERE name = $1",
				     (struct bst_qp[]){BST_QP_TEXT(name), BST_QP_END}, one_int, &on);
	return qs < 0 ? -1 : on;
}
