/* /api/v1/users: GET lists the platform's accounts (search with ?q=,
 * pages with ?limit= and ?cursor=), for administrators in full; with
 * ?department= or ?location=, or for a member, it is the directory
 * instead: profiles of active accounts (administrators: every account),
 * by name. POST creates an account and mails its invitation
 * (administrators). */
#include "api/api.h"
#include "api/people.h"
#include "auth/account.h"
#include "core/i18n.h"

#include <string.h>

struct list {
	json_t *items;
	int limit;
	int n;           /* rows seen: one more than limit means another page */
	int64_t last_id; /* of the last item kept */
};

static void each(void *cls, const struct bst_user_row *u)
{
	struct list *l = cls;
	if (++l->n > l->limit)
		return;
	l->last_id = u->id;
	json_array_append_new(l->items, bst_api_user(u));
}

static void each_profile(void *cls, const struct bst_profile_row *p)
{
	struct list *l = cls;
	if (++l->n > l->limit)
		return;
	l->last_id = p->id;
	json_array_append_new(l->items, bst_api_profile_json(p, false));
}

/* The directory: profiles, filtered, by name. */
static void directory(struct bst_req *r, int limit, int64_t after, const char *q)
{
	const char *dept = bst_kv_get(&r->query, "department");
	const char *loc = bst_kv_get(&r->query, "location");
	struct bst_q_profile_filter f = {q, dept, loc, bst_ctx_is_admin(&r->ctx)};
	struct list l = {json_array(), limit, 0, 0};
	if (bst_profile_list(&r->ctx, &f, after, limit + 1, each_profile, &l) != BST_PROFILE_OK) {
		json_decref(l.items);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	json_t *next = l.n > limit ? json_sprintf("%lld", (long long)l.last_id) : json_null();
	bst_reply_json(r, 200, json_pack("{so so}", "items", l.items, "next_cursor", next));
}

static void list(struct bst_req *r)
{
	int limit;
	int64_t after;
	if (!bst_api_page_args(r, &limit, &after))
		return;
	const char *q = bst_kv_get(&r->query, "q");
	if (!bst_ctx_is_admin(&r->ctx) || bst_kv_get(&r->query, "department") ||
	    bst_kv_get(&r->query, "location")) {
		directory(r, limit, after, q);
		return;
	}
	struct list l = {json_array(), limit, 0, 0};
	if (bst_q_user_list(r->ctx.platform->main, q && q[0] ? q : NULL, after, limit + 1, each,
			    &l) < 0) {
		json_decref(l.items);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	json_t *next = l.n > limit ? json_sprintf("%lld", (long long)l.last_id) : json_null();
	bst_reply_json(r, 200, json_pack("{so so}", "items", l.items, "next_cursor", next));
}

static void create(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	if (r->json && !json_is_object(r->json)) {
		bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
		return;
	}
	const char *email = bst_req_arg(r, "email");
	const char *role = bst_req_arg(r, "role");
	char link[BST_LINK_MAX];
	enum bst_account_status st =
		bst_account_create(c, email, bst_req_arg(r, "name"), role ? role : "member", link);
	memset(link, 0, sizeof link); /* it goes by mail only */
	if (st != BST_ACC_OK) {
		bst_reply_error(r, bst_account_http_status(st), bst_account_code(st),
				_(bst_account_text(st)));
		return;
	}
	struct bst_user_row u;
	if (bst_account_find(c, email, &u) != BST_ACC_OK) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_reply_json(r, 201, bst_api_user(&u));
}

void bst_api_users(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		create(r);
	else
		list(r);
}
