/* Security events (see audit.h). */
#include "audit/audit.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>

int bst_audit_record(struct bst_ctx *ctx, const char *event, const char *target,
		     json_t *details)
{
	char actor[BST_EMAIL_MAX + 32];
	int64_t actor_id = 0;
	switch (ctx->actor) {
	case BST_ACTOR_USER:
		snprintf(actor, sizeof actor, "%s", ctx->user.email);
		actor_id = ctx->user.id;
		break;
	case BST_ACTOR_OPERATOR: {
		const char *who = getenv("SUDO_USER");
		if (!who)
			who = getenv("USER");
		snprintf(actor, sizeof actor, "operator:%s", who ? who : "unknown");
		break;
	}
	default:
		snprintf(actor, sizeof actor, "anonymous");
	}
	char *text = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (details)
		json_decref(details);
	enum bst_qs qs = bst_q_event_insert(ctx->platform->audit, ctx->now, actor_id, actor,
					    ctx->client_addr ? ctx->client_addr : "",
					    event, target ? target : "", text ? text : "{}");
	free(text);
	if (qs != BST_QS_ONE_RESULT) {
		bst_log_error("audit: SECURITY EVENT NOT RECORDED on platform %s: %s %s",
			      ctx->platform->slug, event, target ? target : "");
		return -1;
	}
	return 0;
}
