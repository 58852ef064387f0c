/* Search (see search.h): checks the query and the cursor, asks the store
 * for what the searcher may see, renders snippets safely. */
#include "social/search.h"
#include "core/html.h"
#include "core/i18n.h"
#include "core/log.h"
#include "social/apps.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
    [BST_SEARCH_OK] = {"ok", N_("Done."), 200},
    [BST_SEARCH_EMPTY] = {"query_empty", N_("Type one or more words to search for."),
			  400},
    [BST_SEARCH_TOO_LONG] = {"query_too_long",
			     N_("Search for at most 20 words and 200 characters."), 400},
    [BST_SEARCH_INVALID] =
	{"query_invalid",
	 N_("The search contains characters that cannot be searched for."), 400},
    [BST_SEARCH_BAD_KIND] =
	{"kind_invalid",
	 N_("Choose what to search: publications, comments, people or documents."), 400},
    [BST_SEARCH_BAD_CURSOR] = {"bad_cursor", N_("This cursor is not valid."), 400},
    [BST_SEARCH_FORBIDDEN] = {"forbidden", N_("You are not allowed to do this."), 403},
    [BST_SEARCH_ERROR] = {"internal", N_("Something went wrong on our side."), 500},
};

const char *bst_search_code(enum bst_search_status s)
{
	return statuses[s].code;
}

const char *bst_search_text(enum bst_search_status s)
{
	return statuses[s].text;
}

int bst_search_http_status(enum bst_search_status s)
{
	return statuses[s].http;
}

static const char *const kind_names[] = {
    [BST_SEARCH_POST] = "post",
    [BST_SEARCH_COMMENT] = "comment",
    [BST_SEARCH_USER] = "user",
    [BST_SEARCH_DOCUMENT] = "document",
};
#define N_KINDS (sizeof kind_names / sizeof *kind_names)

const char *bst_search_kind_name(enum bst_search_kind k)
{
	return kind_names[k];
}

static bool kind_of(const char *name, enum bst_search_kind *k)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*k = (enum bst_search_kind)i;
			return true;
		}
	return false;
}

struct relay {
	void (*fn)(void *cls, const struct bst_search_hit *h);
	void *cls;
	int limit;
	int seen;
};

static void relay_hit(void *cls, const struct bst_q_search_hit *q)
{
	struct relay *rl = cls;
	if (++rl->seen > rl->limit)
		return; /* the one more that says another page exists */
	struct bst_search_hit h = {
	    .id = q->ref,
	    .post_id = q->post_id,
	    .at_ms = q->at_ms,
	    .name = q->name,
	    .detail = q->detail,
	    .group_id = q->group_id,
	    .group_name = q->group_name,
	    .personal = q->personal,
	    .snippet = q->snippet,
	};
	if (!kind_of(q->kind, &h.kind))
		return; /* the store answers only the four kinds */
	rl->fn(rl->cls, &h);
}

enum bst_search_status bst_search(struct bst_ctx *ctx, const char *query,
				  const char *kind, int64_t cursor, int limit,
				  void (*fn)(void *cls, const struct bst_search_hit *h),
				  void *cls, int64_t *next)
{
	*next = 0;
	if (ctx->actor != BST_ACTOR_USER)
		return BST_SEARCH_FORBIDDEN;
	if (kind && kind[0]) {
		enum bst_search_kind k;
		if (!kind_of(kind, &k))
			return BST_SEARCH_BAD_KIND;
	} else {
		kind = NULL;
	}
	if (cursor < 0 || cursor > BST_SEARCH_DEPTH_MAX)
		return BST_SEARCH_BAD_CURSOR;
	if (limit < 1 || limit > BST_SEARCH_PAGE_MAX)
		limit = BST_SEARCH_PAGE_MAX;
	char fts[BST_Q_SEARCH_FTS_LEN];
	switch (bst_q_search_fts_query(query ? query : "", query ? strlen(query) : 0, fts,
				       sizeof fts)) {
	case BST_Q_SEARCH_OK:
		break;
	case BST_Q_SEARCH_EMPTY:
		return BST_SEARCH_EMPTY;
	case BST_Q_SEARCH_TOO_LONG:
		return BST_SEARCH_TOO_LONG;
	case BST_Q_SEARCH_INVALID:
		return BST_SEARCH_INVALID;
	}
	/* never past the depth limit, even inside the last page */
	if (cursor + limit > BST_SEARCH_DEPTH_MAX)
		limit = (int)(BST_SEARCH_DEPTH_MAX - cursor);
	if (limit == 0)
		return BST_SEARCH_OK;
	struct relay rl = {fn, cls, limit, 0};
	bool documents = bst_app_enabled(ctx, BST_APP_DOCUMENTS);
	enum bst_qs qs = bst_q_search(ctx->platform->main, fts, ctx->user.id, kind,
				      documents, cursor, limit + 1, relay_hit, &rl);
	if (qs < 0) {
		bst_log_error("platform %s: search failed (%d)", ctx->platform->slug,
			      (int)qs);
		return BST_SEARCH_ERROR;
	}
	if (rl.seen > limit && cursor + limit < BST_SEARCH_DEPTH_MAX)
		*next = cursor + limit;
	return BST_SEARCH_OK;
}

void bst_search_hit_url(const struct bst_search_hit *h, char *out, size_t outlen)
{
	switch (h->kind) {
	case BST_SEARCH_POST:
		snprintf(out, outlen, "/posts/%lld", (long long)h->id);
		return;
	case BST_SEARCH_COMMENT:
		snprintf(out, outlen, "/posts/%lld#comment-%lld", (long long)h->post_id,
			 (long long)h->id);
		return;
	case BST_SEARCH_USER:
		snprintf(out, outlen, "/people/%lld", (long long)h->id);
		return;
	case BST_SEARCH_DOCUMENT:
		snprintf(out, outlen, "/documents/%lld", (long long)h->id);
		return;
	}
	snprintf(out, outlen, "/");
}

/* Walks a snippet: runs of text go to text(), markers to mark(open);
 * control characters become spaces. */
static void walk(bst_buf *b, const char *s, bool html)
{
	bst_buf run;
	bst_buf_init(&run);
	bool open = false;
	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		bool end = *p == '\0';
		bool marker = *p == (unsigned char)BST_Q_SEARCH_MARK_OPEN ||
			      *p == (unsigned char)BST_Q_SEARCH_MARK_CLOSE;
		if (end || marker) {
			if (html)
				bst_html_txt(b, bst_buf_str(&run));
			else
				bst_buf_puts(b, bst_buf_str(&run));
			bst_buf_reset(&run);
		}
		if (end)
			break;
		if (marker) {
			bool want_open = *p == (unsigned char)BST_Q_SEARCH_MARK_OPEN;
			if (html && want_open != open)
				bst_buf_puts(b, want_open ? "<mark>" : "</mark>");
			open = want_open;
		} else if (*p < 0x20 || *p == 0x7f) {
			bst_buf_putc(&run, ' ');
		} else {
			bst_buf_putc(&run, (char)*p);
		}
	}
	if (html && open)
		bst_buf_puts(b, "</mark>");
	bst_buf_free(&run);
}

void bst_search_snippet_html(bst_buf *b, const char *snippet)
{
	walk(b, snippet ? snippet : "", true);
}

void bst_search_snippet_text(bst_buf *b, const char *snippet)
{
	walk(b, snippet ? snippet : "", false);
}
