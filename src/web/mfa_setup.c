/* Enrolling the second factor: a QR code (and the secret as text) for the
 * authenticator app, a code to confirm, then ten recovery codes shown once. */
#include "web/pages.h"
#include "auth/login.h"
#include "auth/totp.h"

#include <sodium.h>
#include <string.h>

static void form(struct bst_req *r, int status, const char *error)
{
	struct bst_ctx *c = &r->ctx;
	uint8_t secret[BST_TOTP_SECRET_BYTES];
	if (bst_mfa_enrol_secret(c, secret) != 0) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	char b32[40];
	bst_totp_secret_base32(secret, b32);
	bst_buf uri, b;
	bst_buf_init(&uri);
	bst_buf_init(&b);
	bst_totp_uri(c->platform->name, c->user.email, secret, &uri);
	sodium_memzero(secret, sizeof secret);
	bst_page_begin(r, &b, _("Set up your second factor"));
	if (error)
		bst_page_notice(&b, "error", error);
	if (r->mfa_pending)
		bst_page_notice(&b, "info",
				_("This platform asks for a second factor on your account. Set it "
				  "up now to finish signing in."));
	bst_buf_printf(&b, "<ol class=\"steps\"><li>%s</li><li>%s</li><li>%s</li></ol>",
		       _("Install an authenticator app (FreeOTP, Aegis, Google Authenticator…)."),
		       _("Scan this QR code with it, or type the key below."),
		       _("Enter the six-digit code it shows."));
	bst_buf_puts(&b, "<div class=\"qr\">");
	bst_qr_svg(bst_buf_str(&uri), _("QR code to scan with your authenticator app"), &b);
	bst_buf_printf(&b, "</div><p>%s <code class=\"secret\">", _("Key:"));
	bst_html_txt(&b, b32);
	bst_buf_puts(&b, "</code></p>");
	sodium_memzero(b32, sizeof b32);
	bst_form_begin(r, &b, bst_with_next(r, "/login/2fa/setup", bst_kv_get(&r->query, "next")));
	bst_page_field(&b, "text", "code", _("Code"), NULL,
		       "autocomplete=\"one-time-code\" inputmode=\"numeric\" required");
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>", _("Confirm"));
	bst_page_end(r, &b);
	bst_buf_free(&uri);
	bst_reply_html(r, status, &b);
}

void bst_page_mfa_setup(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	if (c->user.totp_enabled) {
		bst_reply_redirect(r, r->mfa_pending ? "/login/2fa" : "/settings");
		return;
	}
	if (strcmp(r->method, "POST") != 0) {
		form(r, 200, NULL);
		return;
	}
	char codes[BST_RECOVERY_CODES][BST_RECOVERY_CHARS + 1];
	char token[BST_TOKEN_CHARS + 1], hash[BST_HASH_HEX];
	switch (bst_mfa_enrol_confirm(c, bst_req_arg(r, "code"), codes, token, hash)) {
	case BST_LOGIN_OK:
		break;
	case BST_LOGIN_ERROR:
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	default:
		form(r, 400, _("This code is not valid. Check your device's clock and try the "
			       "next code."));
		return;
	}
	bst_page_session_cookie(r, token);
	/* later forms on this page bind to the new session */
	memcpy(r->session_token_hash, hash, sizeof hash);
	r->mfa_pending = false;
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Your recovery codes"));
	bst_page_notice(&b, "ok", _("Your second factor is set up."));
	bst_buf_printf(&b, "<p>%s</p><ul class=\"codes\">",
		       _("Keep these recovery codes somewhere safe: if you lose your device, each of "
			 "them lets you sign in once. They are shown only now."));
	for (int i = 0; i < BST_RECOVERY_CODES; i++) {
		bst_buf_puts(&b, "<li><code>");
		bst_html_txt(&b, codes[i]);
		bst_buf_puts(&b, "</code></li>");
	}
	sodium_memzero(codes, sizeof codes);
	bst_buf_printf(&b, "</ul><p><a class=\"button\" href=\"");
	bst_html_attr(&b, bst_safe_next(bst_kv_get(&r->query, "next")));
	bst_buf_printf(&b, "\">%s</a></p>", _("Continue"));
	bst_page_end(r, &b);
	bst_reply_html(r, 200, &b);
}
