/* Notification queries. */
#include "db/q_social.h"

static struct bst_qp id_or_null(int64_t id)
{
	return id ? BST_QP_INT(id) : BST_QP_NULL;
}

enum bst_qs bst_q_notification_insert(bst_db *db, int64_t user_id, const char *kind,
				      int64_t actor_id, int64_t group_id, int64_t post_id,
				      int64_t comment_id, int64_t now)
{
	return bst_db_exec(db,
			   "INSERT INTO notifications (user_id, kind, actor_id, group_id, post_id,"
			   " comment_id, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_TEXT(kind),
					     id_or_null(actor_id), id_or_null(group_id),
					     id_or_null(post_id), id_or_null(comment_id),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}
