/* Group memberships (see groups.h): joining, requests and their approval,
 * invitations and their answers, removal, roles, leaving, and the members
 * list. Every refusal about a group ctx may not see is NOT_FOUND, exactly
 * as for a group that does not exist; the last-administrator rule is
 * enforced inside the store's statements (q_groups.c), atomically. */
#include "social/groups.h"
#include "core/str.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/log.h"
#include "db/q_groups.h"
#include "social/notify.h"

#include <stdio.h>
#include <string.h>

static int64_t active_user(const struct bst_ctx *ctx)
{
	if (ctx->actor != BST_ACTOR_USER || strcmp(ctx->user.status, "active") != 0)
		return 0;
	return ctx->user.id;
}

static const char *target_of(struct bst_ctx *ctx, int64_t group_id)
{
	return bst_arena_printf(ctx->arena, "group:%lld", (long long)group_id);
}

static void audit(struct bst_ctx *ctx, const char *event, int64_t group_id,
		  int64_t user_id, json_t *details)
{
	if (!details)
		details = json_object();
	if (user_id)
		json_object_set_new(details, "user_id", json_integer(user_id));
	bst_audit_record(ctx, event, target_of(ctx, group_id), details);
}

static enum bst_group_status store_failed(struct bst_ctx *ctx, const char *what,
					  int64_t group_id)
{
	bst_log_error("platform %s: group %lld: cannot %s", ctx->platform->slug,
		      (long long)group_id, what);
	return BST_GROUP_ERROR;
}

/* The group's access for ctx, and the first refusal: NOT_FOUND when ctx
 * may not see it, FORBIDDEN when writes are not allowed (read-only token,
 * anonymous) or manage is needed and missing. */
static enum bst_group_status gate(struct bst_ctx *ctx, int64_t group_id, bool manage,
				  struct bst_group_access *a)
{
	if (bst_group_access(ctx, group_id, a) != 0)
		return BST_GROUP_ERROR;
	if (!a->see)
		return BST_GROUP_NOT_FOUND;
	if (!bst_authz_write(ctx) || (manage ? !a->manage : !active_user(ctx)))
		return BST_GROUP_FORBIDDEN;
	return BST_GROUP_OK;
}

/* The membership row of user_id: OK, NO_MEMBERSHIP or ERROR. */
static enum bst_group_status membership(struct bst_ctx *ctx, int64_t group_id,
					int64_t user_id, struct bst_group_member_row *m)
{
	switch (bst_q_group_member_get(ctx->platform->main, group_id, user_id, m)) {
	case BST_QS_ONE_RESULT:
		return BST_GROUP_OK;
	case BST_QS_NO_RESULTS:
		return BST_GROUP_NO_MEMBERSHIP;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		break;
	}
	return store_failed(ctx, "read a membership", group_id);
}

/* Deletes the row of user_id in state (NULL: any). NO_RESULTS from the
 * store means no row, or the last administrator: told apart here. */
static enum bst_group_status delete_row(struct bst_ctx *ctx, int64_t group_id,
					int64_t user_id, const char *state)
{
	struct bst_group_member_row m;
	switch (
	    bst_q_group_member_delete(ctx->platform->main, group_id, user_id, state)) {
	case BST_QS_ONE_RESULT:
		return BST_GROUP_OK;
	case BST_QS_NO_RESULTS:
		break;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return store_failed(ctx, "delete a membership", group_id);
	}
	enum bst_group_status st = membership(ctx, group_id, user_id, &m);
	if (st != BST_GROUP_OK)
		return st;
	if (state && strcmp(m.state, state) != 0)
		return BST_GROUP_NO_MEMBERSHIP;
	return BST_GROUP_LAST_ADMIN;
}

/* Moves user_id from state `from` to member. */
static enum bst_group_status promote_state(struct bst_ctx *ctx, int64_t group_id,
					   int64_t user_id, const char *from)
{
	switch (bst_q_group_member_set_state(ctx->platform->main, group_id, user_id, from,
					     "member", ctx->now)) {
	case BST_QS_ONE_RESULT:
		return BST_GROUP_OK;
	case BST_QS_NO_RESULTS:
		return BST_GROUP_NO_MEMBERSHIP;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		break;
	}
	return store_failed(ctx, "change a membership", group_id);
}

