/* Reading notifications and mailing them. In-app: the list (newest
 * first), the bell's unread count, read marks; a person only ever sees
 * notifications about what they may still read (db/q_people.h states the
 * rule). By mail, per person (users.notify_mail): "immediate" mails each
 * notification once, in the recipient's language; "digest" groups the
 * unread, unmailed ones into one message a day; "off" mails nothing.
 * Recording a notification is social/notify.h. Thread-safe; the mail
 * functions switch the calling thread's language and restore it. */
#ifndef BST_SOCIAL_NOTIFICATIONS_H
#define BST_SOCIAL_NOTIFICATIONS_H
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/q_people.h"
#include "tenant/context.h"
#include "tenant/platform.h"

/* The bell counts up to this many, then shows "99+". */
#define BST_NOTIFY_BELL_CAP 100
/* Immediate mail: a notification older than this when first seen by the
 * sender (the person just switched mail on) is left to the app. */
#define BST_NOTIFY_MAIL_WINDOW_MS (60LL * 60 * 1000)
/* How often the scheduler runs the immediate sender (a safety net when
 * the request that caused a notification could not queue its mail) and
 * the digest (which sends to whoever is due). */
#define BST_NOTIFY_MAIL_PERIOD_MS (30LL * 1000)
#define BST_DIGEST_RUN_PERIOD_MS (60LL * 60 * 1000)
/* The digest: at most one a day per person, at most this many items. */
#define BST_DIGEST_PERIOD_MS (24LL * 60 * 60 * 1000)
#define BST_DIGEST_MAX_ITEMS 50

/* Unread notifications of ctx's user, capped at BST_NOTIFY_BELL_CAP; 0 for
 * anyone not signed in; -1 when the store failed. */
int64_t bst_notifications_unread(struct bst_ctx *ctx);
/* ctx's user's notifications, newest first, id < before (0: from the
 * newest). Returns 0, or -1 when the store failed. */
int bst_notifications_list(struct bst_ctx *ctx, int64_t before, bool unread_only, int limit,
			   void (*fn)(void *cls, const struct bst_notification_row *n),
			   void *cls);
/* Marks one as read: 1 when it was unread, 0 when it was already read or
 * is not ctx's user's (or not visible), -1 on error. */
int bst_notifications_mark_read(struct bst_ctx *ctx, int64_t id);
/* Marks every one up to id upto (0: all) as read. Returns the number, or -1. */
int64_t bst_notifications_mark_all_read(struct bst_ctx *ctx, int64_t upto);

/* The sentence saying what n is, in the thread's language ("Alice
 * mentioned you in a comment."). html: names escaped for a page; else
 * plain text for mail. In arena. */
const char *bst_notification_sentence(bst_arena *arena, const struct bst_notification_row *n,
				      bool html);
/* The local path of what n is about ("/posts/12#comment-40", "/groups/3"),
 * in arena. */
const char *bst_notification_path(bst_arena *arena, const struct bst_notification_row *n);

/* ---- digest.c: mail ---- */

/* Mails notification id of user_id now if that person wants immediate
 * mail (a no-op otherwise, or when it was mailed already). For
 * bst_notify, right after recording. Returns 0, or -1 when queuing failed
 * (the sender's next pass tries again). */
int bst_notification_mail_now(struct bst_ctx *ctx, int64_t user_id, int64_t id);
/* The immediate sender's pass over every platform: notifications not yet
 * mailed (created within BST_NOTIFY_MAIL_WINDOW_MS) of people who want
 * them at once. A scheduler job. */
void bst_notification_mail_run(struct bst_install *in, bst_registry *reg,
			       const struct bst_config *cfg, int64_t now);
/* The daily digest over every platform: for each person wanting a digest
 * whose last one is BST_DIGEST_PERIOD_MS old or more and who has unread
 * unmailed notifications, one message grouping them. A scheduler job,
 * run hourly. */
void bst_digest_run(struct bst_install *in, bst_registry *reg, const struct bst_config *cfg,
		    int64_t now);

#endif
