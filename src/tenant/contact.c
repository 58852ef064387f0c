/* A platform's security contact (see contact.h). */
#include "tenant/contact.h"
#include "audit/audit.h"
#include "auth/account.h"
#include "auth/authz.h"
#include "core/str.h"
#include "social/profiles.h"

#include <stdio.h>
#include <string.h>

_Static_assert(BST_CONTACT_PHONE_MAX == BST_PROFILE_PHONE_MAX,
	       "a contact's phone is checked as a profile's");

int bst_contact_set(struct bst_ctx *ctx, const char *name, const char *email, const char *phone,
		    char *err, size_t errlen)
{
	if (ctx->actor != BST_ACTOR_OPERATOR) {
		snprintf(err, errlen, "only the operator sets a platform's security contact");
		return -1;
	}
	struct bst_contact_row c = {0};
	if (!name || !bst_profile_text_valid(name, BST_NAME_MAX) || !name[strspn(name, " ")]) {
		snprintf(err, errlen,
			 "the contact's name must be 1 to %d bytes of text (UTF-8), without "
			 "control characters",
			 BST_NAME_MAX);
		return -1;
	}
	if (!bst_account_email_normalize(email, c.email)) {
		snprintf(err, errlen, "the contact's e-mail address is not valid");
		return -1;
	}
	if (phone && !bst_profile_phone_valid(phone)) {
		snprintf(err, errlen,
			 "the contact's phone number must be at most %d characters: digits, "
			 "spaces and + ( ) - . /",
			 BST_CONTACT_PHONE_MAX);
		return -1;
	}
	bst_str_copy(c.name, sizeof c.name, name);
	bst_str_copy(c.phone, sizeof c.phone, phone);
	c.updated_ms = ctx->now;
	if (bst_q_contact_put(ctx->install->control, ctx->platform->id, &c) < 0) {
		snprintf(err, errlen, "cannot store the security contact of %s", ctx->platform->slug);
		return -1;
	}
	bst_audit_record(ctx, "platform.security_contact", ctx->platform->slug,
			 json_pack("{ss ss ss}", "name", c.name, "email", c.email, "phone", c.phone));
	return 0;
}

int bst_contact_of(bst_db *control, int64_t platform_id, struct bst_contact_row *out)
{
	switch (bst_q_contact_get(control, platform_id, out)) {
	case BST_QS_ONE_RESULT:
		return 1;
	case BST_QS_NO_RESULTS:
		return 0;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
	default:
		return -1;
	}
}

int bst_contact_get(struct bst_ctx *ctx, struct bst_contact_row *out)
{
	memset(out, 0, sizeof *out);
	if (!bst_authz_admin(ctx))
		return -1;
	return bst_contact_of(ctx->install->control, ctx->platform->id, out);
}
