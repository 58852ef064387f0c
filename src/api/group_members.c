/* /api/v1/groups/{id}/members: GET lists a group's members (its managers
 * also get invitations and requests), paged by user id; POST with
 * {"email"} or {"user_id"} invites someone (managers), POST without them
 * joins or asks to join for the caller. /api/v1/groups/{id}/members/{uid}:
 * PATCH {"role"} promotes or demotes (managers), PATCH {"state":"member"}
 * approves a request (managers) or accepts one's own invitation; DELETE
 * removes someone (managers) or, about oneself, leaves, withdraws a
 * request or declines an invitation. */
#include "api/api.h"
#include "api/groups.h"
#include "core/i18n.h"

#include <string.h>

struct list {
	json_t *items;
	int limit;
	int n;
	int64_t last_id;
};

static void each(void *cls, const struct bst_group_member *m)
{
	struct list *l = cls;
	if (++l->n > l->limit)
		return;
	l->last_id = m->user_id;
	json_array_append_new(l->items, bst_api_group_member_json(m));
}

static void list(struct bst_req *r, int64_t group_id)
{
	int limit;
	int64_t after;
	if (!bst_api_page_args(r, &limit, &after))
		return;
	struct list l = {json_array(), limit, 0, 0};
	enum bst_group_status st =
	    bst_group_members(&r->ctx, group_id, after, limit + 1, each, &l);
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

/* Answers status with user_id's membership as ctx may see it. */
static void reply_member(struct bst_req *r, int status, int64_t group_id, int64_t user_id)
{
	struct bst_group_member m;
	enum bst_group_status st = bst_group_member_get(&r->ctx, group_id, user_id, &m);
	if (st != BST_GROUP_OK) {
		bst_api_group_error(r, st);
		return;
	}
	bst_reply_json(r, status, bst_api_group_member_json(&m));
}

/* A positive integer member of the JSON body: true with *out 0 when absent;
 * false after answering 400 when present and not one. */
static bool body_id(struct bst_req *r, const char *name, int64_t *out)
{
	*out = 0;
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		bst_reply_error(
		    r, 400, "bad_field",
		    bst_arena_printf(
			r->arena, _("The field %s must be a positive integer."), name));
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

static void add(struct bst_req *r, int64_t group_id)
{
	struct bst_ctx *c = &r->ctx;
	if (r->json && !json_is_object(r->json)) {
		bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
		return;
	}
	const char *email;
	int64_t uid;
	if (!bst_api_group_body_string(r, "email", &email) ||
	    !body_id(r, "user_id", &uid))
		return;
	enum bst_group_status st;
	int64_t who;
	if (email) {
		st = bst_group_invite(c, group_id, email, &who);
	} else if (uid && uid != c->user.id) {
		who = uid;
		st = bst_group_invite_user(c, group_id, uid);
	} else {
		who = c->user.id;
		st = bst_group_join(c, group_id, NULL);
	}
	if (st != BST_GROUP_OK) {
		bst_api_group_error(r, st);
		return;
	}
	reply_member(r, 201, group_id, who);
}

void bst_api_group_members(struct bst_req *r)
{
	int64_t group_id = bst_api_group_path_id(r, 0);
	if (!group_id) {
		bst_api_group_error(r, BST_GROUP_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "POST") == 0)
		add(r, group_id);
	else
		list(r, group_id);
}

static void patch(struct bst_req *r, int64_t group_id, int64_t user_id)
{
	struct bst_ctx *c = &r->ctx;
	if (!r->json || !json_is_object(r->json)) {
		bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
		return;
	}
	const char *role, *state;
	if (!bst_api_group_body_string(r, "role", &role) ||
	    !bst_api_group_body_string(r, "state", &state))
		return;
	if (!role && !state) {
		bst_reply_error(r, 400, "bad_field",
				_("Give a role or a state to change."));
		return;
	}
	if (state && strcmp(state, "member") != 0) {
		bst_reply_error(
		    r, 400, "bad_state",
		    _("The only state one may set is member: to approve a request or "
		      "accept an invitation."));
		return;
	}
	enum bst_group_status st = BST_GROUP_OK;
	if (state) {
		struct bst_group_member m;
		st = bst_group_member_get(c, group_id, user_id, &m);
		if (st == BST_GROUP_OK && strcmp(m.state, "invited") == 0 &&
		    user_id == c->user.id)
			st = bst_group_accept(c, group_id);
		else if (st == BST_GROUP_OK && strcmp(m.state, "member") != 0)
			st = bst_group_approve(c, group_id, user_id);
	}
	if (st == BST_GROUP_OK && role)
		st = bst_group_set_role(c, group_id, user_id, role);
	if (st != BST_GROUP_OK) {
		bst_api_group_error(r, st);
		return;
	}
	reply_member(r, 200, group_id, user_id);
}

void bst_api_group_member(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	int64_t group_id = bst_api_group_path_id(r, 0);
	int64_t user_id = bst_api_group_path_id(r, 1);
	if (!group_id) {
		bst_api_group_error(r, BST_GROUP_NOT_FOUND);
		return;
	}
	if (!user_id) {
		bst_api_group_error(r, BST_GROUP_NO_MEMBERSHIP);
		return;
	}
	if (strcmp(r->method, "PATCH") == 0) {
		patch(r, group_id, user_id);
		return;
	}
	enum bst_group_status st = user_id == c->user.id
				       ? bst_group_leave(c, group_id)
				       : bst_group_remove(c, group_id, user_id);
	if (st != BST_GROUP_OK) {
		bst_api_group_error(r, st);
		return;
	}
	bst_reply_text(r, 204, "text/plain", "", 0);
}
