/* /api/v1/tokens: the caller's personal access tokens. GET lists them,
 * POST creates one (its secret is in that answer only), DELETE
 * /api/v1/tokens/{id} revokes one. */
#include "api/api.h"
#include "core/str.h"
#include "auth/token.h"
#include "core/i18n.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *token_json(const struct bst_token_row *t, int64_t now)
{
	const char *state = t->revoked_ms ? "revoked"
			    : t->expires_ms && t->expires_ms <= now ? "expired"
								    : "active";
	return json_pack("{sI ss ss ss so so so so}", "id", (json_int_t)t->id, "name", t->name,
			 "scope", t->scope, "state", state, "created_at",
			 bst_api_time(t->created_ms), "expires_at", bst_api_time(t->expires_ms),
			 "last_used_at", bst_api_time(t->last_used_ms), "revoked_at",
			 bst_api_time(t->revoked_ms));
}

struct list {
	json_t *items;
	int64_t now;
};

static void each(void *cls, const struct bst_token_row *t)
{
	struct list *l = cls;
	json_array_append_new(l->items, token_json(t, l->now));
}

static void list(struct bst_req *r)
{
	struct list l = {json_array(), r->ctx.now};
	if (bst_q_token_list(r->ctx.platform->main, r->ctx.user.id, each, &l) < 0) {
		json_decref(l.items);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_reply_json(r, 200, json_pack("{so}", "items", l.items));
}

/* expires_days: absent, null or 0 = never; a JSON integer or, from a
 * form, a decimal string. false when malformed. */
static bool expires_days(struct bst_req *r, int64_t *days)
{
	*days = 0;
	json_t *j = r->json ? json_object_get(r->json, "expires_days") : NULL;
	if (j && !json_is_null(j)) {
		if (!json_is_integer(j))
			return false;
		*days = json_integer_value(j);
	} else if (!j) {
		const char *s = bst_req_arg(r, "expires_days");
		if (s && s[0]) {
			char *end;
			*days = strtoll(s, &end, 10);
			if (*end)
				return false;
		}
	}
	return *days >= 0 && *days <= BST_PAT_MAX_DAYS;
}

static void create(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	if (r->json && !json_is_object(r->json)) {
		bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
		return;
	}
	const char *name = bst_req_arg(r, "name");
	const char *scope = bst_req_arg(r, "scope");
	int64_t days = 0;
	if (!name || !name[0] || strlen(name) > 100) {
		bst_reply_error(r, 400, "name_invalid",
				_("Give the token a name of 1 to 100 characters."));
		return;
	}
	if (!scope || (strcmp(scope, "read") != 0 && strcmp(scope, "read-write") != 0)) {
		bst_reply_error(r, 400, "scope_invalid",
				_("The scope must be \"read\" or \"read-write\"."));
		return;
	}
	if (!expires_days(r, &days)) {
		bst_reply_error(r, 400, "expires_invalid",
				_("The expires_days field must be a whole number from 0 (never) to 3650."));
		return;
	}
	char secret[BST_PAT_CHARS + 1];
	int64_t id = 0;
	enum bst_account_status st = bst_pat_create(c, 0, name, scope, days, secret, &id);
	if (st != BST_ACC_OK) {
		bst_reply_error(r, bst_account_http_status(st), bst_account_code(st),
				_(bst_account_text(st)));
		return;
	}
	struct bst_token_row t = {.id = id, .created_ms = c->now,
				  .expires_ms = days ? c->now + days * 86400000LL : 0};
	bst_str_copy(t.name, sizeof t.name, name);
	bst_str_copy(t.scope, sizeof t.scope, scope);
	json_t *body = token_json(&t, c->now);
	json_object_set_new(body, "token", json_string(secret));
	sodium_memzero(secret, sizeof secret);
	bst_reply_json(r, 201, body);
}

void bst_api_tokens(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		create(r);
	else
		list(r);
}

void bst_api_token(struct bst_req *r)
{
	char *end = NULL;
	long long id = strtoll(r->params[0], &end, 10);
	enum bst_account_status st = BST_ACC_NOT_FOUND;
	if (r->params[0][0] && !*end && id > 0)
		st = bst_pat_revoke(&r->ctx, id);
	if (st == BST_ACC_NOT_FOUND) {
		bst_reply_error(r, 404, "token_not_found",
				_("There is no such token, or it was already revoked."));
		return;
	}
	if (st != BST_ACC_OK) {
		bst_reply_error(r, bst_account_http_status(st), bst_account_code(st),
				_(bst_account_text(st)));
		return;
	}
	bst_reply_json(r, 200, json_pack("{sI sb}", "id", (json_int_t)id, "revoked", 1));
}
