/* Reactions (see posts.h): "like" on a publication or a comment, added and
 * removed idempotently, and the list of who reacted. Liking takes part in
 * the conversation: it needs the right to comment there. Not audited (no
 * content changes), and nobody is notified. */
#include "social/posts.h"
#include "core/log.h"

#include <string.h>

/* What is reacted to: its post's access, and whether ctx may react. */
static enum bst_post_status target_access(struct bst_ctx *ctx, const char *target,
					  int64_t target_id, bool *may_react)
{
	*may_react = false;
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st;
	if (strcmp(target, "post") == 0) {
		st = bst_post_load(ctx, target_id, &p, &fa);
		if (st == BST_POST_OK)
			*may_react = p.can_take_part;
		if (st == BST_POST_OK && p.row.deleted_ms)
			st = BST_POST_DELETED;
		return st;
	}
	if (strcmp(target, "comment") == 0) {
		struct bst_comment c;
		st = bst_comment_get(ctx, 0, target_id, &c);
		if (st == BST_POST_OK)
			*may_react = c.can_reply;
		if (st == BST_POST_OK && c.row.deleted_ms)
			st = BST_POST_DELETED;
		return st;
	}
	return BST_POST_INVALID;
}

enum bst_post_status bst_reaction_set(struct bst_ctx *ctx, const char *target,
				      int64_t target_id, const char *kind, bool on,
				      bool *changed)
{
	if (changed)
		*changed = false;
	if (!target || !kind || strcmp(kind, BST_REACTION_LIKE) != 0)
		return BST_POST_INVALID;
	bool may;
	enum bst_post_status st = target_access(ctx, target, target_id, &may);
	if (st != BST_POST_OK)
		return st;
	if (!may)
		return BST_POST_FORBIDDEN;
	int64_t me = bst_post_actor(ctx);
	enum bst_qs qs =
	    on ? bst_q_reaction_add(ctx->platform->main, target, target_id, me, kind,
				    ctx->now)
	       : bst_q_reaction_remove(ctx->platform->main, target, target_id, me, kind);
	if (qs < 0) {
		bst_log_error("platform %s: cannot change a reaction to %s %lld",
			      ctx->platform->slug, target, (long long)target_id);
		return BST_POST_ERROR;
	}
	if (changed)
		*changed = qs == BST_QS_ONE_RESULT;
	return BST_POST_OK;
}

enum bst_post_status
bst_reaction_list(struct bst_ctx *ctx, const char *target, int64_t target_id,
		  int64_t after, int limit,
		  void (*fn)(void *cls, const struct bst_reaction_row *r), void *cls)
{
	if (!target)
		return BST_POST_INVALID;
	bool may;
	enum bst_post_status st = target_access(ctx, target, target_id, &may);
	if (st == BST_POST_DELETED)
		st = BST_POST_OK; /* administrators read what was */
	if (st != BST_POST_OK)
		return st;
	if (limit < 1 || limit > BST_REACTIONS_PAGE_MAX + 1)
		return BST_POST_INVALID;
	if (bst_q_reaction_list(ctx->platform->main, target, target_id, after, limit, fn,
				cls) < 0) {
		bst_log_error("platform %s: cannot list reactions to %s %lld",
			      ctx->platform->slug, target, (long long)target_id);
		return BST_POST_ERROR;
	}
	return BST_POST_OK;
}
