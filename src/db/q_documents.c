/* Queries on documents and their versions (see q_documents.h). A
 * document's folder_id is SQL NULL at the root and 0 in the row structs;
 * its latest version is the one with the highest number. */
#include "db/q_documents.h"
#include "db/q_internal.h"

#include <string.h>

#define DOC_COLS                                                                          \
	"d.id, d.owner, d.owner_id, d.folder_id, d.name, d.created_by, u.name,"         \
	" d.created_ms, d.updated_ms, d.deleted_ms, d.deleted_by, v.number, v.size,"    \
	" v.content_type"
#define DOC_FROM                                                                          \
	" FROM documents d LEFT JOIN users u ON u.id = d.created_by"                     \
	" LEFT JOIN document_versions v ON v.document_id = d.id AND v.number ="          \
	" (SELECT max(number) FROM document_versions WHERE document_id = d.id)"
#define VERSION_COLS                                                                      \
	"v.id, v.document_id, v.number, v.blob_id, v.size, v.content_type, v.uploaded_by," \
	" u.name, v.created_ms"
#define VERSION_FROM " FROM document_versions v LEFT JOIN users u ON u.id = v.uploaded_by"

static struct bst_qp id_or_null(int64_t id)
{
	return id > 0 ? BST_QP_INT(id) : BST_QP_NULL;
}

static void fill(const bst_row *r, struct bst_document_row *d)
{
	memset(d, 0, sizeof *d);
	d->id = bst_row_int(r, 0);
	bst_q_text(r, 1, d->owner, sizeof d->owner);
	d->owner_id = bst_row_int(r, 2);
	d->folder_id = bst_row_int(r, 3); /* NULL reads as 0 */
	bst_q_text(r, 4, d->name, sizeof d->name);
	d->created_by = bst_row_int(r, 5);
	bst_q_text(r, 6, d->created_by_name, sizeof d->created_by_name);
	d->created_ms = bst_row_int(r, 7);
	d->updated_ms = bst_row_int(r, 8);
	d->deleted_ms = bst_row_int(r, 9);
	d->deleted_by = bst_row_int(r, 10);
	d->version = bst_row_int(r, 11);
	d->size = bst_row_int(r, 12);
	bst_q_text(r, 13, d->content_type, sizeof d->content_type);
}

static void fill_version(const bst_row *r, struct bst_document_version_row *v)
{
	memset(v, 0, sizeof *v);
	v->id = bst_row_int(r, 0);
	v->document_id = bst_row_int(r, 1);
	v->number = bst_row_int(r, 2);
	v->blob_id = bst_row_int(r, 3);
	v->size = bst_row_int(r, 4);
	bst_q_text(r, 5, v->content_type, sizeof v->content_type);
	v->uploaded_by = bst_row_int(r, 6);
	bst_q_text(r, 7, v->uploaded_by_name, sizeof v->uploaded_by_name);
	v->created_ms = bst_row_int(r, 8);
}

static int one_doc(void *cls, const bst_row *r)
{
	fill(r, cls);
	return 1;
}

struct each_doc {
	void (*fn)(void *, const struct bst_document_row *);
	void *cls;
};

static int each_doc_row(void *cls, const bst_row *r)
{
	struct each_doc *e = cls;
	struct bst_document_row d;
	fill(r, &d);
	e->fn(e->cls, &d);
	return 0;
}

static int one_version(void *cls, const bst_row *r)
{
	fill_version(r, cls);
	return 1;
}

struct each_version {
	void (*fn)(void *, const struct bst_document_version_row *);
	void *cls;
};

static int each_version_row(void *cls, const bst_row *r)
{
	struct each_version *e = cls;
	struct bst_document_version_row v;
	fill_version(r, &v);
	e->fn(e->cls, &v);
	return 0;
}

