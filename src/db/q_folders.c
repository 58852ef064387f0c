/* Queries on folders of the document base (see q_documents.h). A folder's
 * parent_id is SQL NULL at the root and 0 in struct bst_folder_row. */
#include "db/q_documents.h"
#include "db/q_internal.h"

#include <string.h>

#define FOLDER_COLS                                                                     \
	"f.id, f.owner, f.owner_id, f.parent_id, f.name, f.created_by, f.created_ms," \
	" f.deleted_ms, f.deleted_by"

static struct bst_qp id_or_null(int64_t id)
{
	return id > 0 ? BST_QP_INT(id) : BST_QP_NULL;
}

static void fill(const bst_row *r, struct bst_folder_row *f)
{
	memset(f, 0, sizeof *f);
	f->id = bst_row_int(r, 0);
	bst_q_text(r, 1, f->owner, sizeof f->owner);
	f->owner_id = bst_row_int(r, 2);
	f->parent_id = bst_row_int(r, 3); /* NULL reads as 0 */
	bst_q_text(r, 4, f->name, sizeof f->name);
	f->created_by = bst_row_int(r, 5);
	f->created_ms = bst_row_int(r, 6);
	f->deleted_ms = bst_row_int(r, 7);
	f->deleted_by = bst_row_int(r, 8);
}

static int one_folder(void *cls, const bst_row *r)
{
	fill(r, cls);
	return 1;
}

struct each {
	void (*fn)(void *, const struct bst_folder_row *);
	void *cls;
};

static int each_folder(void *cls, const bst_row *r)
{
	struct each *e = cls;
	struct bst_folder_row f;
	fill(r, &f);
	e->fn(e->cls, &f);
	return 0;
}

static int one_id(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

enum bst_qs bst_q_folder_get(bst_db *db, int64_t id, struct bst_folder_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db, "SELECT " FOLDER_COLS " FROM folders f WHERE f.id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, one_folder, out);
}

enum bst_qs bst_q_folder_list(bst_db *db, const char *owner, int64_t owner_id,
			      int64_t parent_id, int64_t deleted_since, int64_t offset,
			      int limit,
			      void (*fn)(void *cls, const struct bst_folder_row *f), void *cls)
{
	struct each e = {fn, cls};
	struct bst_qp params[] = {BST_QP_TEXT(owner), BST_QP_INT(owner_id), BST_QP_INT(parent_id),
				  BST_QP_INT(deleted_since), BST_QP_INT(limit), BST_QP_INT(offset),
				  BST_QP_END};
	if (deleted_since > 0)
		return bst_db_exec(db,
				   "SELECT " FOLDER_COLS " FROM folders f WHERE f.owner = $1"
				   " AND f.owner_id = $2 AND coalesce(f.parent_id, 0) = $3"
				   " AND f.deleted_ms >= $4 ORDER BY f.deleted_ms DESC, f.id LIMIT $5",
				   params, each_folder, &e);
	return bst_db_exec(db,
			   "SELECT " FOLDER_COLS " FROM folders f WHERE f.owner = $1"
			   " AND f.owner_id = $2 AND coalesce(f.parent_id, 0) = $3"
			   " AND f.deleted_ms IS NULL ORDER BY lower(f.name), f.id LIMIT $5 OFFSET $6",
			   params, each_folder, &e);
}

enum bst_qs bst_q_folder_all(bst_db *db, const char *owner, int64_t owner_id, int limit,
			     void (*fn)(void *cls, const struct bst_folder_row *f), void *cls)
{
	struct each e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " FOLDER_COLS " FROM folders f WHERE f.owner = $1"
			   " AND f.owner_id = $2 AND f.deleted_ms IS NULL ORDER BY f.id LIMIT $3",
			   (struct bst_qp[]){BST_QP_TEXT(owner), BST_QP_INT(owner_id),
					     BST_QP_INT(limit), BST_QP_END},
			   each_folder, &e);
}

enum bst_qs bst_q_folder_ancestors(bst_db *db, int64_t id, int max_depth,
				   void (*fn)(void *cls, const struct bst_folder_row *f),
				   void *cls)
{
	struct each e = {fn, cls};
	return bst_db_exec(db,
			   "WITH RECURSIVE chain(id, depth) AS (SELECT $1, 0 UNION ALL"
			   " SELECT p.parent_id, c.depth + 1 FROM folders p JOIN chain c ON p.id = c.id"
			   " WHERE p.parent_id IS NOT NULL AND c.depth + 1 < $2)"
			   " SELECT " FOLDER_COLS " FROM chain JOIN folders f ON f.id = chain.id"
			   " ORDER BY chain.depth",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(max_depth), BST_QP_END},
			   each_folder, &e);
}

enum bst_qs bst_q_folder_insert(bst_db *db, const char *owner, int64_t owner_id,
				int64_t parent_id, const char *name, int64_t created_by,
				int64_t now, int64_t *id)
{
	*id = 0;
	return bst_db_exec(db,
			   "INSERT INTO folders (owner, owner_id, parent_id, name, created_by,"
			   " created_ms) VALUES ($1, $2, $3, $4, $5, $6)"
			   " ON CONFLICT DO NOTHING RETURNING id",
			   (struct bst_qp[]){BST_QP_TEXT(owner), BST_QP_INT(owner_id),
					     id_or_null(parent_id), BST_QP_TEXT(name),
					     BST_QP_INT(created_by), BST_QP_INT(now), BST_QP_END},
			   one_id, id);
}

enum bst_qs bst_q_folder_rename(bst_db *db, int64_t id, const char *name)
{
	return bst_db_exec(db,
			   "UPDATE OR IGNORE folders SET name = $2 WHERE id = $1"
			   " AND deleted_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(name), BST_QP_END}, NULL,
			   NULL);
}

enum bst_qs bst_q_folder_delete(bst_db *db, int64_t id, int64_t by, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE folders SET deleted_ms = $3, deleted_by = $2 WHERE id = $1"
			   " AND deleted_ms IS NULL"
			   " AND NOT EXISTS (SELECT 1 FROM folders c WHERE c.parent_id = $1"
			   " AND c.deleted_ms IS NULL)"
			   " AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.folder_id = $1"
			   " AND d.deleted_ms IS NULL)",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(by), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_folder_restore(bst_db *db, int64_t id, int64_t parent_id)
{
	return bst_db_exec(db,
			   "UPDATE OR IGNORE folders SET deleted_ms = NULL, deleted_by = NULL,"
			   " parent_id = $2 WHERE id = $1 AND deleted_ms IS NOT NULL",
			   (struct bst_qp[]){BST_QP_INT(id), id_or_null(parent_id), BST_QP_END},
			   NULL, NULL);
}
