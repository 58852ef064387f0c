/* libFuzzer target: bst_q_search_fts_query (src/db/q_search.c), which turns
 * what a person typed into an FTS5 query, on arbitrary bytes. Checks its
 * promises — a refusal leaves "" and only refuses what it should; an
 * accepted query is one quoted string per word, which unquoted gives back
 * the words typed — and that SQLite's FTS5, with the search index's own
 * tokenizer, runs every query it produces without an error. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/q_search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* q_search.c also holds the store query, which this target never runs:
 * these satisfy the linker and would stop the run if reached. */
enum bst_qs bst_db_exec(bst_db *db, const char *sql, const struct bst_qp *params,
			bst_row_cb cb, void *cls)
{
	(void)db, (void)sql, (void)params, (void)cb, (void)cls;
	abort();
}

const char *bst_row_text(const bst_row *r, int col)
{
	(void)r, (void)col;
	abort();
}

int64_t bst_row_int(const bst_row *r, int col)
{
	(void)r, (void)col;
	abort();
}

static sqlite3_stmt *match;

/* An in-memory copy of search_index (migrations/platform/0002) with a row
 * to match against. */
static void open_index(void)
{
	sqlite3 *db;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "CREATE VIRTUAL TABLE search_index USING fts5(kind UNINDEXED,"
			 " ref UNINDEXED, title, body,"
			 " tokenize = 'unicode61 remove_diacritics 2');"
			 "INSERT INTO search_index VALUES ('post', 1, 'Zoé Élève',"
			 " 'L''élève a \"gagné\" OR NOT * title: (x) NEAR(a b)');",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT rowid, snippet(search_index, -1, char(1), char(2),"
			       " '…', 24) FROM search_index WHERE search_index MATCH ?1"
			       " ORDER BY bm25(search_index, 0.0, 0.0, 4.0, 1.0)",
			       -1, &match, NULL) != SQLITE_OK)
		abort();
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* out unquoted: the words of in, one space apart. */
static void check_quoting(const uint8_t *in, size_t len, const char *out)
{
	size_t i = 0, o = 0;
	for (;;) {
		while (i < len && is_space(in[i]))
			i++;
		if (i == len)
			break;
		if (o > 0 && out[o++] != ' ')
			abort();
		if (out[o++] != '"')
			abort();
		while (i < len && !is_space(in[i])) {
			if (in[i] == '"' && out[o++] != '"')
				abort();
			if ((uint8_t)out[o++] != in[i++])
				abort();
		}
		if (out[o++] != '"')
			abort();
	}
	if (out[o] != '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!match)
		open_index();
	char out[BST_Q_SEARCH_FTS_LEN];
	memset(out, 'x', sizeof out);
	enum bst_q_search_parse rc =
	    bst_q_search_fts_query((const char *)data, size, out, sizeof out);
	if (rc != BST_Q_SEARCH_OK) {
		if (out[0] != '\0')
			abort();
		if (size > BST_Q_SEARCH_QUERY_MAX && rc != BST_Q_SEARCH_TOO_LONG)
			abort();
		return 0;
	}
	if (size > BST_Q_SEARCH_QUERY_MAX || memchr(data, '\0', size))
		abort();
	if (strlen(out) >= sizeof out)
		abort();
	check_quoting(data, size, out);
	sqlite3_bind_text(match, 1, out, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(match)) == SQLITE_ROW)
		;
	if (step != SQLITE_DONE)
		abort(); /* an FTS5 syntax error, or worse */
	sqlite3_reset(match);
	sqlite3_clear_bindings(match);
	return 0;
}
