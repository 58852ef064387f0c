/* /api/v1/posts/{id}/reactions: GET says how many reacted, whether the
 * caller did, and who (in order of arrival; ?limit=, ?cursor=); POST adds
 * the caller's reaction ({"kind": "like"}, the default), DELETE removes it
 * (?kind=like). Both are idempotent: "changed" says whether anything did. */
#include "api/posts.h"
#include "api/api.h"
#include "core/i18n.h"

#include <string.h>

struct list {
	json_t *items;
	int limit;
	int n;
	int64_t last_seq;
};

static void each(void *cls, const struct bst_reaction_row *x)
{
	struct list *l = cls;
	if (++l->n > l->limit)
		return;
	l->last_seq = x->seq;
	json_array_append_new(
	    l->items,
	    json_pack("{so ss so}", "user", bst_api_post_person(x->user_id, x->name),
		      "kind", x->kind, "created_at", bst_api_time(x->created_ms)));
}

/* The reply to every method: the counts after the change (if any). */
static void reply(struct bst_req *r, int64_t post_id, int status, json_t *extra)
{
	int limit = 50;
	int64_t after = 0;
	if (strcmp(r->method, "GET") == 0 && !bst_api_page_args(r, &limit, &after)) {
		json_decref(extra);
		return;
	}
	struct bst_post p;
	enum bst_post_status st = bst_post_get(&r->ctx, post_id, &p);
	struct list l = {json_array(), limit, 0, 0};
	if (st == BST_POST_OK)
		st = bst_reaction_list(&r->ctx, "post", post_id, after, limit + 1, each,
				       &l);
	if (st != BST_POST_OK) {
		json_decref(l.items);
		json_decref(extra);
		bst_api_post_error(r, st);
		return;
	}
	json_t *next =
	    l.n > limit ? json_sprintf("%lld", (long long)l.last_seq) : json_null();
	json_t *o = json_pack("{sI sI sb so so}", "post_id", (json_int_t)post_id, "count",
			      (json_int_t)p.row.likes, "mine", p.row.liked, "items",
			      l.items, "next_cursor", next);
	if (extra)
		json_object_update(o, extra);
	json_decref(extra);
	bst_reply_json(r, status, o);
}

void bst_api_reactions(struct bst_req *r)
{
	int64_t post_id = bst_api_post_path_id(r, 0);
	if (!post_id) {
		bst_api_post_error(r, BST_POST_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "GET") == 0) {
		reply(r, post_id, 200, NULL);
		return;
	}
	const char *kind = BST_REACTION_LIKE;
	if (strcmp(r->method, "POST") == 0) {
		if (r->json && !json_is_object(r->json)) {
			bst_reply_error(r, 400, "bad_json",
					_("The body must be a JSON object."));
			return;
		}
		json_t *k = r->json ? json_object_get(r->json, "kind") : NULL;
		if (k && !json_is_string(k)) {
			bst_reply_error(r, 400, "bad_field",
					_("The field kind must be a string."));
			return;
		}
		if (k)
			kind = json_string_value(k);
	} else {
		const char *q = bst_kv_get(&r->query, "kind");
		if (q)
			kind = q;
	}
	bool changed = false;
	enum bst_post_status st = bst_reaction_set(
	    &r->ctx, "post", post_id, kind, strcmp(r->method, "POST") == 0, &changed);
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	reply(r, post_id, 200, json_pack("{sb}", "changed", changed));
}
