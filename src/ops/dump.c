/* The portable SQL dump (see dump.h). Types are mapped to what both
 * engines read the same: INTEGER to BIGINT, TEXT to TEXT, REAL to DOUBLE
 * PRECISION. Foreign keys are declared DEFERRABLE INITIALLY DEFERRED and
 * everything runs in one transaction, so PostgreSQL checks them at COMMIT
 * whatever the order of the tables (stock sqlite3 does not enforce them
 * unless asked). Text literals double their quotes and nothing else:
 * PostgreSQL's standard_conforming_strings (on by default) and SQLite read
 * backslashes literally. */
#include "ops/dump.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "core/utf8.h"
#include "db/q_dump.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLUMNS_MAX 64
#define ROWS_PER_INSERT 200
#define FLUSH_BYTES (64 * 1024)

/* Every table of a platform's main.db, and what the export does with it.
 * A table missing here stops the export: whoever adds one decides. */
static const char *const users_secrets[] = {"password_hash", "totp_secret", "totp_last_step",
					     NULL};
static const char *const destination_secrets[] = {"password_sealed", NULL};
static const struct rule {
	const char *name;
	bool prefix;             /* name is a prefix (a virtual table's shadows) */
	bool exported;
	const char *const *drop; /* columns left out */
} rules[] = {
    {"api_tokens", false, false, NULL}, /* credentials */
    {"apps", false, true, NULL},
    {"avatars", false, true, NULL},
    {"blobs", false, true, NULL}, /* the stored files' metadata */
    {"comment_versions", false, true, NULL},
    {"comments", false, true, NULL},
    {"document_versions", false, true, NULL},
    {"export_destination", false, true, destination_secrets}, /* its password sealed */
    {"documents", false, true, NULL},
    {"folders", false, true, NULL},
    {"group_members", false, true, NULL},
    {"groups", false, true, NULL},
    {"login_failures", false, false, NULL}, /* throttling state */
    {"mentions", false, true, NULL},
    {"notifications", false, true, NULL},
    {"one_time_links", false, false, NULL}, /* credentials */
    {"post_attachments", false, true, NULL},
    {"post_versions", false, true, NULL},
    {"posts", false, true, NULL},
    {"reactions", false, true, NULL},
    {"recovery_codes", false, false, NULL}, /* credentials */
    {"schema_migrations", false, true, NULL},
    {"search_index", true, false, NULL}, /* derived from the rest */
    {"search_refs", false, false, NULL}, /* derived */
    {"sessions", false, false, NULL},    /* credentials */
    {"settings", false, true, NULL},
    {"users", false, true, users_secrets},
};

static const struct rule *rule_of(const char *table)
{
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
		size_t n = strlen(rules[i].name);
		if (rules[i].prefix ? strncmp(table, rules[i].name, n) == 0
				    : strcmp(table, rules[i].name) == 0)
			return &rules[i];
	}
	return NULL;
}

static bool dropped(const struct rule *r, const char *column)
{
	for (const char *const *d = r->drop; d && *d; d++)
		if (strcmp(*d, column) == 0)
			return true;
	return false;
}

struct dump {
	struct bst_platform *p;
	int64_t now_ms;
	int (*write)(void *cls, const char *data, size_t len);
	void *cls;
	struct bst_dump_stats *stats;
	bst_buf out;
	bool failed;
	char *err;
	size_t errlen;
	/* the tables, read first */
	char names[BST_DUMP_TABLES_MAX][BST_Q_DUMP_NAME_LEN];
	size_t n_names;
	bool too_many;
	/* deps[i][j]: table i references table j (both exported) */
	bool deps[BST_DUMP_TABLES_MAX][BST_DUMP_TABLES_MAX];
	size_t order[BST_DUMP_TABLES_MAX]; /* referenced tables first */
	size_t n_order;
	size_t dep_of;                     /* the table being read */
	/* the table being written */
	struct bst_dump_column cols[COLUMNS_MAX];
	bool keep[COLUMNS_MAX];
	size_t n_cols;
	const char *table;
	int64_t rows;
	int in_batch;
	int64_t repaired; /* texts whose invalid UTF-8 was replaced */
};

