/* One-time links: /activate/{token} (invitation: choose a password,
 * activate the account) and /reset/{token} (choose a new password). The
 * link is checked on display and used exactly once on submission. */
#include "web/pages.h"
#include "auth/account.h"

#include <string.h>

static void form(struct bst_req *r, const char *purpose, const struct bst_user_row *u,
		 int status, const char *error)
{
	bool invite = strcmp(purpose, "invite") == 0;
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, invite ? _("Activate your account") : _("Choose a new password"));
	if (error)
		bst_page_notice(&b, "error", error);
	bst_buf_printf(&b, "<p>%s <strong>", _("Account:"));
	bst_html_txt(&b, u->email);
	bst_buf_printf(&b, "</strong></p><p class=\"hint\">%s</p>",
		       _("At least 12 characters, and not your e-mail address. A sentence of a "
			 "few words is easy to remember and hard to guess."));
	bst_form_begin(r, &b, r->path);
	/* the e-mail as a hidden username helps password managers */
	bst_buf_puts(&b, "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" value=\"");
	bst_html_attr(&b, u->email);
	bst_buf_puts(&b, "\">");
	bst_page_field(&b, "password", "password", _("New password"), NULL,
		       "autocomplete=\"new-password\" minlength=\"12\" required autofocus");
	bst_page_field(&b, "password", "confirm", _("Confirm the password"), NULL,
		       "autocomplete=\"new-password\" minlength=\"12\" required");
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>",
		       invite ? _("Activate my account") : _("Set my password"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_link(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	const char *purpose = strncmp(r->path, "/activate/", 10) == 0 ? "invite" : "reset";
	const char *token = r->params[0];
	if (!bst_req_rate_ok(r, "link")) {
		bst_reply_header(r, "Retry-After", "60");
		bst_reply_error(r, 429, "rate_limited",
				_("Too many attempts from your network address. Wait a minute and try again."));
		return;
	}
	struct bst_user_row u;
	enum bst_account_status st = bst_account_link_check(c, purpose, token, &u);
	if (st != BST_ACC_OK) {
		bst_reply_error(r, bst_account_http_status(st), bst_account_code(st),
				_(bst_account_text(st)));
		return;
	}
	if (strcmp(r->method, "POST") != 0) {
		form(r, purpose, &u, 200, NULL);
		return;
	}
	const char *pw = bst_req_arg(r, "password");
	const char *confirm = bst_req_arg(r, "confirm");
	if (!pw || !confirm || strcmp(pw, confirm) != 0) {
		form(r, purpose, &u, 400, _("The two passwords are not the same."));
		return;
	}
	const char *detail = NULL;
	st = bst_account_link_use(c, purpose, token, pw, &detail);
	if (st == BST_ACC_WEAK_PASSWORD) {
		form(r, purpose, &u, 400, _(detail));
		return;
	}
	if (st != BST_ACC_OK) {
		bst_reply_error(r, bst_account_http_status(st), bst_account_code(st),
				_(bst_account_text(st)));
		return;
	}
	bst_reply_redirect(r, strcmp(purpose, "invite") == 0 ? "/login?notice=activated"
							      : "/login?notice=password-reset");
}
