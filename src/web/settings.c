/* The account page, /settings: who you are, your language, your password
 * and the state of your second factor. One form per action, told apart by
 * a hidden "action" field. */
#include "web/pages.h"
#include "auth/account.h"
#include "auth/login.h"

#include <string.h>

static const struct {
	const char *value; /* "" = the platform's default */
	const char *label;
} langs[] = {
	{"", N_("The platform's default")},
	{"fr", "Français"},
	{"en", "English"},
};

static void lang_form(struct bst_req *r, bst_buf *b)
{
	const char *cur = r->ctx.user.lang;
	bst_buf_printf(b, "<section aria-labelledby=\"h-lang\"><h2 id=\"h-lang\">%s</h2>",
		       _("Language"));
	bst_form_begin(r, b, "/settings");
	bst_buf_puts(b, "<input type=\"hidden\" name=\"action\" value=\"lang\">");
	bst_buf_printf(b, "<p class=\"field\"><label for=\"f-lang\">%s</label>"
			  "<select id=\"f-lang\" name=\"lang\">",
		       _("Language of the pages and e-mails"));
	for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
		bst_buf_puts(b, "<option value=\"");
		bst_html_attr(b, langs[i].value);
		bst_buf_puts(b, strcmp(cur, langs[i].value) == 0 ? "\" selected>" : "\">");
		/* the languages' own names stay untranslated */
		bst_html_txt(b, langs[i].value[0] ? langs[i].label : _(langs[i].label));
		bst_buf_puts(b, "</option>");
	}
	bst_buf_printf(b, "</select></p><p><button type=\"submit\">%s</button></p></form>"
			  "</section>",
		       _("Save the language"));
}

static void password_form(struct bst_req *r, bst_buf *b)
{
	bst_buf_printf(b, "<section aria-labelledby=\"h-password\"><h2 id=\"h-password\">%s</h2>",
		       _("Password"));
	bst_buf_printf(b, "<p class=\"hint\">%s</p>",
		       _("At least 12 characters, and not your e-mail address. Changing it ends "
			 "your other sessions."));
	bst_form_begin(r, b, "/settings");
	bst_buf_puts(b, "<input type=\"hidden\" name=\"action\" value=\"password\">");
	/* the e-mail as a hidden username helps password managers */
	bst_buf_puts(b, "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" value=\"");
	bst_html_attr(b, r->ctx.user.email);
	bst_buf_puts(b, "\">");
	bst_page_field(b, "password", "current", _("Current password"), NULL,
		       "autocomplete=\"current-password\" required");
	bst_page_field(b, "password", "password", _("New password"), NULL,
		       "autocomplete=\"new-password\" minlength=\"12\" required");
	bst_page_field(b, "password", "confirm", _("Confirm the new password"), NULL,
		       "autocomplete=\"new-password\" minlength=\"12\" required");
	bst_buf_printf(b, "<p><button type=\"submit\">%s</button></p></form></section>",
		       _("Change my password"));
}

static void mfa_section(struct bst_req *r, bst_buf *b)
{
	struct bst_ctx *c = &r->ctx;
	bst_buf_printf(b, "<section aria-labelledby=\"h-mfa\"><h2 id=\"h-mfa\">%s</h2>",
		       _("Second factor"));
	if (c->user.totp_enabled) {
		int64_t left = bst_mfa_recovery_left(c);
		bst_buf_printf(b, "<p>%s</p>",
			       _("Your second factor is on: signing in asks for a code from your "
				 "authenticator app."));
		if (left >= 0) {
			bst_buf_puts(b, "<p>");
			bst_buf_printf(b,
				       bst_i18n_ngettext("You have %lld recovery code left.",
							 "You have %lld recovery codes left.",
							 (unsigned long)left),
				       (long long)left);
			bst_buf_puts(b, "</p>");
		}
		bst_buf_printf(b, "<p class=\"hint\">%s</p>",
			       _("Lost your device or your codes? Ask an administrator to remove "
				 "your second factor, then set it up again."));
	} else {
		bst_buf_printf(b, "<p>%s</p><p><a class=\"button\" href=\"/login/2fa/setup\">%s</a></p>",
			       _("Your second factor is off: your password alone signs you in."),
			       _("Set up a second factor"));
	}
	bst_buf_puts(b, "</section>");
}

static void render(struct bst_req *r, int status, const char *kind, const char *message)
{
	struct bst_ctx *c = &r->ctx;
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("My account"));
	if (message)
		bst_page_notice(&b, kind, message);
	bst_buf_printf(&b, "<section aria-labelledby=\"h-profile\"><h2 id=\"h-profile\">%s</h2><dl>",
		       _("Profile"));
	bst_buf_printf(&b, "<dt>%s</dt><dd>", _("Name"));
	bst_html_txt(&b, c->user.name);
	bst_buf_printf(&b, "</dd><dt>%s</dt><dd>", _("E-mail address"));
	bst_html_txt(&b, c->user.email);
	bst_buf_printf(&b, "</dd><dt>%s</dt><dd>%s</dd></dl>", _("Role"),
		       strcmp(c->user.role, "admin") == 0 ? _("Administrator") : _("Member"));
	bst_buf_printf(&b, "<ul><li><a href=\"/settings/sessions\">%s</a></li>"
			   "<li><a href=\"/settings/tokens\">%s</a></li></ul></section>",
		       _("My sessions"), _("Access tokens"));
	lang_form(r, &b);
	password_form(r, &b);
	mfa_section(r, &b);
	bst_buf_printf(&b,
		       "<section aria-labelledby=\"h-mydata\"><h2 id=\"h-mydata\">%s</h2>"
		       "<p>%s</p><p><a href=\"/settings/export.zip\" download>%s</a></p></section>",
		       _("Your data"),
		       _("One zip file with your profile, everything you published and "
			 "commented (JSON), and the documents of your personal space, to keep or "
			 "to take elsewhere."),
		       _("Download my data"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void change_password(struct bst_req *r)
{
	const char *pw = bst_req_arg(r, "password");
	const char *confirm = bst_req_arg(r, "confirm");
	if (!pw || !confirm || strcmp(pw, confirm) != 0) {
		render(r, 400, "error", _("The two new passwords are not the same."));
		return;
	}
	const char *detail = NULL;
	enum bst_account_status st =
		bst_account_change_password(&r->ctx, bst_req_arg(r, "current"), pw, &detail);
	if (st == BST_ACC_OK)
		render(r, 200, "ok",
		       _("Your password is changed. Your other sessions were ended."));
	else if (st == BST_ACC_WEAK_PASSWORD && detail)
		render(r, 400, "error", _(detail));
	else
		render(r, bst_account_http_status(st), "error", _(bst_account_text(st)));
}

void bst_page_settings(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		render(r, 200, NULL, NULL);
		return;
	}
	const char *action = bst_req_arg(r, "action");
	if (action && strcmp(action, "lang") == 0) {
		enum bst_account_status st = bst_account_set_lang(&r->ctx, bst_req_arg(r, "lang"));
		if (st != BST_ACC_OK) {
			render(r, bst_account_http_status(st), "error", _(bst_account_text(st)));
			return;
		}
		/* the next page is drawn in the new language */
		bst_reply_redirect(r, "/settings?notice=saved");
		return;
	}
	if (action && strcmp(action, "password") == 0) {
		change_password(r);
		return;
	}
	bst_reply_error(r, 400, "bad_action",
			_("This form asks for an action that does not exist."));
}
