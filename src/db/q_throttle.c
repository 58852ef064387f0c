/* Sign-in failure bookkeeping beyond counting: the time of the last one,
 * from which per-account delays are measured. */
#include "db/queries.h"

static int one_int(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

int64_t bst_q_failure_last(bst_db *db, int64_t user_id)
{
	int64_t last = 0;
	if (bst_db_exec(db, "SELECT coalesce(max(at_ms), 0) FROM login_failures WHERE user_id = $1",
			(struct bst_qp[]){BST_QP_INT(user_id), BST_QP_END}, one_int, &last) < 0)
		return 0;
	return last;
}
