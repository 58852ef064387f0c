/* Reading the search index (the FTS5 table search_index; writing it is
 * q_search_index.c, declared in q_social.h). Two things live here because
 * they are the SQLite back end's language: the translation of what a person
 * typed into an FTS5 query that cannot be a syntax error, and the one query
 * that matches the index and joins each hit to its real row so that
 * visibility is decided in SQL, exactly, for the person searching. A
 * PostgreSQL back end would translate to a tsquery instead. Thread-safe as
 * the store is; the translation is a pure function. */
#ifndef BST_DB_Q_SEARCH_H
#define BST_DB_Q_SEARCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/store.h"

/* The longest query accepted, in bytes, and the most words in it: a person
 * types a few words; more is a script making the index work for nothing. */
#define BST_Q_SEARCH_QUERY_MAX 200
#define BST_Q_SEARCH_WORDS_MAX 20
/* Room for the translation of any accepted query: each byte doubled at
 * worst (a '"' becomes '""'), plus quotes and a space per word. */
#define BST_Q_SEARCH_FTS_LEN (2 * BST_Q_SEARCH_QUERY_MAX + 3 * BST_Q_SEARCH_WORDS_MAX + 1)

/* The highlight markers the query puts around matched words in snippets:
 * control characters that never reach a page (the search service turns
 * them into <mark> after escaping the rest). */
#define BST_Q_SEARCH_MARK_OPEN  '\x01'
#define BST_Q_SEARCH_MARK_CLOSE '\x02'

enum bst_q_search_parse {
	BST_Q_SEARCH_OK = 0,
	BST_Q_SEARCH_EMPTY,    /* nothing but spaces */
	BST_Q_SEARCH_TOO_LONG, /* over BST_Q_SEARCH_QUERY_MAX bytes or _WORDS_MAX words */
	BST_Q_SEARCH_INVALID,  /* not UTF-8, or a NUL or other control character */
};

/* Translates q[0..len) into an FTS5 query for every word of it: words are
 * what spaces separate; each becomes one quoted FTS5 string (its '"'
 * doubled), so that nothing typed is FTS5 syntax (no operators, columns,
 * prefixes or parentheses) and every word must match (FTS5's implicit AND;
 * inside a word, the tokenizer's rules apply: "l'élève" is the phrase
 * "l élève"). out must hold BST_Q_SEARCH_FTS_LEN bytes; on any status but
 * OK it is "". */
enum bst_q_search_parse bst_q_search_fts_query(const char *q, size_t len, char *out,
					       size_t outlen);

/* How many visible hits a search ranks: the most recently indexed ones
 * (see bst_q_search). Below it, ranking is exact; above it, the rest are
 * older than anything shown. It is also as deep as pages go. */
#define BST_Q_SEARCH_WINDOW 1000

/* One hit, as the visibility query returns it. Text fields are valid
 * during the callback only and never NULL ("" when they do not apply). */
struct bst_q_search_hit {
	const char *kind;   /* "post" | "comment" | "user" | "document" */
	int64_t ref;        /* that row's id */
	int64_t post_id;    /* a comment's publication; a post's own id */
	int64_t at_ms;      /* when it was written (documents: last change) */
	const char *name;   /* post, comment: the author; user: the person;
			       document: the document's name */
	const char *detail; /* user: job title; otherwise "" */
	int64_t group_id;   /* the group it lives in, 0 when none */
	const char *group_name;
	bool personal;       /* document: in the searcher's personal space */
	const char *snippet; /* from the best-matching column, with matches
				between the MARK_OPEN / MARK_CLOSE bytes */
};

/* The hits of fts (from bst_q_search_fts_query) that user_id may see: of
 * the BST_Q_SEARCH_WINDOW most recently indexed of them, best first (bm25,
 * the title weighing more than the body), then newest first; skipping
 * offset hits and giving at most limit. kind (NULL: all) keeps
 * one kind. Visibility, decided here against the real rows: nothing
 * deleted (nor a comment of a deleted publication, nor a document in a
 * deleted folder); posts, comments and group documents only from the
 * platform-wide feed, open groups, and groups where user_id's membership
 * is in state 'member'; personal documents only of user_id; documents
 * only when documents_on; people only when their account is active. An
 * index row whose real row is missing is never a hit. */
enum bst_qs bst_q_search(bst_db *db, const char *fts, int64_t user_id, const char *kind,
			 bool documents_on, int64_t offset, int limit,
			 void (*fn)(void *cls, const struct bst_q_search_hit *h),
			 void *cls);

#endif
