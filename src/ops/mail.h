/* The outbound mail queue: messages are written to the control database
 * (so a restart loses none) and sent over SMTP by a background thread with
 * libcurl, retried with growing back-off. With no SMTP relay configured,
 * each message is printed in the server log instead (development). */
#ifndef BST_OPS_MAIL_H
#define BST_OPS_MAIL_H
#include "tenant/context.h"

/* Retry schedule: 1 min, then doubling up to 6 h; given up after a day's
 * worth of attempts. */
#define BST_MAIL_FIRST_RETRY_MS (60 * 1000)
#define BST_MAIL_MAX_RETRY_MS (6LL * 3600 * 1000)
#define BST_MAIL_MAX_ATTEMPTS 12

/* Queues a message (durable when this returns 0). */
int bst_mail_enqueue(struct bst_ctx *ctx, const char *to, const char *subject,
		     const char *body);

struct bst_mailer;
/* Starts the sender thread. */
struct bst_mailer *bst_mailer_start(struct bst_install *in, const struct bst_config *cfg);
/* Sends what is due now (the thread's work; tests call it directly). */
void bst_mailer_run_once(struct bst_install *in, const struct bst_config *cfg);
void bst_mailer_stop(struct bst_mailer *m);

#endif
