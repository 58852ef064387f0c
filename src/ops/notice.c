/* Contract notices to a platform's administrators and security contact
 * (see notice.h). */
#include "ops/notice.h"
#include "core/log.h"
#include "core/str.h"
#include "tenant/contact.h"

#include <string.h>

struct collect {
	struct bst_notice_to *to;
	size_t admins;
	int64_t last;
};

static void add(struct bst_notice_to *to, const char *email)
{
	for (size_t i = 0; i < to->n; i++)
		if (strcmp(to->email[i], email) == 0)
			return;
	if (to->n < sizeof to->email / sizeof to->email[0])
		bst_str_copy(to->email[to->n++], sizeof to->email[0], email);
}

static void admin_row(void *cls, const struct bst_user_row *u)
{
	struct collect *c = cls;
	c->last = u->id;
	if (c->admins < BST_NOTICE_ADMINS_MAX && strcmp(u->role, "admin") == 0 &&
	    strcmp(u->status, "active") == 0) {
		add(c->to, u->email);
		c->admins++;
	}
}

void bst_notice_recipients(struct bst_install *in, struct bst_platform *p, int64_t platform_id,
			   struct bst_notice_to *to)
{
	memset(to, 0, sizeof *to);
	struct collect c = {to, 0, 0};
	/* every account, a page at a time, keeping the active administrators */
	while (p && c.admins < BST_NOTICE_ADMINS_MAX &&
	       bst_q_user_list(p->main, NULL, c.last, 200, admin_row, &c) == 200)
		;
	struct bst_contact_row contact;
	switch (bst_contact_of(in->control, platform_id, &contact)) {
	case 1:
		add(to, contact.email);
		break;
	case 0:
		break;
	default:
		bst_log_warn("notice: the security contact of platform %lld cannot be read: it "
			     "is not told",
			     (long long)platform_id);
	}
}

void bst_notice_send(struct bst_install *in, const struct bst_notice_to *to, const char *subject,
		     const char *body, int64_t now)
{
	for (size_t i = 0; i < to->n; i++)
		if (bst_q_mail_enqueue(in->control, 0, to->email[i], subject, body, now) < 0)
			bst_log_error("notice: cannot queue \"%s\" for %s", subject, to->email[i]);
}
