/* /settings/sessions: where the user is signed in (device, address,
 * times), with a button to end any other session or all of them at once;
 * then "was this you?": the user's own recent sign-ins from the access
 * log, refused ones included (time, result, address, device). */
#include "web/pages.h"
#include "audit/log.h"
#include "auth/session.h"

#include <stdlib.h>
#include <string.h>

/* Sign-ins shown: a few weeks of a person's sign-ins. */
#define SIGNINS_SHOWN 30

/* Sessions listed at most; a user has a handful, more means a script
 * signing in over and over, and the first ones suffice to see it. */
#define SESSIONS_SHOWN 200

/* The first needle found in ua names the browser (order matters: Edge and
 * Opera also say "Chrome", Chrome also says "Safari"). */
static const char *const browsers[][2] = {
	{"Edg/", "Edge"},      {"OPR/", "Opera"},    {"Firefox/", "Firefox"},
	{"FxiOS/", "Firefox"}, {"CriOS/", "Chrome"}, {"Chromium/", "Chromium"},
	{"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	{"Wget/", "Wget"},     {"python-", "Python"}, {"Go-http-client", "Go"},
};
static const char *const systems[][2] = {
	{"Android", "Android"}, {"iPhone", "iOS"},      {"iPad", "iPadOS"},
	{"CrOS", "ChromeOS"},   {"Windows", "Windows"}, {"Mac OS X", "macOS"},
	{"Macintosh", "macOS"}, {"Linux", "Linux"},     {"FreeBSD", "FreeBSD"},
};

static const char *first_match(const char *ua, const char *const pairs[][2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(ua, pairs[i][0]))
			return pairs[i][1];
	return NULL;
}

/* A short readable summary of a User-Agent: "Firefox on Linux". Only the
 * fixed names above reach the page, never the header itself. */
static void device(bst_buf *b, const char *ua)
{
	const char *browser = first_match(ua, browsers, sizeof browsers / sizeof *browsers);
	const char *os = first_match(ua, systems, sizeof systems / sizeof *systems);
	if (browser && os)
		/* TRANSLATORS: a browser on an operating system: "Firefox on Linux" */
		bst_buf_printf(b, _("%s on %s"), browser, os);
	else if (browser || os)
		bst_buf_puts(b, browser ? browser : os);
	else
		bst_html_txt(b, _("Unknown device"));
}

struct list {
	struct bst_req *r;
	bst_buf *b;
	int n;
	int others;
};

static void row(void *cls, const struct bst_session_row *s)
{
	struct list *l = cls;
	if (l->n >= SESSIONS_SHOWN)
		return;
	l->n++;
	struct bst_req *r = l->r;
	bst_buf *b = l->b;
	bool current = s->id == r->ctx.session_id;
	char when[64];
	bst_buf_puts(b, current ? "<tr class=\"current\"><th scope=\"row\">"
				: "<tr><th scope=\"row\">");
	device(b, s->user_agent);
	if (current)
		bst_buf_printf(b, " <strong>(%s)</strong>", _("this session"));
	bst_buf_puts(b, "</th><td>");
	/* TRANSLATORS: shown instead of a network address we do not know */
	bst_html_txt(b, s->client_addr[0] ? s->client_addr : _("unknown address"));
	bst_i18n_datetime(s->created_ms, when, sizeof when);
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, when);
	bst_i18n_datetime(s->last_seen_ms, when, sizeof when);
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, when);
	bst_buf_puts(b, "</td><td>");
	if (current) {
		bst_html_txt(b, _("Use “Sign out” to end it."));
	} else {
		l->others++;
		bst_form_begin(r, b, "/settings/sessions");
		bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"end\">"
				  "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
				  "<button type=\"submit\">%s</button></form>",
			       (long long)s->id, _("End this session"));
	}
	bst_buf_puts(b, "</td></tr>");
}

/* What a sign-in event says happened, for its owner. */
static const char *signin_result(const struct bst_trail_entry *e)
{
	if (strcmp(e->event, "auth.login.success") == 0)
		return _("Signed in");
	if (strcmp(e->event, "auth.mfa.success") == 0)
		return _("Second factor accepted");
	bool mfa = strcmp(e->event, "auth.mfa.failure") == 0;
	json_t *d = json_loads(e->details, 0, NULL);
	const char *reason = json_string_value(json_object_get(d, "reason"));
	const char *text;
	if (reason && (strcmp(reason, "wrong_password") == 0 || strcmp(reason, "wrong_code") == 0))
		text = mfa ? _("Refused: wrong code") : _("Refused: wrong password");
	else if (reason && strcmp(reason, "locked") == 0)
		text = _("Refused: account locked");
	else if (reason && strcmp(reason, "delayed") == 0)
		text = _("Refused: too many attempts, asked to wait");
	else
		text = mfa ? _("Second factor refused") : _("Refused");
	json_decref(d);
	return text;
}

