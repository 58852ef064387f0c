/* Notifications: in-app (a bell with an unread count and a list) and by
 * mail through the outbound queue, per person: immediately, daily digest,
 * or off. Services call bst_notify when something concerns someone; it
 * never notifies people of what they may not see (the caller checked) nor
 * of their own actions. Thread-safe. */
#ifndef BST_SOCIAL_NOTIFY_H
#define BST_SOCIAL_NOTIFY_H
#include <stdint.h>

#include "tenant/context.h"

enum bst_notify_kind {
	BST_NOTIFY_MENTION,          /* post_id, comment_id (0 for the post itself) */
	BST_NOTIFY_COMMENT,          /* on my publication: post_id, comment_id */
	BST_NOTIFY_REPLY,            /* to my comment: post_id, comment_id */
	BST_NOTIFY_GROUP_INVITATION, /* group_id */
	BST_NOTIFY_JOIN_REQUEST,     /* to a group's administrators: group_id */
	BST_NOTIFY_JOIN_APPROVED,    /* group_id */
};

/* Records a notification for user_id, caused by ctx's actor. ids that do
 * not apply are 0. Returns 0, or -1 when the store failed (logged; the
 * caller's action still stands). */
int bst_notify(struct bst_ctx *ctx, int64_t user_id, enum bst_notify_kind kind,
	       int64_t group_id, int64_t post_id, int64_t comment_id);

#endif