static int one_int(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

enum bst_qs bst_q_document_get(bst_db *db, int64_t id, struct bst_document_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db, "SELECT " DOC_COLS DOC_FROM " WHERE d.id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, one_doc, out);
}

enum bst_qs bst_q_document_list(bst_db *db, const char *owner, int64_t owner_id,
				int64_t folder_id, int64_t after, int64_t offset, int limit,
				void (*fn)(void *cls, const struct bst_document_row *d),
				void *cls)
{
	struct each_doc e = {fn, cls};
	struct bst_qp params[] = {BST_QP_TEXT(owner), BST_QP_INT(owner_id), BST_QP_INT(folder_id),
				  BST_QP_INT(after), BST_QP_INT(offset), BST_QP_INT(limit),
				  BST_QP_END};
	if (after >= 0)
		return bst_db_exec(db,
				   "SELECT " DOC_COLS DOC_FROM " WHERE d.owner = $1 AND d.owner_id = $2"
				   " AND coalesce(d.folder_id, 0) = $3 AND d.deleted_ms IS NULL"
				   " AND d.id > $4 ORDER BY d.id LIMIT $6",
				   params, each_doc_row, &e);
	return bst_db_exec(db,
			   "SELECT " DOC_COLS DOC_FROM " WHERE d.owner = $1 AND d.owner_id = $2"
			   " AND coalesce(d.folder_id, 0) = $3 AND d.deleted_ms IS NULL"
			   " ORDER BY lower(d.name), d.id LIMIT $6 OFFSET $5",
			   params, each_doc_row, &e);
}

enum bst_qs bst_q_document_list_deleted(bst_db *db, const char *owner, int64_t owner_id,
					int64_t folder_id, int64_t since, int limit,
					void (*fn)(void *cls, const struct bst_document_row *d),
					void *cls)
{
	struct each_doc e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " DOC_COLS DOC_FROM " WHERE d.owner = $1 AND d.owner_id = $2"
			   " AND coalesce(d.folder_id, 0) = $3 AND d.deleted_ms >= $4"
			   " ORDER BY d.deleted_ms DESC, d.id LIMIT $5",
			   (struct bst_qp[]){BST_QP_TEXT(owner), BST_QP_INT(owner_id),
					     BST_QP_INT(folder_id), BST_QP_INT(since),
					     BST_QP_INT(limit), BST_QP_END},
			   each_doc_row, &e);
}

enum bst_qs bst_q_document_find(bst_db *db, const char *owner, int64_t owner_id,
				int64_t folder_id, const char *name, int64_t *id)
{
	*id = 0;
	return bst_db_exec(db,
			   "SELECT id FROM documents WHERE owner = $1 AND owner_id = $2"
			   " AND coalesce(folder_id, 0) = $3 AND lower(name) = lower($4)"
			   " AND deleted_ms IS NULL",
			   (struct bst_qp[]){BST_QP_TEXT(owner), BST_QP_INT(owner_id),
					     BST_QP_INT(folder_id), BST_QP_TEXT(name), BST_QP_END},
			   one_int, id);
}

enum bst_qs bst_q_document_insert(bst_db *db, const char *owner, int64_t owner_id,
				  int64_t folder_id, const char *name, int64_t created_by,
				  int64_t now, int64_t *id)
{
	*id = 0;
	return bst_db_exec(db,
			   "INSERT INTO documents (owner, owner_id, folder_id, name, created_by,"
			   " created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)"
			   " ON CONFLICT DO NOTHING RETURNING id",
			   (struct bst_qp[]){BST_QP_TEXT(owner), BST_QP_INT(owner_id),
					     id_or_null(folder_id), BST_QP_TEXT(name),
					     BST_QP_INT(created_by), BST_QP_INT(now), BST_QP_END},
			   one_int, id);
}

