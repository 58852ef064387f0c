/* /api/v1/notifications: GET lists the caller's notifications, newest
 * first (?unread=true keeps the unread ones; ?limit=, and ?cursor= the
 * next_cursor of the previous page), with the unread count; POST
 * /api/v1/notifications/read marks some ({"ids": [..]}) or all ({"all":
 * true}, optionally up to {"upto": id}) as read. */
#include "api/people.h"
#include "api/api.h"
#include "core/i18n.h"
#include "social/notifications.h"

#include <string.h>

/* ids per read request: more is not a person's action */
#define READ_IDS_MAX 500

struct list {
	struct bst_req *r;
	json_t *items;
	int limit;
	int n;
	int64_t last_id;
};

static void item(void *cls, const struct bst_notification_row *n)
{
	struct list *l = cls;
	if (++l->n > l->limit)
		return;
	l->last_id = n->id;
	bst_arena *a = l->r->arena;
	json_t *o = json_pack("{sI ss ss ss so so}", "id", (json_int_t)n->id, "kind", n->kind,
			      "text", bst_notification_sentence(a, n, false), "url",
			      bst_notification_path(a, n), "created_at",
			      bst_api_time(n->created_ms), "read_at", bst_api_time(n->read_ms));
	json_object_set_new(o, "actor",
			    n->actor_id ? json_pack("{sI ss}", "id", (json_int_t)n->actor_id,
						    "name", n->actor_name)
					: json_null());
	json_object_set_new(o, "group",
			    n->group_id ? json_pack("{sI ss}", "id", (json_int_t)n->group_id,
						    "name", n->group_name)
					: json_null());
	json_object_set_new(o, "post_id", n->post_id ? json_integer(n->post_id) : json_null());
	json_object_set_new(o, "comment_id",
			    n->comment_id ? json_integer(n->comment_id) : json_null());
	json_array_append_new(l->items, o);
}

static void internal(struct bst_req *r)
{
	bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
}

void bst_api_notifications(struct bst_req *r)
{
	int limit;
	int64_t before;
	if (!bst_api_page_args(r, &limit, &before))
		return;
	const char *u = bst_kv_get(&r->query, "unread");
	if (u && strcmp(u, "true") != 0 && strcmp(u, "false") != 0) {
		bst_reply_error(r, 400, "bad_unread", _("The unread parameter must be true or false."));
		return;
	}
	struct list l = {r, json_array(), limit, 0, 0};
	int64_t unread = bst_notifications_unread(&r->ctx);
	if (unread < 0 || bst_notifications_list(&r->ctx, before, u && u[0] == 't', limit + 1,
						 item, &l) != 0) {
		json_decref(l.items);
		internal(r);
		return;
	}
	json_t *next = l.n > limit ? json_sprintf("%lld", (long long)l.last_id) : json_null();
	bst_reply_json(r, 200, json_pack("{so so sI}", "items", l.items, "next_cursor", next,
					 "unread_count", (json_int_t)unread));
}

void bst_api_notifications_read(struct bst_req *r)
{
	if (!json_is_object(r->json)) {
		bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
		return;
	}
	json_t *ids = json_object_get(r->json, "ids");
	json_t *all = json_object_get(r->json, "all");
	json_t *upto = json_object_get(r->json, "upto");
	const char *key;
	json_t *v;
	json_object_foreach(r->json, key, v)
	{
		if (strcmp(key, "ids") != 0 && strcmp(key, "all") != 0 && strcmp(key, "upto") != 0) {
			bst_reply_error(r, 400, "bad_field",
					bst_arena_printf(r->arena, _("Unknown field: %s."), key));
			return;
		}
	}
	int64_t marked = 0;
	if (json_is_true(all) && !ids) {
		if (upto && (!json_is_integer(upto) || json_integer_value(upto) < 0)) {
			bst_reply_error(r, 400, "bad_field", _("upto must be a notification id."));
			return;
		}
		marked = bst_notifications_mark_all_read(&r->ctx,
							 upto ? json_integer_value(upto) : 0);
		if (marked < 0) {
			internal(r);
			return;
		}
	} else if (json_is_array(ids) && !all && !upto && json_array_size(ids) > 0 &&
		   json_array_size(ids) <= READ_IDS_MAX) {
		size_t i;
		json_array_foreach(ids, i, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) <= 0) {
				bst_reply_error(r, 400, "bad_field",
						_("ids must be a list of notification ids."));
				return;
			}
		}
		json_array_foreach(ids, i, v)
		{
			int rc = bst_notifications_mark_read(&r->ctx, json_integer_value(v));
			if (rc < 0) {
				internal(r);
				return;
			}
			marked += rc;
		}
	} else {
		bst_reply_error(r, 400, "bad_field",
				_("Give either ids (a list of 1 to 500 notification ids) or "
				  "\"all\": true."));
		return;
	}
	int64_t unread = bst_notifications_unread(&r->ctx);
	if (unread < 0) {
		internal(r);
		return;
	}
	bst_reply_json(r, 200, json_pack("{sI sI}", "marked", (json_int_t)marked, "unread_count",
					 (json_int_t)unread));
}