struct notify_admins {
	struct bst_ctx *ctx;
	int64_t group_id;
};

static void notify_admin(void *cls, int64_t user_id)
{
	struct notify_admins *n = cls;
	bst_notify(n->ctx, user_id, BST_NOTIFY_JOIN_REQUEST, n->group_id, 0, 0);
}

enum bst_group_status bst_group_join(struct bst_ctx *ctx, int64_t group_id,
				     bool *requested)
{
	bool dummy;
	if (!requested)
		requested = &dummy;
	*requested = false;
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, false, &a);
	if (st != BST_GROUP_OK)
		return st;
	int64_t uid = active_user(ctx);
	if (strcmp(a.state, "invited") == 0)
		return bst_group_accept(ctx, group_id);
	if (a.state[0])
		return BST_GROUP_ALREADY;
	if (strcmp(a.kind, "secret") == 0)
		return BST_GROUP_NOT_FOUND; /* see is false without an invitation; kept
					       explicit */
	/* a platform administrator may approve requests: theirs needs no one */
	bool at_once = strcmp(a.kind, "open") == 0 || a.manage;
	const char *state = at_once ? "member" : "requested";
	switch (bst_q_group_member_insert(ctx->platform->main, group_id, uid, "member",
					  state, 0, ctx->now)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_GROUP_ALREADY; /* a concurrent join */
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return store_failed(ctx, "join", group_id);
	}
	if (at_once) {
		audit(ctx, "group.join", group_id, 0, NULL);
		return BST_GROUP_OK;
	}
	*requested = true;
	audit(ctx, "group.request", group_id, 0, NULL);
	struct notify_admins n = {ctx, group_id};
	if (bst_q_group_admin_ids(ctx->platform->main, group_id, notify_admin, &n) < 0)
		bst_log_error("platform %s: group %lld: cannot tell its administrators "
			      "of a request",
			      ctx->platform->slug, (long long)group_id);
	return BST_GROUP_OK;
}

enum bst_group_status bst_group_leave(struct bst_ctx *ctx, int64_t group_id)
{
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, false, &a);
	if (st != BST_GROUP_OK)
		return st;
	if (!a.state[0])
		return BST_GROUP_NO_MEMBERSHIP;
	if (strcmp(a.state, "invited") == 0)
		return bst_group_decline(ctx, group_id);
	st = delete_row(ctx, group_id, active_user(ctx), a.state);
	if (st == BST_GROUP_OK)
		audit(ctx, "group.leave", group_id, 0,
		      json_pack("{ss}", "state", a.state));
	return st;
}

/* Invites user u (read from the store); managers only (checked by the
 * caller, who holds a). */
static enum bst_group_status invite(struct bst_ctx *ctx, int64_t group_id,
				    const struct bst_user_row *u)
{
	if (strcmp(u->status, "active") != 0)
		return BST_GROUP_USER_NOT_FOUND;
	struct bst_group_member_row m;
	enum bst_group_status st = membership(ctx, group_id, u->id, &m);
	if (st == BST_GROUP_OK) {
		if (strcmp(m.state, "requested") != 0)
			return BST_GROUP_ALREADY;
		return bst_group_approve(ctx, group_id, u->id); /* they asked already */
	}
	if (st != BST_GROUP_NO_MEMBERSHIP)
		return st;
	switch (bst_q_group_member_insert(ctx->platform->main, group_id, u->id, "member",
					  "invited", active_user(ctx), ctx->now)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_GROUP_ALREADY;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return store_failed(ctx, "invite", group_id);
	}
	audit(ctx, "group.invite", group_id, u->id, json_pack("{ss}", "email", u->email));
	bst_notify(ctx, u->id, BST_NOTIFY_GROUP_INVITATION, group_id, 0, 0);
	return BST_GROUP_OK;
}

