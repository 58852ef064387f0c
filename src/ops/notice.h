/* Mail about a platform's contract to the people responsible for it on
 * the client's side: its active administrators and its security contact
 * (tenant/contact.h), each address once — the destruction report, the
 * notices of offboarding. Queued in the control database (ops/mail.h),
 * with no platform attached, so that they survive the platform's
 * destruction. Thread-safe. */
#ifndef BST_OPS_NOTICE_H
#define BST_OPS_NOTICE_H
#include <stddef.h>
#include <stdint.h>

#include "db/queries.h"
#include "tenant/install.h"
#include "tenant/platform.h"

/* The administrators told at most: a contract's notices need no more. */
#define BST_NOTICE_ADMINS_MAX 50

struct bst_notice_to {
	char email[BST_NOTICE_ADMINS_MAX + 1][BST_EMAIL_MAX + 1];
	size_t n;
};

/* Fills to with the active administrators of p (NULL: none can be read)
 * and the security contact of platform_id. What cannot be read is logged
 * and left out. */
void bst_notice_recipients(struct bst_install *in, struct bst_platform *p, int64_t platform_id,
			   struct bst_notice_to *to);

/* Queues subject and body to each of to (logged when one cannot be). */
void bst_notice_send(struct bst_install *in, const struct bst_notice_to *to, const char *subject,
		     const char *body, int64_t now);

#endif
