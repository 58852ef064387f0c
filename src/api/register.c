/* POST /api/v1/register: the API twin of /register; 403 in closed mode. */
#include "api/api.h"
#include "auth/account.h"
#include "core/i18n.h"

#include <stdio.h>
#include <string.h>

void bst_api_register(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	if (strcmp(c->settings.registration, "open") != 0) {
		bst_reply_error(r, 403, bst_account_code(BST_ACC_CLOSED),
				_(bst_account_text(BST_ACC_CLOSED)));
		return;
	}
	if (!bst_req_rate_ok(r, "register")) {
		bst_reply_error(r, 429, "rate_limited",
				_("Too many attempts from your network address. Wait a minute and try again."));
		return;
	}
	const char *detail = NULL;
	int64_t uid = 0;
	enum bst_account_status st =
		bst_account_register(c, bst_req_arg(r, "email"), bst_req_arg(r, "name"),
				     bst_req_arg(r, "password"), &detail, &uid);
	if (st != BST_ACC_OK) {
		bst_reply_error(r, bst_account_http_status(st), bst_account_code(st),
				st == BST_ACC_WEAK_PASSWORD ? _(detail) : _(bst_account_text(st)));
		return;
	}
	struct bst_user_row u;
	bst_q_user_by_id(c->platform->main, uid, &u);
	bst_reply_json(r, 201, bst_api_user(&u));
}