enum bst_group_status bst_group_invite(struct bst_ctx *ctx, int64_t group_id,
				       const char *email, int64_t *user_id)
{
	if (user_id)
		*user_id = 0;
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, true, &a);
	if (st != BST_GROUP_OK)
		return st;
	struct bst_user_row u;
	switch (email && *email ? bst_q_user_by_email(ctx->platform->main, email, &u)
				: BST_QS_NO_RESULTS) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_GROUP_USER_NOT_FOUND;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return store_failed(ctx, "find the invitee", group_id);
	}
	if (user_id)
		*user_id = u.id;
	return invite(ctx, group_id, &u);
}

enum bst_group_status bst_group_invite_user(struct bst_ctx *ctx, int64_t group_id,
					    int64_t user_id)
{
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, true, &a);
	if (st != BST_GROUP_OK)
		return st;
	struct bst_user_row u;
	switch (bst_q_user_by_id(ctx->platform->main, user_id, &u)) {
	case BST_QS_ONE_RESULT:
		return invite(ctx, group_id, &u);
	case BST_QS_NO_RESULTS:
		return BST_GROUP_USER_NOT_FOUND;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		break;
	}
	return store_failed(ctx, "find the invitee", group_id);
}

enum bst_group_status bst_group_accept(struct bst_ctx *ctx, int64_t group_id)
{
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, false, &a);
	if (st != BST_GROUP_OK)
		return st;
	if (strcmp(a.state, "invited") != 0)
		return a.state[0] ? BST_GROUP_ALREADY : BST_GROUP_NO_MEMBERSHIP;
	st = promote_state(ctx, group_id, active_user(ctx), "invited");
	if (st == BST_GROUP_OK)
		audit(ctx, "group.accept", group_id, 0, NULL);
	return st;
}

enum bst_group_status bst_group_decline(struct bst_ctx *ctx, int64_t group_id)
{
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, false, &a);
	if (st != BST_GROUP_OK)
		return st;
	if (strcmp(a.state, "invited") != 0)
		return BST_GROUP_NO_MEMBERSHIP;
	st = delete_row(ctx, group_id, active_user(ctx), "invited");
	if (st == BST_GROUP_OK)
		audit(ctx, "group.decline", group_id, 0, NULL);
	return st;
}

enum bst_group_status bst_group_approve(struct bst_ctx *ctx, int64_t group_id,
					int64_t user_id)
{
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, true, &a);
	if (st != BST_GROUP_OK)
		return st;
	st = promote_state(ctx, group_id, user_id, "requested");
	if (st == BST_GROUP_NO_MEMBERSHIP) {
		/* an invitation is the invitee's to accept, not the managers' */
		struct bst_group_member_row m;
		if (membership(ctx, group_id, user_id, &m) == BST_GROUP_OK &&
		    strcmp(m.state, "invited") == 0)
			return BST_GROUP_FORBIDDEN;
	}
	if (st != BST_GROUP_OK)
		return st;
	audit(ctx, "group.approve", group_id, user_id, NULL);
	bst_notify(ctx, user_id, BST_NOTIFY_JOIN_APPROVED, group_id, 0, 0);
	return BST_GROUP_OK;
}

enum bst_group_status bst_group_refuse(struct bst_ctx *ctx, int64_t group_id,
				       int64_t user_id)
{
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, true, &a);
	if (st != BST_GROUP_OK)
		return st;
	st = delete_row(ctx, group_id, user_id, "requested");
	if (st == BST_GROUP_OK)
		audit(ctx, "group.refuse", group_id, user_id, NULL);
	return st;
}

enum bst_group_status bst_group_remove(struct bst_ctx *ctx, int64_t group_id,
				       int64_t user_id)
{
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, true, &a);
	if (st != BST_GROUP_OK)
		return st;
	struct bst_group_member_row m;
	st = membership(ctx, group_id, user_id, &m);
	if (st != BST_GROUP_OK)
		return st;
	st = delete_row(ctx, group_id, user_id, m.state);
	if (st == BST_GROUP_OK)
		audit(ctx, "group.remove", group_id, user_id,
		      json_pack("{ss ss}", "state", m.state, "role", m.role));
	return st;
}