static void fail(struct dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct dump *d, const char *fmt, ...)
{
	if (!d->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(d->err, d->errlen, fmt, ap);
		va_end(ap);
	}
	d->failed = true;
}

static void flush(struct dump *d, bool all)
{
	if (d->failed || (!all && d->out.len < FLUSH_BYTES))
		return;
	if (d->out.oom) {
		fail(d, "%s", "out of memory while writing the dump");
		return;
	}
	if (d->out.len && d->write(d->cls, d->out.data, d->out.len) != 0)
		fail(d, "%s", "cannot write the dump");
	d->stats->bytes += (int64_t)d->out.len;
	bst_buf_reset(&d->out);
}

static void quoted_name(bst_buf *b, const char *name)
{
	char q[2 * BST_Q_DUMP_NAME_LEN + 3];
	bst_q_dump_quote(name, q, sizeof q);
	bst_buf_puts(b, q);
}

/* A text literal: quotes doubled, invalid UTF-8 replaced (PostgreSQL
 * refuses it; SQLite's texts should never hold any). */
static void text_literal(struct dump *d, const char *s)
{
	bst_buf *b = &d->out;
	bst_buf_putc(b, '\'');
	const unsigned char *p = (const unsigned char *)s;
	bool repaired = false;
	while (*p) {
		size_t run = 0; /* plain ASCII, written as it is */
		while (p[run] && p[run] < 0x80 && p[run] != '\'')
			run++;
		bst_buf_append(b, p, run);
		p += run;
		if (!*p)
			break;
		if (*p == '\'') {
			bst_buf_puts(b, "''");
			p++;
			continue;
		}
		size_t len = bst_utf8_decode(p, 4, NULL);
		if (len) {
			bst_buf_append(b, p, len);
			p += len;
		} else {
			bst_buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
			repaired = true;
			p++;
		}
	}
	bst_buf_putc(b, '\'');
	if (repaired)
		d->repaired++;
}

static int row(void *cls, const bst_row *r)
{
	struct dump *d = cls;
	bst_buf *b = &d->out;
	if (d->in_batch == 0) {
		bst_buf_puts(b, "INSERT INTO ");
		quoted_name(b, d->table);
		bst_buf_puts(b, " (");
		size_t shown = 0;
		for (size_t i = 0; i < d->n_cols; i++)
			if (d->keep[i]) {
				if (shown++)
					bst_buf_puts(b, ", ");
				quoted_name(b, d->cols[i].name);
			}
		bst_buf_puts(b, ") VALUES\n(");
	} else {
		bst_buf_puts(b, ",\n(");
	}
	size_t shown = 0;
	for (size_t i = 0; i < d->n_cols; i++) {
		if (!d->keep[i])
			continue;
		int col = (int)shown;
		if (shown++)
			bst_buf_puts(b, ", ");
		switch (bst_row_type(r, col)) {
		case BST_COL_NULL: bst_buf_puts(b, "NULL"); break;
		case BST_COL_INT: bst_buf_printf(b, "%lld", (long long)bst_row_int(r, col)); break;
		case BST_COL_REAL: bst_buf_printf(b, "%.17g", bst_row_real(r, col)); break;
		case BST_COL_TEXT: text_literal(d, bst_row_text(r, col)); break;
		case BST_COL_BLOB:
			fail(d, "table %s holds binary data, which the dump cannot carry", d->table);
			return 1;
		}
	}
	bst_buf_putc(b, ')');
	d->rows++;
	if (++d->in_batch == ROWS_PER_INSERT || d->out.len >= FLUSH_BYTES) {
		bst_buf_puts(b, ";\n");
		d->in_batch = 0;
		flush(d, false);
	}
	return d->failed ? 1 : 0;
}

/* A column's type for both engines, or NULL. */
static const char *portable_type(const char *declared)
{
	if (strcmp(declared, "INTEGER") == 0)
		return "BIGINT";
	if (strcmp(declared, "TEXT") == 0)
		return "TEXT";
	if (strcmp(declared, "REAL") == 0)
		return "DOUBLE PRECISION";
	return NULL;
}

