/* Schema and rows for the export (see q_dump.h). */
#include "db/q_dump.h"
#include "db/q_internal.h"
#include "core/buf.h"

#include <string.h>

static int table_row(void *cls, const bst_row *r)
{
	void **a = cls;
	((void (*)(void *, const char *))a[0])(a[1], bst_row_text(r, 0));
	return 0;
}

enum bst_qs bst_q_dump_tables(bst_db *db, void (*fn)(void *cls, const char *name),
			      void *cls)
{
	void *a[2] = {(void *)fn, cls};
	return bst_db_exec(db,
			   "SELECT name FROM sqlite_master WHERE type = 'table'"
			   " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
			   NULL, table_row, a);
}

enum bst_qs bst_q_dump_references(bst_db *db, const char *table,
				  void (*fn)(void *cls, const char *name), void *cls)
{
	void *a[2] = {(void *)fn, cls};
	return bst_db_exec(db,
			   "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)"
			   " ORDER BY 1",
			   (struct bst_qp[]){BST_QP_TEXT(table), BST_QP_END}, table_row, a);
}

struct columns {
	struct bst_dump_column *out;
	size_t max, n;
};

static int column_row(void *cls, const bst_row *r)
{
	struct columns *c = cls;
	if (c->n < c->max) {
		struct bst_dump_column *col = &c->out[c->n];
		memset(col, 0, sizeof *col);
		bst_q_text(r, 0, col->name, sizeof col->name);
		bst_q_text(r, 1, col->type, sizeof col->type);
		col->not_null = bst_row_int(r, 2) != 0;
		bst_q_text(r, 3, col->dflt, sizeof col->dflt);
		col->pk = (int)bst_row_int(r, 4);
		bst_q_text(r, 5, col->ref_table, sizeof col->ref_table);
		bst_q_text(r, 6, col->ref_column, sizeof col->ref_column);
	}
	c->n++;
	return 0;
}

enum bst_qs bst_q_dump_columns(bst_db *db, const char *table, struct bst_dump_column *out,
			       size_t max, size_t *n)
{
	struct columns c = {out, max, 0};
	/* a column in several foreign keys keeps the first */
	enum bst_qs qs = bst_db_exec(
	    db,
	    "SELECT c.name, c.type, c.\"notnull\", c.dflt_value, c.pk,"
	    " (SELECT f.\"table\" FROM pragma_foreign_key_list($1) f"
	    " WHERE f.\"from\" = c.name ORDER BY f.id LIMIT 1),"
	    " (SELECT coalesce(f.\"to\", '') FROM pragma_foreign_key_list($1) f"
	    " WHERE f.\"from\" = c.name ORDER BY f.id LIMIT 1)"
	    " FROM pragma_table_info($1) c ORDER BY c.cid",
	    (struct bst_qp[]){BST_QP_TEXT(table), BST_QP_END}, column_row, &c);
	*n = c.n;
	return qs;
}

struct each_file {
	void (*fn)(void *, const struct bst_dump_file *);
	void *cls;
};

static int file_row(void *cls, const bst_row *r)
{
	struct each_file *e = cls;
	struct bst_dump_file f;
	memset(&f, 0, sizeof f);
	f.version_id = bst_row_int(r, 0);
	f.document_id = bst_row_int(r, 1);
	f.number = bst_row_int(r, 2);
	f.blob_id = bst_row_int(r, 3);
	f.size = bst_row_int(r, 4);
	f.created_ms = bst_row_int(r, 5);
	f.folder_id = bst_row_int(r, 6);
	f.current = bst_row_int(r, 7) != 0;
	bst_q_text(r, 8, f.owner, sizeof f.owner);
	f.owner_id = bst_row_int(r, 9);
	bst_q_text(r, 10, f.library, sizeof f.library);
	bst_q_text(r, 11, f.name, sizeof f.name);
	e->fn(e->cls, &f);
	return 0;
}

enum bst_qs bst_q_dump_files(bst_db *db, const char *owner, int64_t owner_id,
			     bool current_only, int64_t after, int limit,
			     void (*fn)(void *cls, const struct bst_dump_file *f), void *cls)
{
	struct each_file e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT v.id, d.id, v.number, v.blob_id, v.size, v.created_ms,"
	    " coalesce(d.folder_id, 0),"
	    " v.number = (SELECT max(w.number) FROM document_versions w"
	    " WHERE w.document_id = d.id),"
	    " d.owner, d.owner_id,"
	    " CASE d.owner WHEN 'group' THEN (SELECT g.name FROM groups g WHERE g.id = d.owner_id)"
	    " ELSE (SELECT coalesce(nullif(u.name, ''), u.email) FROM users u"
	    " WHERE u.id = d.owner_id) END,"
	    " d.name"
	    " FROM document_versions v JOIN documents d ON d.id = v.document_id"
	    " WHERE d.deleted_ms IS NULL AND v.id > $1"
	    " AND ($3 IS NULL OR (d.owner = $3 AND d.owner_id = $4))"
	    " AND ($5 = 0 OR v.number = (SELECT max(w.number) FROM document_versions w"
	    " WHERE w.document_id = d.id))"
	    " ORDER BY v.id LIMIT $2",
	    (struct bst_qp[]){BST_QP_INT(after), BST_QP_INT(limit), BST_QP_TEXT(owner),
			      BST_QP_INT(owner_id), BST_QP_INT(current_only ? 1 : 0), BST_QP_END},
	    file_row, &e);
}

