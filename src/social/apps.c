/* Application switches (see apps.h). */
#include "social/apps.h"
#include "db/q_social.h"

bool bst_app_enabled(struct bst_ctx *ctx, const char *app)
{
	return app && bst_q_app_enabled(ctx->platform->main, app) == 1;
}
