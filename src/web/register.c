/* Self-registration: refused with a clear page in closed mode (the
 * default); in open mode, restricted to the configured e-mail domains. */
#include "web/pages.h"
#include "auth/account.h"
#include "auth/login.h"

#include <string.h>

static void form(struct bst_req *r, int status, const char *error)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Create an account"));
	if (error)
		bst_page_notice(&b, "error", error);
	if (r->ctx.settings.registration_domains[0]) {
		bst_buf_printf(&b, "<p class=\"hint\">%s ", _("Open to addresses at:"));
		bst_html_txt(&b, r->ctx.settings.registration_domains);
		bst_buf_puts(&b, "</p>");
	}
	bst_form_begin(r, &b, "/register");
	bst_page_field(&b, "text", "name", _("Your name"), bst_req_arg(r, "name"),
		       "autocomplete=\"name\" required maxlength=\"200\"");
	bst_page_field(&b, "email", "email", _("E-mail address"), bst_req_arg(r, "email"),
		       "autocomplete=\"email\" required");
	bst_page_field(&b, "password", "password", _("Password"), NULL,
		       "autocomplete=\"new-password\" minlength=\"12\" required");
	bst_buf_printf(&b, "<p class=\"hint\">%s</p>",
		       _("At least 12 characters, and not your e-mail address."));
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>",
		       _("Create my account"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_register(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	if (strcmp(c->settings.registration, "open") != 0) {
		bst_reply_error(r, 403, bst_account_code(BST_ACC_CLOSED),
				_(bst_account_text(BST_ACC_CLOSED)));
		return;
	}
	if (strcmp(r->method, "POST") != 0) {
		form(r, 200, NULL);
		return;
	}
	if (!bst_req_rate_ok(r, "register")) {
		form(r, 429, _("Too many attempts from your network address. Wait a minute and try again."));
		return;
	}
	const char *detail = NULL;
	int64_t uid = 0;
	enum bst_account_status st =
		bst_account_register(c, bst_req_arg(r, "email"), bst_req_arg(r, "name"),
				     bst_req_arg(r, "password"), &detail, &uid);
	if (st != BST_ACC_OK) {
		form(r, bst_account_http_status(st),
		     st == BST_ACC_WEAK_PASSWORD ? _(detail) : _(bst_account_text(st)));
		return;
	}
	char token[BST_TOKEN_CHARS + 1], hash[BST_HASH_HEX];
	enum bst_login_result res =
		bst_login_password(c, bst_req_arg(r, "email"), bst_req_arg(r, "password"), token, hash);
	if (res == BST_LOGIN_FAILED || res == BST_LOGIN_ERROR) {
		bst_reply_redirect(r, "/login");
		return;
	}
	bst_page_session_cookie(r, token);
	bst_reply_redirect(r, res == BST_LOGIN_OK ? "/" : "/login/2fa/setup");
}