enum bst_group_status bst_group_set_role(struct bst_ctx *ctx, int64_t group_id,
					 int64_t user_id, const char *role)
{
	struct bst_group_access a;
	enum bst_group_status st = gate(ctx, group_id, true, &a);
	if (st != BST_GROUP_OK)
		return st;
	if (!role || (strcmp(role, "admin") != 0 && strcmp(role, "member") != 0))
		return BST_GROUP_INVALID_ROLE;
	struct bst_group_member_row m;
	st = membership(ctx, group_id, user_id, &m);
	if (st != BST_GROUP_OK)
		return st;
	if (strcmp(m.state, "member") != 0)
		return BST_GROUP_NO_MEMBERSHIP;
	if (strcmp(m.role, role) == 0)
		return BST_GROUP_OK; /* nothing to change, nothing to audit */
	switch (bst_q_group_member_set_role(ctx->platform->main, group_id, user_id, role,
					    ctx->now)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		/* the member is still there (read above): the guard refused */
		return BST_GROUP_LAST_ADMIN;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return store_failed(ctx, "set a role", group_id);
	}
	audit(ctx, "group.role", group_id, user_id,
	      json_pack("{ss ss}", "from", m.role, "to", role));
	return BST_GROUP_OK;
}

struct members_args {
	void (*fn)(void *, const struct bst_group_member *);
	void *cls;
};

static void member_row(void *cls, const struct bst_group_member_row *r)
{
	struct members_args *l = cls;
	struct bst_group_member m;
	memset(&m, 0, sizeof m);
	m.user_id = r->user_id;
	bst_str_copy(m.email, sizeof m.email, r->email);
	bst_str_copy(m.name, sizeof m.name, r->name);
	bst_str_copy(m.role, sizeof m.role, r->role);
	bst_str_copy(m.state, sizeof m.state, r->state);
	m.since_ms = r->updated_ms;
	l->fn(l->cls, &m);
}

static void copy_member(void *cls, const struct bst_group_member *m)
{
	*(struct bst_group_member *)cls = *m;
}

enum bst_group_status
bst_group_members(struct bst_ctx *ctx, int64_t group_id, int64_t after, int limit,
		  void (*fn)(void *cls, const struct bst_group_member *m), void *cls)
{
	struct bst_group_access a;
	if (bst_group_access(ctx, group_id, &a) != 0)
		return BST_GROUP_ERROR;
	if (!a.see)
		return BST_GROUP_NOT_FOUND;
	if (!a.read && !a.manage) /* managing needs the list */
		return BST_GROUP_FORBIDDEN;
	if (limit < 1 || limit > BST_GROUP_LIST_MAX)
		limit = BST_GROUP_LIST_MAX;
	struct members_args l = {fn, cls};
	if (bst_q_group_member_list(ctx->platform->main, group_id, a.manage, after, limit,
				    member_row, &l) < 0)
		return store_failed(ctx, "list its members", group_id);
	return BST_GROUP_OK;
}

enum bst_group_status bst_group_member_get(struct bst_ctx *ctx, int64_t group_id,
					   int64_t user_id, struct bst_group_member *m)
{
	memset(m, 0, sizeof *m);
	struct bst_group_access a;
	if (bst_group_access(ctx, group_id, &a) != 0)
		return BST_GROUP_ERROR;
	if (!a.see)
		return BST_GROUP_NOT_FOUND;
	bool self = active_user(ctx) && active_user(ctx) == user_id;
	if (!a.read && !a.manage && !self)
		return BST_GROUP_FORBIDDEN;
	struct bst_group_member_row row;
	enum bst_group_status st = membership(ctx, group_id, user_id, &row);
	if (st != BST_GROUP_OK)
		return st;
	if (strcmp(row.state, "member") != 0 && !a.manage && !self)
		return BST_GROUP_NO_MEMBERSHIP;
	struct members_args l = {copy_member, m};
	member_row(&l, &row);
	return BST_GROUP_OK;
}
