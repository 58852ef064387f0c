/* The second step of signing in: a code from the authenticator app, or one
 * of the recovery codes. */
#include "web/pages.h"
#include "auth/login.h"

#include <string.h>

static void form(struct bst_req *r, int status, const char *error)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Second factor"));
	if (error)
		bst_page_notice(&b, "error", error);
	bst_buf_printf(&b, "<p>%s</p>",
		       _("Enter the six-digit code shown by your authenticator app, or one of "
			 "your recovery codes."));
	bst_form_begin(r, &b, bst_with_next(r, "/login/2fa", bst_kv_get(&r->query, "next")));
	bst_page_field(&b, "text", "code", _("Code"), NULL,
		       "autocomplete=\"one-time-code\" inputmode=\"numeric\" required autofocus");
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>", _("Verify"));
	bst_form_begin(r, &b, "/logout");
	bst_buf_printf(&b, "<p><button type=\"submit\" class=\"link\">%s</button></p></form>",
		       _("Cancel and sign out"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_login_2fa(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	const char *next = bst_safe_next(bst_kv_get(&r->query, "next"));
	if (!c->user.totp_enabled) {
		bst_reply_redirect(r, bst_with_next(r, "/login/2fa/setup", next));
		return;
	}
	if (strcmp(r->method, "POST") != 0) {
		form(r, 200, NULL);
		return;
	}
	char token[BST_TOKEN_CHARS + 1], hash[BST_HASH_HEX];
	switch (bst_mfa_verify(c, bst_req_arg(r, "code"), token, hash)) {
	case BST_LOGIN_OK:
		bst_page_session_cookie(r, token);
		bst_reply_redirect(r, next);
		return;
	case BST_LOGIN_ERROR:
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	default:
		form(r, 401, _("This code is not valid. Check your device's clock and try the "
			       "next code, or use a recovery code."));
	}
}