struct signins {
	bst_buf *b;
	int n;
};

static int signin_row(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	(void)hash;
	struct signins *s = cls;
	bst_buf *b = s->b;
	char when[64];
	bst_i18n_datetime(e->at_ms, when, sizeof when);
	bst_buf_puts(b, "<tr><th scope=\"row\">");
	bst_html_txt(b, when);
	bst_buf_printf(b, "</th><td>%s</td><td>", signin_result(e));
	bst_html_txt(b, e->client_addr[0] ? e->client_addr : _("unknown address"));
	bst_buf_puts(b, "</td><td>");
	device(b, e->user_agent);
	bst_buf_puts(b, "</td></tr>");
	s->n++;
	return 0;
}

/* "Was this you?" */
static int signins(struct bst_req *r, bst_buf *b)
{
	bst_buf rows;
	bst_buf_init(&rows);
	struct signins s = {&rows, 0};
	if (bst_audit_own_signins(&r->ctx, SIGNINS_SHOWN, signin_row, &s) != BST_ALOG_OK) {
		bst_buf_free(&rows);
		return -1;
	}
	bst_buf_printf(b, "<section aria-labelledby=\"h-signins\"><h2 id=\"h-signins\">%s</h2><p>%s</p>",
		       _("Was this you?"),
		       _("The last sign-ins to your account, refused ones included. If one was "
			 "not you, change your password and end your other sessions."));
	if (s.n == 0) {
		bst_buf_printf(b, "<p>%s</p>", _("No sign-in is recorded yet."));
	} else {
		bst_buf_printf(b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
				  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				  "<th scope=\"col\">%s</th></tr></thead><tbody>",
			       _("Recent sign-ins, newest first"), _("Time"), _("Result"),
			       _("Address"), _("Device"));
		bst_buf_cat(b, &rows);
		bst_buf_puts(b, "</tbody></table>");
	}
	bst_buf_puts(b, "</section>");
	bst_buf_free(&rows);
	return 0;
}

static void render(struct bst_req *r)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("My sessions"));
	bst_buf_printf(&b, "<p>%s</p>",
		       _("The browsers and devices where you are signed in. End any session "
			 "you do not recognise, then change your password."));
	bst_buf_printf(&b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
			   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		       _("Active sessions"), _("Device"), _("Address"), _("Signed in at"),
		       _("Last seen"), _("Action"));
	struct list l = {r, &b, 0, 0};
	if (bst_session_list(&r->ctx, row, &l) < 0) {
		bst_buf_free(&b);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_buf_puts(&b, "</tbody></table>");
	if (l.others > 0) {
		bst_form_begin(r, &b, "/settings/sessions");
		bst_buf_printf(&b, "<input type=\"hidden\" name=\"action\" value=\"end-others\">"
				   "<p><button type=\"submit\">%s</button></p></form>",
			       _("End all other sessions"));
	}
	if (signins(r, &b) != 0) {
		bst_buf_free(&b);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_buf_printf(&b, "<p><a href=\"/settings\">%s</a></p>", _("Back to my account"));
	bst_page_end(r, &b);
	bst_reply_html(r, 200, &b);
}

void bst_page_sessions(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	if (strcmp(r->method, "POST") != 0) {
		render(r);
		return;
	}
	const char *action = bst_req_arg(r, "action");
	if (action && strcmp(action, "end-others") == 0) {
		if (bst_session_end_other(c, 0) != 0) {
			bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
			return;
		}
		bst_reply_redirect(r, "/settings/sessions?notice=sessions-ended");
		return;
	}
	if (!action || strcmp(action, "end") != 0) {
		bst_reply_error(r, 400, "bad_action",
				_("This form asks for an action that does not exist."));
		return;
	}
	const char *id_s = bst_req_arg(r, "id");
	char *end = NULL;
	long long id = id_s ? strtoll(id_s, &end, 10) : 0;
	if (!id_s || !*id_s || *end || id <= 0) {
		bst_reply_error(r, 400, "bad_id", _("This session number is not valid."));
		return;
	}
	if (id == c->session_id) {
		/* ending the session in use is signing out */
		if (bst_session_end(c) != 0) {
			bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
			return;
		}
		bst_page_session_cookie(r, NULL);
		bst_reply_redirect(r, "/login?notice=signed-out");
		return;
	}
	/* the store only ends the signed-in user's own sessions */
	int rc = bst_session_end_other(c, id);
	if (rc == 1) {
		bst_reply_error(r, 404, "session_not_found",
				_("There is no such session, or it has already ended."));
		return;
	}
	if (rc != 0) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_reply_redirect(r, "/settings/sessions?notice=session-ended");
}
