/* GET /search: the search box and, when ?q= is given, one page of results
 * (publications, comments, people, documents mixed, each labelled with its
 * kind, best first), with a link to the next page (?cursor=). Snippets
 * reach the page only through bst_search_snippet_html. */
#include "web/search.h"
#include "social/apps.h"
#include "social/search.h"
#include "web/pages.h"

#include <stdlib.h>
#include <string.h>

/* Hits per page. */
#define PAGE_HITS 20

static const char *kind_label(enum bst_search_kind k)
{
	switch (k) {
	case BST_SEARCH_POST:
		return _("Publication");
	case BST_SEARCH_COMMENT:
		return C_("noun", "Comment");
	case BST_SEARCH_USER:
		return _("Person");
	case BST_SEARCH_DOCUMENT:
		return _("Document");
	}
	return "";
}

struct page {
	struct bst_req *r;
	bst_buf *b;
	int n;
};

static void hit(void *cls, const struct bst_search_hit *h)
{
	struct page *p = cls;
	bst_buf *b = p->b;
	p->n++;
	char url[96];
	bst_search_hit_url(h, url, sizeof url);
	bst_buf name;
	bst_buf_init(&name);
	bst_html_txt(&name, h->name);
	bst_buf_puts(b, "<li class=\"search-hit\"><p class=\"search-meta\">");
	bst_buf_puts(b, "<span class=\"search-kind\">");
	bst_html_txt(b, kind_label(h->kind));
	bst_buf_puts(b, "</span>");
	if (h->at_ms) {
		char when[64];
		bst_i18n_datetime(h->at_ms, when, sizeof when);
		bst_buf_puts(b, " · ");
		bst_html_txt(b, when);
	}
	if (h->group_name[0]) {
		bst_buf_puts(b, " · ");
		bst_buf_printf(b, "<a href=\"/groups/%lld\">", (long long)h->group_id);
		bst_html_txt(b, h->group_name);
		bst_buf_puts(b, "</a>");
	} else if (h->kind == BST_SEARCH_DOCUMENT && h->personal) {
		bst_buf_puts(b, " · ");
		bst_html_txt(b, _("My documents"));
	}
	if (h->detail[0]) {
		bst_buf_puts(b, " · ");
		bst_html_txt(b, h->detail);
	}
	bst_buf_puts(b, "</p><h3 class=\"search-title\"><a href=\"");
	bst_html_attr(b, url);
	bst_buf_puts(b, "\">");
	switch (h->kind) {
	case BST_SEARCH_POST:
		/* TRANSLATORS: %s is the author's name */
		bst_buf_printf(b, _("Publication by %s"), bst_buf_str(&name));
		break;
	case BST_SEARCH_COMMENT:
		/* TRANSLATORS: %s is the author's name */
		bst_buf_printf(b, _("Comment by %s"), bst_buf_str(&name));
		break;
	case BST_SEARCH_USER:
	case BST_SEARCH_DOCUMENT:
		bst_buf_puts(b, bst_buf_str(&name));
		break;
	}
	bst_buf_free(&name);
	bst_buf_puts(b, "</a></h3>");
	if (h->snippet[0]) {
		bst_buf_puts(b, "<p class=\"search-snippet\">");
		bst_search_snippet_html(b, h->snippet);
		bst_buf_puts(b, "</p>");
	}
	bst_buf_puts(b, "</li>");
}

/* ?q=..&kind=..&cursor=N, attribute-escaped by the caller. */
static void page_link(bst_buf *b, const char *q, const char *kind, int64_t cursor)
{
	bst_buf url;
	bst_buf_init(&url);
	bst_buf_puts(&url, "/search?q=");
	bst_html_url_arg(&url, q);
	if (kind && kind[0]) {
		bst_buf_puts(&url, "&kind=");
		bst_html_url_arg(&url, kind);
	}
	if (cursor > 0)
		bst_buf_printf(&url, "&cursor=%lld", (long long)cursor);
	bst_html_attr(b, bst_buf_str(&url));
	bst_buf_free(&url);
}

static void option(bst_buf *b, const char *value, const char *label, const char *current)
{
	bst_buf_puts(b, "<option value=\"");
	bst_html_attr(b, value);
	bst_buf_puts(b, "\"");
	if (strcmp(value, current ? current : "") == 0)
		bst_buf_puts(b, " selected");
	bst_buf_puts(b, ">");
	bst_html_txt(b, label);
	bst_buf_puts(b, "</option>");
}

