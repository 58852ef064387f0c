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
