/* /admin/users/{id}: one account as the administrators see it, and what
 * they can do to it (disable, enable, change the role, send a password
 * reset link, remove the second factor, unlock), each a small form with a
 * hidden "action". The account service decides and audits. */
#include "web/admin.h"
#include "auth/account.h"

#include <stdlib.h>
#include <string.h>

static void action_form(struct bst_req *r, bst_buf *b, const char *action, const char *button,
			const char *hint)
{
	bst_buf_puts(b, "<li>");
	bst_form_begin(r, b, r->path);
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">"
			  "<button type=\"submit\">%s</button>",
		       action, button);
	if (hint)
		bst_buf_printf(b, " <span class=\"hint\">%s</span>", hint);
	bst_buf_puts(b, "</form></li>");
}

static void detail(bst_buf *b, const char *term, const char *text)
{
	bst_buf_printf(b, "<dt>%s</dt><dd>", term);
	bst_html_txt(b, text);
	bst_buf_puts(b, "</dd>");
}

static void render(struct bst_req *r, const struct bst_user_row *u, int status,
		   const char *kind, const char *notice)
{
	char when[64];
	bool invited = strcmp(u->status, "invited") == 0;
	bool disabled = strcmp(u->status, "disabled") == 0;
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, u->name);
	bst_page_admin_nav(r, &b, "users");
	if (notice)
		bst_page_notice(&b, kind, notice);
	bst_buf_printf(&b, "<section aria-labelledby=\"h-details\"><h2 id=\"h-details\">%s</h2><dl>",
		       _("Account"));
	detail(&b, _("E-mail address"), u->email);
	detail(&b, _("Role"), strcmp(u->role, "admin") == 0 ? _("Administrator") : _("Member"));
	detail(&b, _("Status"),
	       invited ? _("Invited (has not chosen a password yet)")
		       : disabled ? _("Disabled") : _("Active"));
	detail(&b, _("Second factor"), u->totp_enabled ? C_("second factor", "On") : C_("second factor", "Off"));
	if (u->locked_ms) {
		bst_i18n_datetime(u->locked_ms, when, sizeof when);
		/* TRANSLATORS: %s is a date and time */
		bst_buf_printf(&b, "<dt>%s</dt><dd>", _("Locked"));
		bst_buf_printf(&b, _("Yes, since %s"), when);
		bst_buf_puts(&b, "</dd>");
	} else {
		detail(&b, _("Locked"), _("No"));
	}
	bst_i18n_datetime(u->created_ms, when, sizeof when);
	detail(&b, _("Created"), when);
	bst_buf_puts(&b, "</dl></section>");

	bst_buf_printf(&b, "<section aria-labelledby=\"h-actions\"><h2 id=\"h-actions\">%s</h2>"
			   "<ul class=\"actions\">",
		       _("Actions"));
	if (disabled)
		action_form(r, &b, "enable", _("Enable the account"), NULL);
	else
		action_form(r, &b, "disable", _("Disable the account"),
			    _("Ends all of its sessions at once."));
	action_form(r, &b, "reset-password",
		    invited ? _("Send a new invitation") : _("Send a password reset link"),
		    invited ? _("The former invitation link stops working.")
			    : _("By e-mail; the link works once, for one hour."));
	if (u->totp_enabled)
		action_form(r, &b, "reset-2fa", _("Remove the second factor"),
			    _("For a lost device: the person sets it up again at the next "
			      "sign-in if the platform asks for one."));
	if (u->locked_ms)
		action_form(r, &b, "unlock", _("Unlock the account"), NULL);
	bst_buf_puts(&b, "<li>");
	bst_form_begin(r, &b, r->path);
	bool admin = strcmp(u->role, "admin") == 0;
	bst_buf_printf(&b, "<input type=\"hidden\" name=\"action\" value=\"role\">"
			   "<p class=\"field\"><label for=\"f-role\">%s</label>"
			   "<select id=\"f-role\" name=\"role\">"
			   "<option value=\"member\"%s>%s</option>"
			   "<option value=\"admin\"%s>%s</option></select></p>"
			   "<p><button type=\"submit\">%s</button></p></form></li></ul></section>",
		       _("Role"), admin ? "" : " selected", _("Member"), admin ? " selected" : "",
		       _("Administrator"), _("Change the role"));
	bst_buf_printf(&b, "<p><a href=\"/admin/users\">%s</a></p>", _("Back to the users"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

/* Loads the account of the path; false after answering 404 or 500. */
static bool load(struct bst_req *r, int64_t id, struct bst_user_row *u)
{
	switch (id > 0 ? bst_q_user_by_id(r->ctx.platform->main, id, u) : BST_QS_NO_RESULTS) {
	case BST_QS_ONE_RESULT:
		return true;
	case BST_QS_NO_RESULTS:
		bst_reply_error(r, 404, bst_account_code(BST_ACC_NOT_FOUND),
				_(bst_account_text(BST_ACC_NOT_FOUND)));
		return false;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		break;
	}
	bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
	return false;
}

/* Runs the form's action; *mailed is set when a link went out by mail. */
static enum bst_account_status act(struct bst_req *r, const char *action, int64_t id,
				   bool *mailed)
{
	struct bst_ctx *c = &r->ctx;
	*mailed = false;
	if (strcmp(action, "disable") == 0)
		return bst_account_set_enabled(c, id, false);
	if (strcmp(action, "enable") == 0)
		return bst_account_set_enabled(c, id, true);
	if (strcmp(action, "role") == 0)
		return bst_account_set_role(c, id, bst_req_arg(r, "role"));
	if (strcmp(action, "unlock") == 0)
		return bst_account_unlock(c, id);
	if (strcmp(action, "reset-2fa") == 0)
		return bst_account_reset_mfa(c, id);
	/* reset-password */
	char link[BST_LINK_MAX];
	enum bst_account_status st = bst_account_reset_link(c, id, link);
	memset(link, 0, sizeof link); /* it goes by mail only */
	*mailed = st == BST_ACC_OK;
	return st;
}

static bool known_action(const char *a)
{
	static const char *const actions[] = {"disable", "enable", "role", "reset-password",
					      "reset-2fa", "unlock"};
	for (size_t i = 0; a && i < sizeof actions / sizeof *actions; i++)
		if (strcmp(a, actions[i]) == 0)
			return true;
	return false;
}

void bst_page_admin_user(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	char *end = NULL;
	long long id = strtoll(r->params[0], &end, 10);
	if (!r->params[0][0] || *end)
		id = 0;
	struct bst_user_row u;
	if (!load(r, id, &u))
		return;
	if (strcmp(r->method, "POST") != 0) {
		render(r, &u, 200, NULL, NULL);
		return;
	}
	const char *action = bst_req_arg(r, "action");
	if (!known_action(action)) {
		bst_reply_error(r, 400, "bad_action",
				_("This form asks for an action that does not exist."));
		return;
	}
	bool mailed = false;
	enum bst_account_status st = act(r, action, id, &mailed);
	if (st != BST_ACC_OK) {
		render(r, &u, bst_account_http_status(st), "error", _(bst_account_text(st)));
		return;
	}
	if (!mailed) {
		bst_reply_redirect(r, bst_arena_printf(r->arena, "/admin/users/%lld?notice=saved",
						       id));
		return;
	}
	bst_buf msg;
	bst_buf_init(&msg);
	bst_buf_printf(&msg,
		       strcmp(u.status, "invited") == 0
			       ? _("A new invitation was sent by e-mail to %s.")
			       : _("A password reset link was sent by e-mail to %s."),
		       u.email);
	if (!c->config->smtp_url[0]) {
		bst_buf_putc(&msg, ' ');
		bst_buf_puts(&msg, _("No mail relay is configured on this server: the message, with "
				     "its link, is written to the server's log instead."));
	}
	render(r, &u, 200, "ok", bst_buf_str(&msg));
	bst_buf_free(&msg);
}
