/* /api/v1/posts: GET a feed (the home feed; ?group_id=N one group's,
 * ?group_id=0 the platform's; newest first, ?limit= and ?cursor= page),
 * POST publishes ({"body", "group_id", "attachments": [document ids]}).
 * /api/v1/posts/{id}: GET reads, PATCH edits the text ({"body"}) and/or
 * the attached documents ({"attachments"}) or pins ({"pinned":
 * true|false}), DELETE deletes (softly). A publication's JSON lists the
 * attached documents its reader may open now ("attachments").
 * /api/v1/posts/{id}/versions: earlier texts, for the author and platform
 * administrators. /api/v1/feed/new?since=ID: how many publications
 * arrived since. Also the JSON shapes the comments and reactions
 * resources share (api/posts.h). */
#include "api/posts.h"
#include "api/api.h"
#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>

json_t *bst_api_post_person(int64_t id, const char *name)
{
	return json_pack("{sI ss}", "id", (json_int_t)id, "name", name);
}

void bst_api_post_error(struct bst_req *r, enum bst_post_status st)
{
	bst_reply_error(r, bst_post_http_status(st), bst_post_code(st),
			_(bst_post_text(st)));
}

int64_t bst_api_post_path_id(struct bst_req *r, int i)
{
	const char *s = r->params[i];
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && s[0] && !*end && v > 0 ? v : 0;
}

bool bst_api_post_body_object(struct bst_req *r)
{
	if (r->json && json_is_object(r->json))
		return true;
	bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
	return false;
}

static void each_attachment(void *cls, const struct bst_document_row *d)
{
	json_array_append_new(
	    cls, json_pack("{sI ss ss sI}", "id", (json_int_t)d->id, "name", d->name,
			   "content_type", d->content_type, "size", (json_int_t)d->size));
}

/* The "attachments" field of a request body: NULL and *ok when absent;
 * else the ids, in the request's arena (may be empty). *ok false after
 * answering 400. */
static const int64_t *attachments_arg(struct bst_req *r, size_t *n, bool *ok)
{
	*n = 0;
	*ok = true;
	json_t *a = json_object_get(r->json, "attachments");
	if (!a || json_is_null(a))
		return NULL;
	size_t i;
	json_t *v;
	bool valid = json_is_array(a);
	json_array_foreach(a, i, v)
	{
		if (!json_is_integer(v))
			valid = false;
	}
	if (!valid) {
		bst_reply_error(
		    r, 400, "bad_field",
		    _("The field attachments must be a list of document ids."));
		*ok = false;
		return NULL;
	}
	int64_t *ids = bst_arena_alloc(r->arena, (json_array_size(a) + 1) * sizeof *ids);
	json_array_foreach(a, i, v)
	{
		ids[(*n)++] = json_integer_value(v);
	}
	return ids;
}

json_t *bst_api_post_json(struct bst_ctx *ctx, const struct bst_post *p)
{
	const struct bst_post_row *row = &p->row;
	bst_buf html;
	bst_buf_init(&html);
	bst_post_render(ctx, row, &html);
	json_t *group = row->group_id
			    ? json_pack("{sI ss ss}", "id", (json_int_t)row->group_id,
					"name", row->group_name, "kind", row->group_kind)
			    : json_null();
	json_t *o = json_pack(
	    "{sI so so ss ss so so sb so sI sI sb}", "id", (json_int_t)row->id, "author",
	    bst_api_post_person(row->author_id, row->author_name), "group", group, "body",
	    row->body, "html", bst_buf_str(&html), "created_at",
	    bst_api_time(row->created_ms), "edited_at", bst_api_time(row->edited_ms),
	    "pinned", row->pinned_ms != 0, "pinned_at", bst_api_time(row->pinned_ms),
	    "comments", (json_int_t)row->comments, "likes", (json_int_t)row->likes,
	    "liked", row->liked);
	bst_buf_free(&html);
	/* only platform administrators ever see a deleted publication */
	if (row->deleted_ms)
		json_object_set_new(o, "deleted_at", bst_api_time(row->deleted_ms));
	json_t *attachments = json_array();
	if (bst_post_attachments(ctx, row, each_attachment, attachments) != BST_POST_OK)
		json_array_clear(attachments); /* the publication still reads */
	json_object_set_new(o, "attachments", attachments);
	json_object_set_new(o, "can",
			    json_pack("{sb sb sb sb sb}", "edit", p->can_edit, "delete",
				      p->can_delete, "pin", p->can_pin, "comment",
				      p->can_take_part, "versions", p->can_see_versions));
	return o;
}

static void reply_post(struct bst_req *r, int status, int64_t id)
{
	struct bst_post p;
	enum bst_post_status st = bst_post_get(&r->ctx, id, &p);
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	bst_reply_json(r, status, bst_api_post_json(&r->ctx, &p));
}

/* ---- /api/v1/posts ---- */

struct list {
	struct bst_req *r;
	json_t *items;
	int limit;
	int n;
	int64_t last_id;
};

static void each(void *cls, const struct bst_post *p)
{
	struct list *l = cls;
	if (++l->n > l->limit)
		return;
	l->last_id = p->row.id;
	json_array_append_new(l->items, bst_api_post_json(&l->r->ctx, p));
}

/* ?group_id=: absent is the home feed, 0 the platform feed, else a group.
 * false after answering. */
