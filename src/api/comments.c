/* /api/v1/posts/{id}/comments: GET lists a publication's comments and
 * replies in order of arrival (?limit=, ?cursor=; a reply names its
 * comment in parent_id), POST comments ({"body"}) or replies ({"body",
 * "parent_id"}; a reply to a reply joins its comment's thread).
 * /api/v1/posts/{id}/comments/{comment_id}: PATCH edits ({"body"}), DELETE
 * deletes (softly). */
#include "api/posts.h"
#include "api/api.h"
#include "core/i18n.h"

#include <string.h>

json_t *bst_api_comment_json(struct bst_ctx *ctx, const struct bst_comment *c)
{
	const struct bst_comment_row *row = &c->row;
	bst_buf html;
	bst_buf_init(&html);
	bst_comment_render(ctx, row, &html);
	json_t *o = json_pack(
	    "{sI sI so so ss ss so so sI sb}", "id", (json_int_t)row->id, "post_id",
	    (json_int_t)row->post_id, "parent_id",
	    row->parent_id ? json_integer(row->parent_id) : json_null(), "author",
	    bst_api_post_person(row->author_id, row->author_name), "body", row->body,
	    "html", bst_buf_str(&html), "created_at", bst_api_time(row->created_ms),
	    "edited_at", bst_api_time(row->edited_ms), "likes", (json_int_t)row->likes,
	    "liked", row->liked);
	bst_buf_free(&html);
	if (row->deleted_ms)
		json_object_set_new(o, "deleted_at", bst_api_time(row->deleted_ms));
	json_object_set_new(o, "can",
			    json_pack("{sb sb sb sb}", "edit", c->can_edit, "delete",
				      c->can_delete, "reply", c->can_reply, "versions",
				      c->can_see_versions));
	return o;
}

static void reply_comment(struct bst_req *r, int status, int64_t post_id, int64_t id)
{
	struct bst_comment c;
	enum bst_post_status st = bst_comment_get(&r->ctx, post_id, id, &c);
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	bst_reply_json(r, status, bst_api_comment_json(&r->ctx, &c));
}

struct list {
	struct bst_req *r;
	json_t *items;
	int limit;
	int n;
	int64_t last_id;
};

static void each(void *cls, const struct bst_comment *c)
{
	struct list *l = cls;
	if (++l->n > l->limit)
		return;
	l->last_id = c->row.id;
	json_array_append_new(l->items, bst_api_comment_json(&l->r->ctx, c));
}

static void list(struct bst_req *r, int64_t post_id)
{
	int limit;
	int64_t after;
	if (!bst_api_page_args(r, &limit, &after))
		return;
	struct list l = {r, json_array(), limit, 0, 0};
	enum bst_post_status st =
	    bst_comment_list(&r->ctx, post_id, false, after, limit + 1, each, &l);
	if (st != BST_POST_OK) {
		json_decref(l.items);
		bst_api_post_error(r, st);
		return;
	}
	json_t *next =
	    l.n > limit ? json_sprintf("%lld", (long long)l.last_id) : json_null();
	bst_reply_json(r, 200,
		       json_pack("{so so}", "items", l.items, "next_cursor", next));
}

static void create(struct bst_req *r, int64_t post_id)
{
	if (!bst_api_post_body_object(r))
		return;
	json_t *body = json_object_get(r->json, "body");
	json_t *parent = json_object_get(r->json, "parent_id");
	if (!json_is_string(body)) {
		bst_reply_error(r, 400, "bad_field",
				_("The field body must be a string."));
		return;
	}
	if (parent && !json_is_null(parent) &&
	    (!json_is_integer(parent) || json_integer_value(parent) <= 0)) {
		bst_reply_error(
		    r, 400, "bad_field",
		    _("The field parent_id must be the id of a comment, or null."));
		return;
	}
	int64_t id = 0;
	enum bst_post_status st = bst_comment_create(
	    &r->ctx, post_id, json_is_integer(parent) ? json_integer_value(parent) : 0,
	    json_string_value(body), &id);
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	reply_comment(r, 201, post_id, id);
}

void bst_api_comments(struct bst_req *r)
{
	int64_t post_id = bst_api_post_path_id(r, 0);
	if (!post_id) {
		bst_api_post_error(r, BST_POST_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "POST") == 0)
		create(r, post_id);
	else
		list(r, post_id);
}

void bst_api_comment(struct bst_req *r)
{
	int64_t post_id = bst_api_post_path_id(r, 0);
	int64_t id = bst_api_post_path_id(r, 1);
	struct bst_comment c;
	enum bst_post_status st = post_id && id
				      ? bst_comment_get(&r->ctx, post_id, id, &c)
				      : BST_POST_NOT_FOUND;
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	if (strcmp(r->method, "DELETE") == 0) {
		st = bst_comment_delete(&r->ctx, id);
		if (st != BST_POST_OK) {
			bst_api_post_error(r, st);
			return;
		}
		bst_reply_json(r, 200,
			       json_pack("{sI sb}", "id", (json_int_t)id, "deleted", 1));
		return;
	}
	if (!bst_api_post_body_object(r))
		return;
	json_t *body = json_object_get(r->json, "body");
	if (!json_is_string(body)) {
		bst_reply_error(r, 400, "bad_field",
				_("The field body must be a string."));
		return;
	}
	st = bst_comment_edit(&r->ctx, id, json_string_value(body));
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	reply_comment(r, 200, post_id, id);
}
