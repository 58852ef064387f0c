/* Search: one box over publications, comments, profiles and document
 * names. What a person typed is taken as plain words (never as query
 * syntax); results are exactly what that person may see — nothing deleted,
 * nothing from a private or secret group they are not a member of, no one
 * else's personal documents, no documents at all when the Documents
 * application is off, only active people — decided by the store's query
 * against the real rows, not by filtering afterwards. Platform
 * administrators see what members see. Searching changes nothing, so
 * nothing is audited here (the access log records the request). This
 * service never writes the index: the services that change the rows do.
 * Thread-safe. */
#ifndef BST_SOCIAL_SEARCH_H
#define BST_SOCIAL_SEARCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/q_search.h"
#include "tenant/context.h"

/* The longest query, in bytes, and the most words (see q_search.h). */
#define BST_SEARCH_QUERY_MAX BST_Q_SEARCH_QUERY_MAX
#define BST_SEARCH_WORDS_MAX BST_Q_SEARCH_WORDS_MAX
/* Most hits in one page. */
#define BST_SEARCH_PAGE_MAX 100
/* How deep pages go: a cursor is the number of hits already shown, and
 * nobody reads past the thousandth result of a search. It is the store's
 * ranking window: a search ranks the 1000 most recently indexed visible
 * hits (all of them when there are fewer), which keeps a search for a
 * common word over hundreds of thousands of rows within tens of ms. */
#define BST_SEARCH_DEPTH_MAX BST_Q_SEARCH_WINDOW

enum bst_search_status {
	BST_SEARCH_OK = 0,
	BST_SEARCH_EMPTY,      /* no words */
	BST_SEARCH_TOO_LONG,   /* over BST_SEARCH_QUERY_MAX bytes or _WORDS_MAX words */
	BST_SEARCH_INVALID,    /* control characters or broken text */
	BST_SEARCH_BAD_KIND,   /* not "post", "comment", "user" or "document" */
	BST_SEARCH_BAD_CURSOR, /* negative or deeper than BST_SEARCH_DEPTH_MAX */
	BST_SEARCH_FORBIDDEN,  /* not a signed-in person */
	BST_SEARCH_ERROR,      /* the store failed */
};
/* A stable code, a sentence for people (an English msgid: translate it
 * with _()), and the HTTP status interfaces answer with. */
const char *bst_search_code(enum bst_search_status s);
const char *bst_search_text(enum bst_search_status s);
int bst_search_http_status(enum bst_search_status s);

enum bst_search_kind {
	BST_SEARCH_POST,
	BST_SEARCH_COMMENT,
	BST_SEARCH_USER,
	BST_SEARCH_DOCUMENT,
};
/* "post", "comment", "user", "document". */
const char *bst_search_kind_name(enum bst_search_kind k);

/* One result. Strings are valid during the callback only. */
struct bst_search_hit {
	enum bst_search_kind kind;
	int64_t id;         /* the post, comment, user or document */
	int64_t post_id;    /* a comment's publication (a post: its id) */
	int64_t at_ms;      /* written (documents: last changed) */
	const char *name;   /* post, comment: its author; user: the person;
			       document: its name */
	const char *detail; /* user: job title; otherwise "" */
	int64_t group_id;   /* 0 when not in a group */
	const char *group_name;
	bool personal;       /* document in the searcher's personal space */
	const char *snippet; /* index text around the matches, with the
				q_search.h markers: render it only through
				bst_search_snippet_html or _text */
};

/* The hits for query that ctx's user may see, best first then newest
 * (among the BST_SEARCH_DEPTH_MAX most recently indexed ones):
 * kind (NULL or "": all) keeps one kind; cursor is 0 or a *next from the
 * previous page; at most limit (1..BST_SEARCH_PAGE_MAX) hits. *next is
 * the cursor of the following page, 0 when there is none. fn may be
 * called before a failure is returned: interfaces build their answer
 * aside and send it only on OK. */
enum bst_search_status bst_search(struct bst_ctx *ctx, const char *query,
				  const char *kind, int64_t cursor, int limit,
				  void (*fn)(void *cls, const struct bst_search_hit *h),
				  void *cls, int64_t *next);

/* Where a hit lives: /posts/{id}, /posts/{post}#comment-{id},
 * /people/{id}, /documents/{id}. */
void bst_search_hit_url(const struct bst_search_hit *h, char *out, size_t outlen);

/* A snippet as HTML: its text escaped (core/html.h), each highlighted
 * match in <mark>…</mark> (always balanced), control characters as
 * spaces. */
void bst_search_snippet_html(bst_buf *b, const char *snippet);
/* The same as plain text, without the markers. */
void bst_search_snippet_text(bst_buf *b, const char *snippet);

#endif