static bool feed_arg(struct bst_req *r, int64_t *feed)
{
	const char *g = bst_kv_get(&r->query, "group_id");
	*feed = BST_FEED_HOME;
	if (!g)
		return true;
	if (strcmp(g, "0") == 0) {
		*feed = 0;
		return true;
	}
	char *end = NULL;
	long long v = strtoll(g, &end, 10);
	if (!g[0] || *end || v <= 0) {
		bst_api_post_error(r, BST_POST_GROUP_NOT_FOUND);
		return false;
	}
	*feed = v;
	return true;
}

static void list(struct bst_req *r)
{
	int limit;
	int64_t cursor;
	int64_t feed;
	if (!bst_api_page_args(r, &limit, &cursor) || !feed_arg(r, &feed))
		return;
	struct list l = {r, json_array(), limit, 0, 0};
	enum bst_post_status st =
	    bst_feed_list(&r->ctx, feed, cursor, limit + 1, false, each, &l);
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

static void create(struct bst_req *r)
{
	if (!bst_api_post_body_object(r))
		return;
	json_t *body = json_object_get(r->json, "body");
	json_t *group = json_object_get(r->json, "group_id");
	if (!json_is_string(body)) {
		bst_reply_error(r, 400, "bad_field",
				_("The field body must be a string."));
		return;
	}
	if (group && !json_is_null(group) &&
	    (!json_is_integer(group) || json_integer_value(group) < 0)) {
		bst_reply_error(
		    r, 400, "bad_field",
		    _("The field group_id must be a group's id, or 0 or null for the "
		      "platform feed."));
		return;
	}
	int64_t group_id = json_is_integer(group) ? json_integer_value(group) : 0;
	size_t n = 0;
	bool ok;
	const int64_t *attachments = attachments_arg(r, &n, &ok);
	if (!ok)
		return;
	int64_t id = 0;
	enum bst_post_status st = bst_post_create_with(
	    &r->ctx, group_id, json_string_value(body), attachments, n, &id);
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	reply_post(r, 201, id);
}

void bst_api_posts(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		create(r);
	else
		list(r);
}

/* ---- /api/v1/posts/{id} ---- */

static void edit(struct bst_req *r, int64_t id)
{
	if (!bst_api_post_body_object(r))
		return;
	json_t *body = json_object_get(r->json, "body");
	json_t *pinned = json_object_get(r->json, "pinned");
	json_t *attached = json_object_get(r->json, "attachments");
	if (json_is_null(attached))
		attached = NULL;
	if ((body && !json_is_string(body)) || (pinned && !json_is_boolean(pinned)) ||
	    (!body && !pinned && !attached)) {
		bst_reply_error(r, 400, "bad_field",
				_("Send the new text as the string body, the attached "
				  "documents as attachments (a list of document ids), or "
				  "pinned as true or false."));
		return;
	}
	size_t n = 0;
	bool ok;
	const int64_t *attachments = attachments_arg(r, &n, &ok);
	if (!ok)
		return;
	enum bst_post_status st = BST_POST_OK;
	if (body || attachments)
		st = bst_post_edit_with(
		    &r->ctx, id, body ? json_string_value(body) : NULL, attachments, n);
	if (st == BST_POST_OK && pinned)
		st = bst_post_pin(&r->ctx, id, json_is_true(pinned));
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	reply_post(r, 200, id);
}

void bst_api_post(struct bst_req *r)
{
	int64_t id = bst_api_post_path_id(r, 0);
	if (!id) {
		bst_api_post_error(r, BST_POST_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "PATCH") == 0) {
		edit(r, id);
	} else if (strcmp(r->method, "DELETE") == 0) {
		enum bst_post_status st = bst_post_delete(&r->ctx, id);
		if (st != BST_POST_OK) {
			bst_api_post_error(r, st);
			return;
		}
		bst_reply_json(r, 200,
			       json_pack("{sI sb}", "id", (json_int_t)id, "deleted", 1));
	} else {
		reply_post(r, 200, id);
	}
}

static void each_version(void *cls, const struct bst_version_row *v)
{
	json_array_append_new(
	    cls,
	    json_pack("{sI ss so so}", "id", (json_int_t)v->id, "body", v->body,
		      "edited_by",
		      v->edited_by ? bst_api_post_person(v->edited_by, v->editor_name)
				   : json_null(),
		      "replaced_at", bst_api_time(v->created_ms)));
}

void bst_api_post_versions(struct bst_req *r)
{
	int64_t id = bst_api_post_path_id(r, 0);
	json_t *items = json_array();
	enum bst_post_status st =
	    id ? bst_post_versions(&r->ctx, id, each_version, items) : BST_POST_NOT_FOUND;
	if (st != BST_POST_OK) {
		json_decref(items);
		bst_api_post_error(r, st);
		return;
	}
	bst_reply_json(r, 200, json_pack("{so}", "items", items));
}

/* ---- /api/v1/feed/new ---- */

void bst_api_feed_new(struct bst_req *r)
{
	const char *s = bst_kv_get(&r->query, "since");
	char *end = NULL;
	long long since = s ? strtoll(s, &end, 10) : -1;
	if (!s || !s[0] || *end || since < 0) {
		bst_reply_error(
		    r, 400, "bad_since",
		    _("The since parameter must be the id of a publication, or 0."));
		return;
	}
	int64_t feed;
	if (!feed_arg(r, &feed))
		return;
	int64_t n = 0;
	enum bst_post_status st = bst_feed_count_new(&r->ctx, feed, since, &n);
	if (st != BST_POST_OK) {
		bst_api_post_error(r, st);
		return;
	}
	bst_reply_json(r, 200,
		       json_pack("{sI sI sI}", "since", (json_int_t)since, "count",
				 (json_int_t)n, "max", (json_int_t)BST_FEED_NEW_CAP));
}