struct each_folder {
	void (*fn)(void *, int64_t, int64_t, const char *);
	void *cls;
};

static int folder_row(void *cls, const bst_row *r)
{
	struct each_folder *e = cls;
	e->fn(e->cls, bst_row_int(r, 0), bst_row_int(r, 1), bst_row_text(r, 2));
	return 0;
}

enum bst_qs bst_q_dump_folders(bst_db *db,
			       void (*fn)(void *cls, int64_t id, int64_t parent,
					  const char *name),
			       void *cls)
{
	struct each_folder e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT id, coalesce(parent_id, 0), name FROM folders"
			   " WHERE deleted_ms IS NULL ORDER BY id",
			   NULL, folder_row, &e);
}

struct each_text {
	void (*fn)(void *, const struct bst_dump_text *);
	void *cls;
};

static int text_row(void *cls, const bst_row *r)
{
	struct each_text *e = cls;
	struct bst_dump_text t;
	memset(&t, 0, sizeof t);
	t.id = bst_row_int(r, 0);
	t.post_id = bst_row_int(r, 1);
	t.group_id = bst_row_int(r, 2);
	bst_q_text(r, 3, t.group_name, sizeof t.group_name);
	t.body = bst_row_text(r, 4);
	t.created_ms = bst_row_int(r, 5);
	t.edited_ms = bst_row_int(r, 6);
	t.deleted_ms = bst_row_int(r, 7);
	e->fn(e->cls, &t);
	return 0;
}

enum bst_qs bst_q_dump_texts(bst_db *db, const char *kind, int64_t author_id, int64_t after,
			     int limit, void (*fn)(void *cls, const struct bst_dump_text *t),
			     void *cls)
{
	struct each_text e = {fn, cls};
	struct bst_qp params[] = {BST_QP_INT(author_id), BST_QP_INT(after), BST_QP_INT(limit),
				  BST_QP_END};
	if (strcmp(kind, "post") == 0)
		return bst_db_exec(
		    db,
		    "SELECT p.id, p.id, coalesce(p.group_id, 0), coalesce(g.name, ''), p.body,"
		    " p.created_ms, coalesce(p.edited_ms, 0), coalesce(p.deleted_ms, 0)"
		    " FROM posts p LEFT JOIN groups g ON g.id = p.group_id"
		    " WHERE p.author_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3",
		    params, text_row, &e);
	return bst_db_exec(
	    db,
	    "SELECT c.id, c.post_id, coalesce(p.group_id, 0), coalesce(g.name, ''), c.body,"
	    " c.created_ms, coalesce(c.edited_ms, 0), coalesce(c.deleted_ms, 0)"
	    " FROM comments c JOIN posts p ON p.id = c.post_id"
	    " LEFT JOIN groups g ON g.id = p.group_id"
	    " WHERE c.author_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3",
	    params, text_row, &e);
}

void bst_q_dump_quote(const char *name, char *out, size_t outlen)
{
	size_t o = 0;
	if (outlen < 3) {
		if (outlen)
			out[0] = '\0';
		return;
	}
	out[o++] = '"';
	for (const char *p = name; *p && o + 3 < outlen; p++) {
		if (*p == '"')
			out[o++] = '"';
		out[o++] = *p;
	}
	out[o++] = '"';
	out[o] = '\0';
}

enum bst_qs bst_q_dump_rows(bst_db *db, const char *table,
			    const struct bst_dump_column *cols, size_t n,
			    const bool *keep, bst_row_cb fn, void *cls)
{
	char q[2 * BST_Q_DUMP_NAME_LEN + 3];
	bst_buf sql;
	bst_buf_init(&sql);
	bst_buf_puts(&sql, "SELECT ");
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		bst_q_dump_quote(cols[i].name, q, sizeof q);
		bst_buf_printf(&sql, "%s%s", shown++ ? ", " : "", q);
	}
	bst_q_dump_quote(table, q, sizeof q);
	bst_buf_printf(&sql, " FROM %s ORDER BY ", q);
	/* the primary key's columns in key order, else the rowid */
	int keyed = 0;
	for (int k = 1; k <= (int)n; k++)
		for (size_t i = 0; i < n; i++)
			if (cols[i].pk == k) {
				bst_q_dump_quote(cols[i].name, q, sizeof q);
				bst_buf_printf(&sql, "%s%s", keyed++ ? ", " : "", q);
			}
	if (!keyed)
		bst_buf_puts(&sql, "rowid");
	enum bst_qs qs = sql.oom || !shown
			     ? BST_QS_HARD_ERROR
			     : bst_db_exec_once(db, bst_buf_str(&sql), NULL, fn, cls);
	bst_buf_free(&sql);
	return qs;
}
