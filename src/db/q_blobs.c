/* Queries on the blobs table: one row per encrypted file of the blob store
 * (src/social/blobs.c), written once the file is complete. */
#include "db/q_documents.h"
#include "db/q_internal.h"

#include <string.h>

static int one_id(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

enum bst_qs bst_q_blob_insert(bst_db *db, const char *name, int64_t size, const char *blake2b,
			      int64_t now, int64_t *id)
{
	*id = 0;
	return bst_db_exec(db,
			   "INSERT INTO blobs (name, size, blake2b, created_ms)"
			   " VALUES ($1, $2, $3, $4) RETURNING id",
			   (struct bst_qp[]){BST_QP_TEXT(name), BST_QP_INT(size),
					     BST_QP_TEXT(blake2b), BST_QP_INT(now), BST_QP_END},
			   one_id, id);
}

static int one_blob(void *cls, const bst_row *r)
{
	struct bst_blob_row *b = cls;
	b->id = bst_row_int(r, 0);
	bst_q_text(r, 1, b->name, sizeof b->name);
	b->size = bst_row_int(r, 2);
	bst_q_text(r, 3, b->blake2b, sizeof b->blake2b);
	b->created_ms = bst_row_int(r, 4);
	return 1;
}

enum bst_qs bst_q_blob_get(bst_db *db, int64_t id, struct bst_blob_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db, "SELECT id, name, size, blake2b, created_ms FROM blobs WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, one_blob, out);
}

enum bst_qs bst_q_blob_delete(bst_db *db, int64_t id)
{
	return bst_db_exec(db, "DELETE FROM blobs WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, NULL, NULL);
}
