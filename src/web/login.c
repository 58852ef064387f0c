/* The sign-in page: e-mail and password, with a per-address rate limit on
 * top of the per-account delays of the login service. */
#include "web/pages.h"
#include "auth/login.h"

#include <string.h>

static void form(struct bst_req *r, int status, const char *error, const char *email)
{
	struct bst_ctx *c = &r->ctx;
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Sign in"));
	if (error)
		bst_page_notice(&b, "error", error);
	if (c->settings.demo)
		bst_page_notice(&b, "info",
				_("This is a demonstration platform: it does not ask for a second "
				  "factor, so you can look around at once. Every other platform "
				  "keeps the secure defaults."));
	const char *next = bst_kv_get(&r->query, "next");
	bst_form_begin(r, &b, next ? bst_with_next(r, "/login", next) : "/login");
	bst_page_field(&b, "email", "email", _("E-mail address"), email,
		       "autocomplete=\"username\" required autofocus");
	bst_page_field(&b, "password", "password", _("Password"), NULL,
		       "autocomplete=\"current-password\" required");
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>", _("Sign in"));
	if (strcmp(c->settings.registration, "open") == 0)
		bst_buf_printf(&b, "<p><a href=\"/register\">%s</a></p>", _("Create an account"));
	else
		bst_buf_printf(&b, "<p class=\"hint\">%s</p>",
			       _("Accounts on this platform are created by its administrators. "
				 "Forgot your password? Ask one of them for a reset link."));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_login(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	if (strcmp(r->method, "POST") != 0) {
		if (c->actor == BST_ACTOR_USER && !r->mfa_pending) {
			bst_reply_redirect(r, bst_safe_next(bst_kv_get(&r->query, "next")));
			return;
		}
		form(r, 200, NULL, NULL);
		return;
	}
	const char *email = bst_req_arg(r, "email");
	if (!bst_req_rate_ok(r, "login")) {
		bst_reply_header(r, "Retry-After", "60");
		form(r, 429, _("Too many sign-in attempts from your network address. Wait a minute and try again."),
		     email);
		return;
	}
	char token[BST_TOKEN_CHARS + 1], hash[BST_HASH_HEX];
	enum bst_login_result res =
		bst_login_password(c, email ? email : "", bst_req_arg(r, "password"), token, hash);
	switch (res) {
	case BST_LOGIN_FAILED:
		form(r, 401, _("Sign-in failed: the e-mail address or the password is wrong, or "
			       "the account cannot sign in right now. Wait a little and try again, "
			       "or ask an administrator."),
		     email);
		return;
	case BST_LOGIN_ERROR:
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	case BST_LOGIN_OK:
	case BST_LOGIN_MFA_VERIFY:
	case BST_LOGIN_MFA_ENROL:
		break;
	}
	bst_page_session_cookie(r, token);
	bst_reply_cookie(r, BST_PRE_COOKIE, NULL, 0);
	const char *next = bst_safe_next(bst_kv_get(&r->query, "next"));
	if (res == BST_LOGIN_OK) {
		bst_reply_redirect(r, next);
		return;
	}
	bst_reply_redirect(r, bst_with_next(r, res == BST_LOGIN_MFA_VERIFY ? "/login/2fa"
									  : "/login/2fa/setup",
					    next));
}