enum bst_qs bst_q_document_version_add(bst_db *db, int64_t document_id, int64_t blob_id,
				       int64_t size, const char *content_type,
				       int64_t uploaded_by, int64_t now, int64_t *number)
{
	*number = 0;
	enum bst_qs qs = bst_db_exec(
		db,
		"INSERT INTO document_versions (document_id, number, blob_id, size, content_type,"
		" uploaded_by, created_ms) SELECT d.id, coalesce((SELECT max(number) FROM"
		" document_versions WHERE document_id = d.id), 0) + 1, $2, $3, $4, $5, $6"
		" FROM documents d WHERE d.id = $1 AND d.deleted_ms IS NULL RETURNING number",
		(struct bst_qp[]){BST_QP_INT(document_id), BST_QP_INT(blob_id), BST_QP_INT(size),
				  BST_QP_TEXT(content_type), BST_QP_INT(uploaded_by),
				  BST_QP_INT(now), BST_QP_END},
		one_int, number);
	if (qs != BST_QS_ONE_RESULT)
		return qs;
	qs = bst_db_exec(db, "UPDATE documents SET updated_ms = $2 WHERE id = $1",
			 (struct bst_qp[]){BST_QP_INT(document_id), BST_QP_INT(now), BST_QP_END},
			 NULL, NULL);
	return qs < 0 ? qs : BST_QS_ONE_RESULT;
}

enum bst_qs bst_q_document_version_get(bst_db *db, int64_t document_id, int64_t number,
				       struct bst_document_version_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db,
			   "SELECT " VERSION_COLS VERSION_FROM " WHERE v.document_id = $1"
			   " AND ($2 = 0 OR v.number = $2) ORDER BY v.number DESC LIMIT 1",
			   (struct bst_qp[]){BST_QP_INT(document_id), BST_QP_INT(number),
					     BST_QP_END},
			   one_version, out);
}

enum bst_qs bst_q_document_versions(bst_db *db, int64_t document_id,
				    void (*fn)(void *cls,
					       const struct bst_document_version_row *v),
				    void *cls)
{
	struct each_version e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " VERSION_COLS VERSION_FROM " WHERE v.document_id = $1"
			   " ORDER BY v.number DESC",
			   (struct bst_qp[]){BST_QP_INT(document_id), BST_QP_END}, each_version_row,
			   &e);
}

enum bst_qs bst_q_document_update(bst_db *db, int64_t id, const char *name,
				  int64_t folder_id, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE OR IGNORE documents SET name = coalesce($2, name),"
			   " folder_id = CASE WHEN $3 < 0 THEN folder_id WHEN $3 = 0 THEN NULL"
			   " ELSE $3 END, updated_ms = $4 WHERE id = $1 AND deleted_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(name), BST_QP_INT(folder_id),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_document_relocate(bst_db *db, int64_t id, const char *owner,
				    int64_t owner_id, int64_t folder_id, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE OR IGNORE documents SET owner = $2, owner_id = $3,"
			   " folder_id = $4, updated_ms = $5 WHERE id = $1 AND deleted_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(owner), BST_QP_INT(owner_id),
					     id_or_null(folder_id), BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

struct each_post {
	void (*fn)(void *, int64_t, int64_t);
	void *cls;
};

static int each_post_row(void *cls, const bst_row *r)
{
	struct each_post *e = cls;
	e->fn(e->cls, bst_row_int(r, 0), bst_row_int(r, 1));
	return 0;
}

enum bst_qs bst_q_document_attached_posts(bst_db *db, int64_t id,
					  void (*fn)(void *cls, int64_t post_id,
						     int64_t group_id),
					  void *cls)
{
	struct each_post e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT p.id, coalesce(p.group_id, 0) FROM post_attachments a"
			   " JOIN posts p ON p.id = a.post_id WHERE a.document_id = $1"
			   " AND p.deleted_ms IS NULL ORDER BY p.id",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, each_post_row, &e);
}