/* A default both engines read: a number or a quoted string. */
static bool portable_default(const char *dflt)
{
	if (!dflt[0])
		return false;
	if (dflt[0] == '\'')
		return strlen(dflt) >= 2 && dflt[strlen(dflt) - 1] == '\'';
	for (const char *p = dflt[0] == '-' ? dflt + 1 : dflt; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return dflt[0] != '-' || dflt[1];
}

static void create_table(struct dump *d, const char *table)
{
	bst_buf *b = &d->out;
	bst_buf_puts(b, "\nCREATE TABLE ");
	quoted_name(b, table);
	bst_buf_puts(b, " (");
	size_t shown = 0, keys = 0;
	for (size_t i = 0; i < d->n_cols; i++) {
		if (!d->keep[i])
			continue;
		const struct bst_dump_column *c = &d->cols[i];
		const char *type = portable_type(c->type);
		if (!type) {
			fail(d, "a column of table %s has a type the dump cannot carry", table);
			return;
		}
		bst_buf_puts(b, shown++ ? ",\n  " : "\n  ");
		quoted_name(b, c->name);
		bst_buf_printf(b, " %s", type);
		if (c->not_null)
			bst_buf_puts(b, " NOT NULL");
		if (portable_default(c->dflt))
			bst_buf_printf(b, " DEFAULT %s", c->dflt);
		const struct rule *target = c->ref_table[0] ? rule_of(c->ref_table) : NULL;
		if (target && target->exported) {
			bst_buf_puts(b, " REFERENCES ");
			quoted_name(b, c->ref_table);
			if (c->ref_column[0]) {
				bst_buf_puts(b, " (");
				quoted_name(b, c->ref_column);
				bst_buf_puts(b, ")");
			}
			bst_buf_puts(b, " DEFERRABLE INITIALLY DEFERRED");
		}
		if (c->pk)
			keys++;
	}
	if (keys) {
		bst_buf_puts(b, ",\n  PRIMARY KEY (");
		size_t done = 0;
		for (int k = 1; k <= (int)d->n_cols; k++)
			for (size_t i = 0; i < d->n_cols; i++)
				if (d->cols[i].pk == k) {
					if (done++)
						bst_buf_puts(b, ", ");
					quoted_name(b, d->cols[i].name);
				}
		bst_buf_puts(b, ")");
	}
	bst_buf_puts(b, "\n);\n");
}

static void dump_table(struct dump *d, const char *table, const struct rule *r)
{
	size_t n = 0;
	if (bst_q_dump_columns(d->p->main, table, d->cols, COLUMNS_MAX, &n) < 0) {
		fail(d, "cannot read the columns of table %s", table);
		return;
	}
	if (n > COLUMNS_MAX) {
		fail(d, "table %s has more columns than the dump handles", table);
		return;
	}
	d->n_cols = n;
	for (size_t i = 0; i < n; i++)
		d->keep[i] = !dropped(r, d->cols[i].name);
	d->table = table;
	d->rows = 0;
	d->in_batch = 0;
	create_table(d, table);
	if (d->failed)
		return;
	if (bst_q_dump_rows(d->p->main, table, d->cols, n, d->keep, row, d) < 0 && !d->failed)
		fail(d, "cannot read the rows of table %s", table);
	if (d->in_batch)
		bst_buf_puts(&d->out, ";\n");
	flush(d, false);
	struct bst_dump_stats *s = d->stats;
	if (s->n_tables < BST_DUMP_TABLES_MAX) {
		bst_str_copy(s->tables[s->n_tables].name, sizeof s->tables[0].name, table);
		s->tables[s->n_tables].rows = d->rows;
		s->n_tables++;
	}
}

static void table_name(void *cls, const char *name)
{
	struct dump *d = cls;
	if (d->n_names == BST_DUMP_TABLES_MAX) {
		d->too_many = true;
		return;
	}
	bst_str_copy(d->names[d->n_names++], BST_Q_DUMP_NAME_LEN, name);
}

static void reference(void *cls, const char *name)
{
	struct dump *d = cls;
	for (size_t j = 0; j < d->n_names; j++)
		if (j != d->dep_of && strcmp(d->names[j], name) == 0)
			d->deps[d->dep_of][j] = true;
}

/* The exported tables, each after those it references (PostgreSQL wants a
 * referenced table to exist when a reference to it is declared); a cycle
 * would leave tables out, and stops the dump. */
static void order_tables(struct dump *d)
{
	bool placed[BST_DUMP_TABLES_MAX] = {false};
	size_t wanted = 0;
	for (size_t i = 0; i < d->n_names; i++) {
		if (!rule_of(d->names[i])->exported) {
			placed[i] = true; /* never written, never waited for */
			continue;
		}
		wanted++;
		d->dep_of = i;
		if (bst_q_dump_references(d->p->main, d->names[i], reference, d) < 0) {
			fail(d, "cannot read the references of table %s", d->names[i]);
			return;
		}
	}
	d->n_order = 0;
	for (bool progress = true; progress && d->n_order < wanted;) {
		progress = false;
		for (size_t i = 0; i < d->n_names; i++) {
			if (placed[i])
				continue;
			bool ready = true;
			for (size_t j = 0; j < d->n_names && ready; j++)
				ready = !d->deps[i][j] || placed[j];
			if (ready) {
				placed[i] = true;
				d->order[d->n_order++] = i;
				progress = true;
			}
		}
	}
	if (d->n_order < wanted)
		fail(d, "%s", "the tables reference each other in a cycle the dump cannot order");
}

/* Inside the snapshot: every table, each after those it references. */
static void dump_all(void *cls)
{
	struct dump *d = cls;
	if (bst_q_dump_tables(d->p->main, table_name, d) < 0) {
		fail(d, "%s", "cannot list the tables");
		return;
	}
	if (d->too_many) {
		fail(d, "%s", "the database has more tables than the dump handles");
		return;
	}
	for (size_t i = 0; i < d->n_names; i++)
		if (!rule_of(d->names[i])) {
			fail(d,
			     "table %s is not classified for the export (src/ops/dump.c): "
			     "nothing was written",
			     d->names[i]);
			return;
		}
	order_tables(d);
	if (d->failed)
		return;
	char when[40];
	bst_time_format_iso(d->now_ms, when, sizeof when);
	bst_buf_printf(&d->out,
		       "-- Bastide: the data of platform %s, as it was at %s.\n"
		       "-- Portable SQL: stock sqlite3 (sqlite3 new.db < dump.sql) and\n"
		       "-- PostgreSQL (PGCLIENTENCODING=UTF8 psql -d DB -f dump.sql) load it as it is.\n"
		       "-- Left out: sessions, access tokens, invitation and reset links,\n"
		       "-- recovery codes, sign-in throttling, the search index (derived), and\n"
		       "-- the users' password hashes and second-factor secrets.\n"
		       "BEGIN;\n",
		       d->p->slug, when);
	for (size_t k = 0; k < d->n_order && !d->failed; k++) {
		const char *name = d->names[d->order[k]];
		dump_table(d, name, rule_of(name));
	}
	bst_buf_puts(&d->out, "\nCOMMIT;\n");
	flush(d, true);
}

int bst_dump_sql(struct bst_platform *p, int64_t now_ms,
		 int (*write)(void *cls, const char *data, size_t len), void *cls,
		 struct bst_dump_stats *stats, char *err, size_t errlen)
{
	struct bst_dump_stats local;
	struct dump *d = calloc(1, sizeof *d);
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->p = p;
	d->now_ms = now_ms;
	d->write = write;
	d->cls = cls;
	d->stats = stats ? stats : &local;
	memset(d->stats, 0, sizeof *d->stats);
	d->err = err;
	d->errlen = errlen;
	err[0] = '\0';
	bst_buf_init(&d->out);
	bst_platform_read(p, dump_all, d);
	if (d->repaired)
		bst_log_warn("platform %s: the dump replaced invalid UTF-8 in %lld texts",
			     p->slug, (long long)d->repaired);
	bool failed = d->failed;
	bst_buf_free(&d->out);
	free(d);
	return failed ? -1 : 0;
}
