/* Avatar queries: the avatars row, which points at a blob of the blob
 * store (its blobs row is written and deleted by social/blobs.c). */
#include "db/q_internal.h"
#include "db/q_people.h"

#include <string.h>

static int one_avatar(void *cls, const bst_row *r)
{
	struct bst_avatar_row *a = cls;
	a->user_id = bst_row_int(r, 0);
	a->blob_id = bst_row_int(r, 1);
	a->size = bst_row_int(r, 2);
	bst_q_text(r, 3, a->blake2b, sizeof a->blake2b);
	bst_q_text(r, 4, a->content_type, sizeof a->content_type);
	a->width = bst_row_int(r, 5);
	a->height = bst_row_int(r, 6);
	a->updated_ms = bst_row_int(r, 7);
	return 1;
}

enum bst_qs bst_q_avatar_get(bst_db *db, int64_t user_id, struct bst_avatar_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db,
			   "SELECT a.user_id, a.blob_id, b.size, b.blake2b, a.content_type, a.width,"
			   " a.height, a.updated_ms FROM avatars a JOIN blobs b ON b.id = a.blob_id"
			   " WHERE a.user_id = $1",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_END}, one_avatar, out);
}

static int one_id(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

enum bst_qs bst_q_avatar_set(bst_db *db, const struct bst_avatar_row *a, int64_t *old_blob)
{
	*old_blob = 0;
	enum bst_qs qs = bst_db_exec(db, "SELECT blob_id FROM avatars WHERE user_id = $1",
				     (struct bst_qp[]){BST_QP_INT(a->user_id), BST_QP_END}, one_id,
				     old_blob);
	if (qs < 0)
		return qs;
	return bst_db_exec(db,
			   "INSERT INTO avatars (user_id, blob_id, content_type, width, height,"
			   " updated_ms) VALUES ($1, $2, $3, $4, $5, $6)"
			   " ON CONFLICT (user_id) DO UPDATE SET blob_id = excluded.blob_id,"
			   " content_type = excluded.content_type, width = excluded.width,"
			   " height = excluded.height, updated_ms = excluded.updated_ms",
			   (struct bst_qp[]){BST_QP_INT(a->user_id), BST_QP_INT(a->blob_id),
					     BST_QP_TEXT(a->content_type), BST_QP_INT(a->width),
					     BST_QP_INT(a->height), BST_QP_INT(a->updated_ms),
					     BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_avatar_delete(bst_db *db, int64_t user_id, int64_t *old_blob)
{
	*old_blob = 0;
	return bst_db_exec(db, "DELETE FROM avatars WHERE user_id = $1 RETURNING blob_id",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_END}, one_id, old_blob);
}
