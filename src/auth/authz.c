/* Authorization decisions (see authz.h). */
#include "auth/authz.h"

#include <string.h>

bool bst_authz_admin(const struct bst_ctx *ctx)
{
	if (ctx->actor == BST_ACTOR_OPERATOR)
		return true;
	return ctx->actor == BST_ACTOR_USER && strcmp(ctx->user.role, "admin") == 0 &&
	       strcmp(ctx->user.status, "active") == 0 && bst_authz_write(ctx);
}

bool bst_authz_self(const struct bst_ctx *ctx, int64_t user_id)
{
	return ctx->actor == BST_ACTOR_USER && ctx->user.id == user_id;
}

bool bst_authz_write(const struct bst_ctx *ctx)
{
	return !ctx->via_token || ctx->token_write;
}
