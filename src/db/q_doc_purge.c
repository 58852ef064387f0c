/* Queries of the purge of the document base (src/social/doc_purge.c):
 * what is old enough to go, and removing it. A row is only removed here if
 * it is still deleted (a restore that won the race keeps it); whether a
 * blob's file may go is answered by its references. */
#include "db/q_documents.h"
#include "db/q_internal.h"

enum bst_qs bst_q_documents_purgeable(bst_db *db, int64_t before, int limit,
				      void (*fn)(void *cls, int64_t id), void *cls)
{
	struct bst_q_each_id e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT id FROM documents WHERE deleted_ms IS NOT NULL"
			   " AND deleted_ms < $1 ORDER BY deleted_ms, id LIMIT $2",
			   (struct bst_qp[]){BST_QP_INT(before), BST_QP_INT(limit), BST_QP_END},
			   bst_q_each_id_row, &e);
}

enum bst_qs bst_q_folders_purgeable(bst_db *db, int64_t before, int limit,
				    void (*fn)(void *cls, int64_t id), void *cls)
{
	struct bst_q_each_id e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT f.id FROM folders f WHERE f.deleted_ms IS NOT NULL"
			   " AND f.deleted_ms < $1"
			   " AND NOT EXISTS (SELECT 1 FROM folders c WHERE c.parent_id = f.id)"
			   " AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.folder_id = f.id)"
			   " ORDER BY f.deleted_ms, f.id LIMIT $2",
			   (struct bst_qp[]){BST_QP_INT(before), BST_QP_INT(limit), BST_QP_END},
			   bst_q_each_id_row, &e);
}

enum bst_qs bst_q_document_purge(bst_db *db, int64_t id)
{
	/* versions and attachment links go with it (ON DELETE CASCADE) */
	return bst_db_exec(db, "DELETE FROM documents WHERE id = $1 AND deleted_ms IS NOT NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, NULL, NULL);
}

enum bst_qs bst_q_folder_purge(bst_db *db, int64_t id)
{
	return bst_db_exec(db,
			   "DELETE FROM folders WHERE id = $1 AND deleted_ms IS NOT NULL"
			   " AND NOT EXISTS (SELECT 1 FROM folders c WHERE c.parent_id = $1)"
			   " AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.folder_id = $1)",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, NULL, NULL);
}

enum bst_qs bst_q_blob_referenced(bst_db *db, int64_t blob_id)
{
	return bst_db_exec(db,
			   "SELECT 1 WHERE EXISTS (SELECT 1 FROM document_versions WHERE blob_id = $1)"
			   " OR EXISTS (SELECT 1 FROM avatars WHERE blob_id = $1)",
			   (struct bst_qp[]){BST_QP_INT(blob_id), BST_QP_END}, NULL, NULL);
}

enum bst_qs bst_q_blob_known(bst_db *db, const char *name)
{
	return bst_db_exec(db, "SELECT 1 FROM blobs WHERE name = $1",
			   (struct bst_qp[]){BST_QP_TEXT(name), BST_QP_END}, NULL, NULL);
}