enum bst_qs bst_q_document_delete(bst_db *db, int64_t id, int64_t by, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE documents SET deleted_ms = $3, deleted_by = $2 WHERE id = $1"
			   " AND deleted_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(by), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_document_restore(bst_db *db, int64_t id, int64_t folder_id, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE OR IGNORE documents SET deleted_ms = NULL, deleted_by = NULL,"
			   " folder_id = $2, updated_ms = $3 WHERE id = $1 AND deleted_ms IS NOT NULL",
			   (struct bst_qp[]){BST_QP_INT(id), id_or_null(folder_id), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

int64_t bst_q_doc_quota_get(bst_db *db)
{
	int64_t bytes = -1;
	enum bst_qs qs = bst_db_exec(db, "SELECT doc_quota_bytes FROM settings WHERE id = 1",
				     (struct bst_qp[]){BST_QP_END}, one_int, &bytes);
	return qs == BST_QS_ONE_RESULT ? bytes : -1;
}

enum bst_qs bst_q_doc_quota_set(bst_db *db, int64_t bytes, int64_t now)
{
	return bst_db_exec(db, "UPDATE settings SET doc_quota_bytes = $1, updated_ms = $2 WHERE id = 1",
			   (struct bst_qp[]){BST_QP_INT(bytes), BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

int64_t bst_q_documents_bytes(bst_db *db)
{
	int64_t total = 0;
	enum bst_qs qs = bst_db_exec(db,
				     "SELECT coalesce(sum(v.size), 0) FROM document_versions v"
				     " JOIN documents d ON d.id = v.document_id"
				     " WHERE d.deleted_ms IS NULL",
				     (struct bst_qp[]){BST_QP_END}, one_int, &total);
	return qs < 0 ? -1 : total;
}

enum bst_qs bst_q_documents_of_post(bst_db *db, int64_t post_id,
				    void (*fn)(void *cls,
					       const struct bst_document_row *d),
				    void *cls)
{
	struct each_doc e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " DOC_COLS DOC_FROM " JOIN post_attachments a"
			   " ON a.document_id = d.id WHERE a.post_id = $1"
			   " ORDER BY lower(d.name), d.id",
			   (struct bst_qp[]){BST_QP_INT(post_id), BST_QP_END},
			   each_doc_row, &e);
}

struct each_recent {
	void (*fn)(void *, const struct bst_document_row *, const char *);
	void *cls;
};

/* DOC_COLS then the group's name (column 14). */
static int each_recent_row(void *cls, const bst_row *r)
{
	struct each_recent *e = cls;
	struct bst_document_row d;
	fill(r, &d);
	const char *group = bst_row_text(r, 14);
	e->fn(e->cls, &d, group ? group : "");
	return 0;
}

enum bst_qs bst_q_documents_recent(bst_db *db, const char *owner, int64_t owner_id,
				   int limit,
				   void (*fn)(void *cls, const struct bst_document_row *d,
					      const char *group_name),
				   void *cls)
{
	struct each_recent e = {fn, cls};
	/* by id, newest first: walking the table backwards stops at limit */
	if (!owner)
		return bst_db_exec(
		    db,
		    "SELECT " DOC_COLS ", g.name" DOC_FROM
		    " JOIN groups g ON g.id = d.owner_id WHERE d.owner = 'group'"
		    " AND g.kind = 'open' AND d.deleted_ms IS NULL"
		    " ORDER BY d.id DESC LIMIT $1",
		    (struct bst_qp[]){BST_QP_INT(limit), BST_QP_END}, each_recent_row,
		    &e);
	return bst_db_exec(
	    db,
	    "SELECT " DOC_COLS ", g.name" DOC_FROM
	    " LEFT JOIN groups g ON d.owner = 'group' AND g.id = d.owner_id"
	    " WHERE d.owner = $1 AND d.owner_id = $2 AND d.deleted_ms IS NULL"
	    " ORDER BY d.id DESC LIMIT $3",
	    (struct bst_qp[]){BST_QP_TEXT(owner), BST_QP_INT(owner_id), BST_QP_INT(limit),
			      BST_QP_END},
	    each_recent_row, &e);
}
