/* Notifications (see notify.h): recorded in the platform's database; the
 * mail sender (immediate or digest) reads them from there. */
#include "social/notify.h"
#include "core/log.h"
#include "db/q_social.h"

static const char *const kind_names[] = {
	[BST_NOTIFY_MENTION] = "mention",
	[BST_NOTIFY_COMMENT] = "comment",
	[BST_NOTIFY_REPLY] = "reply",
	[BST_NOTIFY_GROUP_INVITATION] = "group_invitation",
	[BST_NOTIFY_JOIN_REQUEST] = "join_request",
	[BST_NOTIFY_JOIN_APPROVED] = "join_approved",
};

int bst_notify(struct bst_ctx *ctx, int64_t user_id, enum bst_notify_kind kind,
	       int64_t group_id, int64_t post_id, int64_t comment_id)
{
	int64_t actor = ctx->actor == BST_ACTOR_USER ? ctx->user.id : 0;
	if (user_id == actor)
		return 0; /* nobody is told of their own actions */
	if (bst_q_notification_insert(ctx->platform->main, user_id, kind_names[kind], actor,
				      group_id, post_id, comment_id,
				      ctx->now) != BST_QS_ONE_RESULT) {
		bst_log_error("platform %s: cannot record a %s notification", ctx->platform->slug,
			      kind_names[kind]);
		return -1;
	}
	/* mail for people who want it at once leaves with the scheduler's next
	 * pass (every 30 s: src/social/digest.c), after the change committed */
	return 0;
}
