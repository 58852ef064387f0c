/* Personal access tokens (see token.h). */
#include "auth/token.h"
#include "auth/authz.h"
#include "auth/session.h"
#include "audit/audit.h"

#include <stdio.h>
#include <string.h>

enum bst_account_status bst_pat_create(struct bst_ctx *ctx, int64_t user_id, const char *name,
				       const char *scope, int64_t expires_days,
				       char out[BST_PAT_CHARS + 1], int64_t *id)
{
	out[0] = '\0';
	*id = 0;
	if (ctx->actor == BST_ACTOR_USER)
		user_id = ctx->user.id;
	else if (ctx->actor != BST_ACTOR_OPERATOR)
		return BST_ACC_FORBIDDEN;
	if (!bst_authz_write(ctx))
		return BST_ACC_FORBIDDEN;
	if (!scope || (strcmp(scope, "read") != 0 && strcmp(scope, "read-write") != 0))
		return BST_ACC_INVALID_SCOPE;
	if (!name || !name[0] || strlen(name) > 100 || expires_days < 0 ||
	    expires_days > BST_PAT_MAX_DAYS)
		return BST_ACC_INVALID_TOKEN;
	struct bst_user_row u;
	if (bst_q_user_by_id(ctx->platform->main, user_id, &u) != BST_QS_ONE_RESULT)
		return BST_ACC_NOT_FOUND;
	char secret[BST_TOKEN_CHARS + 1];
	char hash[BST_HASH_HEX];
	bst_token_new(secret);
	snprintf(out, BST_PAT_CHARS + 1, BST_PAT_PREFIX "%s", secret);
	bst_token_hash_hex(out, hash);
	int64_t expires = expires_days ? ctx->now + expires_days * 86400000LL : 0;
	if (bst_q_token_insert(ctx->platform->main, user_id, name, hash, scope, ctx->now, expires,
			       id) != BST_QS_ONE_RESULT) {
		out[0] = '\0';
		return BST_ACC_ERROR;
	}
	bst_audit_record(ctx, "token.create", u.email,
			 json_pack("{sI ss ss sI}", "id", (json_int_t)*id, "name", name, "scope",
				   scope, "expires_days", (json_int_t)expires_days));
	return BST_ACC_OK;
}

bool bst_pat_authenticate(struct bst_ctx *ctx, const char *token)
{
	if (!token || strlen(token) != BST_PAT_CHARS ||
	    strncmp(token, BST_PAT_PREFIX, strlen(BST_PAT_PREFIX)) != 0)
		return false;
	char hash[BST_HASH_HEX];
	bst_token_hash_hex(token, hash);
	struct bst_token_row t;
	struct bst_user_row u;
	if (bst_q_token_auth(ctx->platform->main, hash, ctx->now, &t, &u) != BST_QS_ONE_RESULT)
		return false;
	if (ctx->now - t.last_used_ms > 60000)
		bst_q_token_touch(ctx->platform->main, t.id, ctx->now);
	ctx->actor = BST_ACTOR_USER;
	ctx->user = u;
	ctx->via_token = true;
	ctx->token_write = strcmp(t.scope, "read-write") == 0;
	return true;
}

enum bst_account_status bst_pat_revoke(struct bst_ctx *ctx, int64_t token_id)
{
	int64_t owner = 0;
	if (ctx->actor == BST_ACTOR_USER) {
		if (!bst_authz_write(ctx))
			return BST_ACC_FORBIDDEN;
		owner = ctx->user.id; /* only one's own tokens */
	} else if (ctx->actor != BST_ACTOR_OPERATOR) {
		return BST_ACC_FORBIDDEN;
	}
	enum bst_qs qs = bst_q_token_revoke(ctx->platform->main, token_id, owner, ctx->now);
	if (qs < 0)
		return BST_ACC_ERROR;
	if (qs == BST_QS_NO_RESULTS)
		return BST_ACC_NOT_FOUND;
	bst_audit_record(ctx, "token.revoke", ctx->actor == BST_ACTOR_USER ? ctx->user.email : "",
			 json_pack("{sI}", "id", (json_int_t)token_id));
	return BST_ACC_OK;
}
