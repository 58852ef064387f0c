/* Confirming the password before back-office actions, when the last
 * sign-in is older than 15 minutes. */
#include "web/pages.h"
#include "auth/login.h"

#include <string.h>

static void form(struct bst_req *r, int status, const char *error)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Confirm your password"));
	if (error)
		bst_page_notice(&b, "error", error);
	bst_buf_printf(&b, "<p>%s</p>",
		       _("For your security, administration asks for your password again if you "
			 "signed in more than 15 minutes ago."));
	bst_form_begin(r, &b, bst_with_next(r, "/reauth", bst_kv_get(&r->query, "next")));
	bst_page_field(&b, "password", "password", _("Password"), NULL,
		       "autocomplete=\"current-password\" required autofocus");
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>", _("Confirm"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_reauth(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		form(r, 200, NULL);
		return;
	}
	char token[BST_TOKEN_CHARS + 1], hash[BST_HASH_HEX];
	switch (bst_login_reauth(&r->ctx, bst_req_arg(r, "password"), token, hash)) {
	case BST_LOGIN_OK:
		bst_page_session_cookie(r, token);
		bst_reply_redirect(r, bst_safe_next(bst_kv_get(&r->query, "next")));
		return;
	case BST_LOGIN_ERROR:
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	default:
		form(r, 401, _("This password is not correct."));
	}
}
