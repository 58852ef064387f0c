/* /api/v1/groups: GET lists the groups the caller may see (?q= searches
 * names, ?mine=true keeps the caller's own, ?limit= and ?cursor= page),
 * POST creates one. /api/v1/groups/{id}: GET reads one, PATCH edits its
 * name, description or kind. Also the JSON shapes and helpers the members
 * resource shares (api/groups.h). */
#include "api/groups.h"
#include "api/api.h"
#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>

json_t *bst_api_group_json(const struct bst_group *g, const struct bst_group_access *a)
{
	json_t *o =
	    json_pack("{sI ss ss ss sI so}", "id", (json_int_t)g->id, "name", g->name,
		      "description", g->description, "kind", g->kind, "members",
		      (json_int_t)g->members, "created_at", bst_api_time(g->created_ms));
	if (a) {
		json_object_set_new(o, "membership",
				    a->state[0]
					? json_pack("{ss ss}", "state", a->state, "role",
						    a->admin ? "admin" : "member")
					: json_null());
		json_object_set_new(o, "can",
				    json_pack("{sb sb sb}", "read", a->read, "write",
					      a->write, "manage", a->manage));
	}
	return o;
}

json_t *bst_api_group_member_json(const struct bst_group_member *m)
{
	return json_pack("{sI ss ss ss ss so}", "user_id", (json_int_t)m->user_id, "name",
			 m->name, "email", m->email, "role", m->role, "state", m->state,
			 "since", bst_api_time(m->since_ms));
}

void bst_api_group_error(struct bst_req *r, enum bst_group_status st)
{
	bst_reply_error(r, bst_group_http_status(st), bst_group_code(st),
			_(bst_group_text(st)));
}

int64_t bst_api_group_path_id(struct bst_req *r, int i)
{
	const char *s = r->params[i];
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && s[0] && !*end && v > 0 ? v : 0;
}

bool bst_api_group_body_string(struct bst_req *r, const char *name, const char **out)
{
	*out = NULL;
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	if (!v)
		return true;
	if (!json_is_string(v)) {
		bst_reply_error(r, 400, "bad_field",
				bst_arena_printf(
				    r->arena, _("The field %s must be a string."), name));
		return false;
	}
	*out = json_string_value(v);
	return true;
}

static bool body_is_object(struct bst_req *r)
{
	if (r->json && json_is_object(r->json))
		return true;
	bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
	return false;
}

struct list {
	json_t *items;
	int limit;
	int n;
	int64_t last_id;
};

static void each(void *cls, const struct bst_group *g, const struct bst_group_access *a)
{
	struct list *l = cls;
	if (++l->n > l->limit)
		return;
	l->last_id = g->id;
	json_array_append_new(l->items, bst_api_group_json(g, a));
}

static void list(struct bst_req *r)
{
	int limit;
	int64_t after;
	if (!bst_api_page_args(r, &limit, &after))
		return;
	const char *q = bst_kv_get(&r->query, "q");
	const char *mine = bst_kv_get(&r->query, "mine");
	if (mine && strcmp(mine, "true") != 0 && strcmp(mine, "false") != 0) {
		bst_reply_error(r, 400, "bad_mine",
				_("The mine parameter must be true or false."));
		return;
	}
	struct list l = {json_array(), limit, 0, 0};
	/* one more than asked for tells whether another page exists */
	enum bst_group_status st = bst_group_list(
	    &r->ctx, q, mine && strcmp(mine, "true") == 0, after, limit + 1, each, &l);
	if (st != BST_GROUP_OK) {
		json_decref(l.items);
		bst_api_group_error(r, st);
		return;
	}
	json_t *next =
	    l.n > limit ? json_sprintf("%lld", (long long)l.last_id) : json_null();
	bst_reply_json(r, 200,
		       json_pack("{so so}", "items", l.items, "next_cursor", next));
}

/* Answers status with the group as ctx now sees it; when ctx does not
 * see it (any more), 404, or no_longer_visible instead when not 0. */
static void reply_group(struct bst_req *r, int status, int64_t id, int no_longer_visible)
{
	struct bst_group g;
	struct bst_group_access a;
	if (bst_group_get(&r->ctx, id, &g, &a) == 0) {
		bst_reply_json(r, status, bst_api_group_json(&g, &a));
		return;
	}
	/* not there for ctx, or the store failed: asking again tells which */
	if (bst_group_access(&r->ctx, id, &a) != 0)
		bst_api_group_error(r, BST_GROUP_ERROR);
	else if (no_longer_visible)
		bst_reply_text(r, no_longer_visible, "text/plain", "", 0);
	else
		bst_api_group_error(r, BST_GROUP_NOT_FOUND);
}

static void create(struct bst_req *r)
{
	const char *name, *desc, *kind;
	if (!body_is_object(r) || !bst_api_group_body_string(r, "name", &name) ||
	    !bst_api_group_body_string(r, "description", &desc) ||
	    !bst_api_group_body_string(r, "kind", &kind))
		return;
	int64_t id = 0;
	enum bst_group_status st = bst_group_create(&r->ctx, name, desc, kind, &id);
	if (st != BST_GROUP_OK) {
		bst_api_group_error(r, st);
		return;
	}
	reply_group(r, 201, id, 0);
}

void bst_api_groups(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		create(r);
	else
		list(r);
}

static void edit(struct bst_req *r, int64_t id)
{
	const char *name, *desc, *kind;
	if (!body_is_object(r) || !bst_api_group_body_string(r, "name", &name) ||
	    !bst_api_group_body_string(r, "description", &desc) ||
	    !bst_api_group_body_string(r, "kind", &kind))
		return;
	enum bst_group_status st = bst_group_update(&r->ctx, id, name, desc, kind);
	if (st != BST_GROUP_OK) {
		bst_api_group_error(r, st);
		return;
	}
	/* a platform administrator outside the group who made it secret no
	 * longer sees it: 204, the change is done */
	reply_group(r, 200, id, 204);
}

void bst_api_group(struct bst_req *r)
{
	int64_t id = bst_api_group_path_id(r, 0);
	if (!id) {
		bst_api_group_error(r, BST_GROUP_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "PATCH") == 0)
		edit(r, id);
	else
		reply_group(r, 200, id, 0);
}
