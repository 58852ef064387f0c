/* Reading notifications (see notifications.h): list, count, read marks,
 * and the sentence and link that say what each one is about. */
#include "social/notifications.h"
#include "core/html.h"
#include "core/i18n.h"
#include "core/log.h"

#include <string.h>

static bool signed_in(const struct bst_ctx *ctx)
{
	return ctx->actor == BST_ACTOR_USER && ctx->platform;
}

int64_t bst_notifications_unread(struct bst_ctx *ctx)
{
	if (!signed_in(ctx))
		return 0;
	return bst_q_notification_unread(ctx->platform->main, ctx->user.id, BST_NOTIFY_BELL_CAP);
}

int bst_notifications_list(struct bst_ctx *ctx, int64_t before, bool unread_only, int limit,
			   void (*fn)(void *cls, const struct bst_notification_row *n),
			   void *cls)
{
	if (!signed_in(ctx))
		return -1;
	return bst_q_notification_list(ctx->platform->main, ctx->user.id, before, unread_only,
				       limit, fn, cls) < 0
		       ? -1
		       : 0;
}

int bst_notifications_mark_read(struct bst_ctx *ctx, int64_t id)
{
	if (!signed_in(ctx))
		return -1;
	struct bst_notification_row n;
	switch (bst_q_notification_get(ctx->platform->main, ctx->user.id, id, &n)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return 0; /* not this person's, or no longer visible: nothing to say */
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return -1;
	}
	enum bst_qs qs = bst_q_notification_read(ctx->platform->main, ctx->user.id, id, ctx->now);
	return qs < 0 ? -1 : qs == BST_QS_ONE_RESULT;
}

int64_t bst_notifications_mark_all_read(struct bst_ctx *ctx, int64_t upto)
{
	if (!signed_in(ctx))
		return -1;
	if (bst_q_notification_read_all(ctx->platform->main, ctx->user.id, upto, ctx->now) < 0)
		return -1;
	return bst_db_changes();
}

/* name escaped for a page, or as is for mail, in arena. */
static const char *name_of(bst_arena *arena, const char *name, bool html)
{
	if (!html)
		return name;
	bst_buf b;
	bst_buf_init(&b);
	bst_html_txt(&b, name);
	const char *out = bst_arena_strdup(arena, bst_buf_str(&b));
	bst_buf_free(&b);
	return out;
}

const char *bst_notification_sentence(bst_arena *arena, const struct bst_notification_row *n,
				      bool html)
{
	const char *actor = n->actor_name[0] ? name_of(arena, n->actor_name, html) : _("Someone");
	const char *group = name_of(arena, n->group_name, html);
	const char *k = n->kind;
	if (strcmp(k, "mention") == 0)
		/* TRANSLATORS: %s is a person's name */
		return bst_arena_printf(arena, n->comment_id ? _("%s mentioned you in a comment.")
							     : _("%s mentioned you in a publication."),
					actor);
	if (strcmp(k, "comment") == 0)
		/* TRANSLATORS: %s is a person's name */
		return bst_arena_printf(arena, _("%s commented on your publication."), actor);
	if (strcmp(k, "reply") == 0)
		/* TRANSLATORS: %s is a person's name */
		return bst_arena_printf(arena, _("%s replied to your comment."), actor);
	if (strcmp(k, "group_invitation") == 0)
		/* TRANSLATORS: the first %s is a person's name, the second a group's */
		return bst_arena_printf(arena, _("%s invited you to the group %s."), actor, group);
	if (strcmp(k, "join_request") == 0)
		/* TRANSLATORS: the first %s is a person's name, the second a group's */
		return bst_arena_printf(arena, _("%s asks to join the group %s."), actor, group);
	if (strcmp(k, "join_approved") == 0)
		/* TRANSLATORS: %s is a group's name */
		return bst_arena_printf(arena, _("You are now a member of the group %s."), group);
	bst_log_warn("notifications: unknown kind %s", k);
	return _("Something happened that concerns you.");
}

const char *bst_notification_path(bst_arena *arena, const struct bst_notification_row *n)
{
	if (n->post_id && n->comment_id)
		return bst_arena_printf(arena, "/posts/%lld#comment-%lld", (long long)n->post_id,
					(long long)n->comment_id);
	if (n->post_id)
		return bst_arena_printf(arena, "/posts/%lld", (long long)n->post_id);
	if (n->group_id && strcmp(n->kind, "join_request") == 0)
		return bst_arena_printf(arena, "/groups/%lld/members", (long long)n->group_id);
	if (n->group_id)
		return bst_arena_printf(arena, "/groups/%lld", (long long)n->group_id);
	return "/notifications";
}
