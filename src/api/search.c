/* GET /api/v1/search?q=&kind=&cursor=&limit=: one page of what the caller
 * may see among publications, comments, people and documents, best first.
 * Each item carries its kind, id, address, the name that labels it, and a
 * snippet twice: as plain text and as safe HTML with <mark> around the
 * matches. */
#include "api/search.h"
#include "api/api.h"
#include "core/i18n.h"
#include "social/search.h"

struct list {
	json_t *items;
};

static void each(void *cls, const struct bst_search_hit *h)
{
	struct list *l = cls;
	char url[96];
	bst_search_hit_url(h, url, sizeof url);
	bst_buf text, html;
	bst_buf_init(&text);
	bst_buf_init(&html);
	bst_search_snippet_text(&text, h->snippet);
	bst_search_snippet_html(&html, h->snippet);
	json_t *o = json_pack(
	    "{ss sI ss ss ss ss so}", "kind", bst_search_kind_name(h->kind), "id",
	    (json_int_t)h->id, "url", url, "name", h->name, "snippet", bst_buf_str(&text),
	    "snippet_html", bst_buf_str(&html), "date", bst_api_time(h->at_ms));
	bst_buf_free(&text);
	bst_buf_free(&html);
	if (!o)
		return;
	json_object_set_new(o, "group",
			    h->group_id
				? json_pack("{sI ss}", "id", (json_int_t)h->group_id,
					    "name", h->group_name)
				: json_null());
	switch (h->kind) {
	case BST_SEARCH_POST:
	case BST_SEARCH_COMMENT:
		json_object_set_new(o, "post_id", json_integer(h->post_id));
		break;
	case BST_SEARCH_USER:
		json_object_set_new(o, "job_title", json_string(h->detail));
		break;
	case BST_SEARCH_DOCUMENT:
		json_object_set_new(o, "personal", json_boolean(h->personal));
		break;
	}
	json_array_append_new(l->items, o);
}

void bst_api_search(struct bst_req *r)
{
	int limit;
	int64_t cursor;
	if (!bst_api_page_args(r, &limit, &cursor))
		return;
	const char *q = bst_kv_get(&r->query, "q");
	const char *kind = bst_kv_get(&r->query, "kind");
	struct list l = {json_array()};
	int64_t next = 0;
	enum bst_search_status st =
	    bst_search(&r->ctx, q, kind, cursor, limit, each, &l, &next);
	if (st != BST_SEARCH_OK) {
		json_decref(l.items);
		bst_reply_error(r, bst_search_http_status(st), bst_search_code(st),
				_(bst_search_text(st)));
		return;
	}
	json_t *n = next ? json_sprintf("%lld", (long long)next) : json_null();
	bst_reply_json(r, 200, json_pack("{so so}", "items", l.items, "next_cursor", n));
}