static void search_form(struct bst_req *r, bst_buf *b, const char *q, const char *kind)
{
	bst_buf_printf(b,
		       "<form method=\"get\" action=\"/search\" role=\"search\" "
		       "class=\"search-form\" aria-label=\"%s\">",
		       _("Search"));
	bst_page_field(b, "search", "q", _("Words to search for"), q,
		       "maxlength=\"200\" required autocomplete=\"off\"");
	bst_buf_printf(b,
		       "<p class=\"field\"><label for=\"f-kind\">%s</label>"
		       "<select id=\"f-kind\" name=\"kind\">",
		       _("Search in"));
	option(b, "", _("Everything"), kind);
	option(b, "post", _("Publications"), kind);
	option(b, "comment", _("Comments"), kind);
	option(b, "user", _("People"), kind);
	if (bst_app_enabled(&r->ctx, BST_APP_DOCUMENTS))
		option(b, "document", _("Documents"), kind);
	bst_buf_printf(b,
		       "</select></p><p><button type=\"submit\">%s</button></p></form>",
		       _("Search"));
}

static void render(struct bst_req *r, int status, const char *q, const char *kind,
		   const char *error, const bst_buf *results, int n, int64_t cursor,
		   int64_t next)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Search"));
	if (error)
		bst_page_notice(&b, "error", error);
	search_form(r, &b, q, kind);
	if (results) {
		bst_buf_printf(
		    &b,
		    "<section aria-labelledby=\"h-results\"><h2 id=\"h-results\" "
		    "class=\"search-heading\">%s</h2>",
		    _("Results"));
		if (n == 0) {
			bst_buf_printf(
			    &b, "<p>%s</p>",
			    cursor
				? _("No more results.")
				: _("Nothing found: try other words, or fewer of them."));
		} else {
			bst_buf_printf(&b, "<ol class=\"search-results\" start=\"%lld\">",
				       (long long)cursor + 1);
			bst_buf_puts(&b, bst_buf_str(results));
			bst_buf_puts(&b, "</ol>");
		}
		if (next || cursor) {
			bst_buf_printf(
			    &b, "<nav class=\"search-pages\" aria-label=\"%s\"><ul>",
			    _("Pages of results"));
			if (cursor) {
				bst_buf_puts(&b, "<li><a href=\"");
				page_link(&b, q, kind, 0);
				bst_buf_printf(&b, "\">%s</a></li>", _("First results"));
			}
			if (next) {
				bst_buf_puts(&b, "<li><a rel=\"next\" href=\"");
				page_link(&b, q, kind, next);
				bst_buf_printf(&b, "\">%s</a></li>", _("More results"));
			}
			bst_buf_puts(&b, "</ul></nav>");
		}
		bst_buf_puts(&b, "</section>");
	}
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_search(struct bst_req *r)
{
	const char *q = bst_kv_get(&r->query, "q");
	const char *kind = bst_kv_get(&r->query, "kind");
	const char *cursor_s = bst_kv_get(&r->query, "cursor");
	if (!q) {
		render(r, 200, NULL, kind, NULL, NULL, 0, 0, 0);
		return;
	}
	int64_t cursor = 0;
	if (cursor_s) {
		char *end;
		long long v = strtoll(cursor_s, &end, 10);
		if (!cursor_s[0] || *end || v < 0 || v > BST_SEARCH_DEPTH_MAX) {
			render(r, 400, q, kind, _(bst_search_text(BST_SEARCH_BAD_CURSOR)),
			       NULL, 0, 0, 0);
			return;
		}
		cursor = v;
	}
	bst_buf results;
	bst_buf_init(&results);
	struct page p = {r, &results, 0};
	int64_t next = 0;
	enum bst_search_status st =
	    bst_search(&r->ctx, q, kind, cursor, PAGE_HITS, hit, &p, &next);
	switch (st) {
	case BST_SEARCH_OK:
		render(r, 200, q, kind, NULL, &results, p.n, cursor, next);
		break;
	case BST_SEARCH_EMPTY:
	case BST_SEARCH_TOO_LONG:
	case BST_SEARCH_INVALID:
	case BST_SEARCH_BAD_KIND:
	case BST_SEARCH_BAD_CURSOR:
		render(r, bst_search_http_status(st), q, kind, _(bst_search_text(st)),
		       NULL, 0, 0, 0);
		break;
	case BST_SEARCH_FORBIDDEN:
	case BST_SEARCH_ERROR:
		bst_reply_error(r, bst_search_http_status(st), bst_search_code(st),
				_(bst_search_text(st)));
		break;
	}
	bst_buf_free(&results);
}
