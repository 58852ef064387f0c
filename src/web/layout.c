/* The shared page layout: head, header with navigation (and the
 * notifications bell: one bounded, indexed count per page), main, footer;
 * forms with their CSRF field; notices; error and maintenance pages. */
#include "web/pages.h"
#include "auth/csrf.h"
#include "auth/session.h"
#include "http/static.h"
#include "social/apps.h"
#include "social/notifications.h"

#include <string.h>

const char *bst_page_csrf(struct bst_req *r)
{
	const char *binding = r->session_token_hash[0] ? r->session_token_hash : NULL;
	if (!binding) {
		char name[64];
		snprintf(name, sizeof name, "%s%s", r->https ? "__Host-" : "", BST_PRE_COOKIE);
		binding = bst_kv_get(&r->cookies, name);
		if (!binding || strlen(binding) != BST_TOKEN_CHARS) {
			char *fresh = bst_arena_alloc(r->arena, BST_TOKEN_CHARS + 1);
			bst_token_new(fresh);
			bst_reply_cookie(r, BST_PRE_COOKIE, fresh, 0);
			/* later forms of this request use the same binding */
			bst_kvlist *c = &r->cookies;
			bst_kv *items = bst_arena_alloc(r->arena, (c->n + 1) * sizeof *items);
			if (c->n)
				memcpy(items, c->items, c->n * sizeof *items);
			items[c->n] = (bst_kv){bst_arena_strdup(r->arena, name), fresh,
					       BST_TOKEN_CHARS};
			c->items = items;
			c->n++;
			binding = fresh;
		}
	}
	/* a page of forms asks twenty times for the same binding */
	if (r->csrf_binding && strcmp(r->csrf_binding, binding) == 0)
		return r->csrf_token;
	char *tok = bst_arena_alloc(r->arena, BST_TOKEN_CHARS + 1);
	bst_csrf_token(r->ctx.platform->key, binding, tok);
	r->csrf_binding = bst_arena_strdup(r->arena, binding);
	r->csrf_token = tok;
	return tok;
}

void bst_form_begin(struct bst_req *r, bst_buf *b, const char *action)
{
	bst_buf_puts(b, "<form method=\"post\" action=\"");
	bst_html_attr(b, action);
	bst_buf_puts(b, "\"><input type=\"hidden\" name=\"" BST_CSRF_FIELD "\" value=\"");
	bst_html_attr(b, bst_page_csrf(r));
	bst_buf_puts(b, "\">");
}

void bst_page_session_cookie(struct bst_req *r, const char *token)
{
	bst_reply_cookie(r, BST_SESSION_COOKIE, token, 0);
}

void bst_page_field(bst_buf *b, const char *type, const char *name, const char *label,
		    const char *value, const char *extra)
{
	bst_buf_puts(b, "<p class=\"field\"><label for=\"f-");
	bst_html_attr(b, name);
	bst_buf_puts(b, "\">");
	bst_html_txt(b, label);
	bst_buf_puts(b, "</label><input type=\"");
	bst_html_attr(b, type);
	bst_buf_puts(b, "\" id=\"f-");
	bst_html_attr(b, name);
	bst_buf_puts(b, "\" name=\"");
	bst_html_attr(b, name);
	bst_buf_puts(b, "\"");
	if (value) {
		bst_buf_puts(b, " value=\"");
		bst_html_attr(b, value);
		bst_buf_puts(b, "\"");
	}
	if (extra) {
		bst_buf_putc(b, ' ');
		bst_buf_puts(b, extra);
	}
	bst_buf_puts(b, "></p>");
}

void bst_page_notice(bst_buf *b, const char *kind, const char *text)
{
	bst_buf_puts(b, "<p class=\"notice notice-");
	bst_html_attr(b, kind);
	bst_buf_printf(b, "\" role=\"%s\">", strcmp(kind, "error") == 0 ? "alert" : "status");
	bst_html_txt(b, text);
	bst_buf_puts(b, "</p>");
}

static const struct {
	const char *code;
	const char *text;
} flashes[] = {
	{"signed-out", N_("You are signed out.")},
	{"activated", N_("Your password is set. You can sign in now.")},
	{"password-reset", N_("Your new password is set. You can sign in now.")},
	{"saved", N_("Saved.")},
	{"destination-removed", N_("The destination was removed.")},
	{"session-ended", N_("The session was ended.")},
	{"sessions-ended", N_("All your other sessions were ended.")},
	{"token-revoked", N_("The token was revoked.")},
	{"expired", N_("Your session expired. Please sign in again.")},
	{"meeting-started", N_("The meeting is ready: it is at the top of the list.")},
};

void bst_page_flash(struct bst_req *r, bst_buf *b)
{
	const char *code = bst_kv_get(&r->query, "notice");
	if (!code)
		return;
	for (size_t i = 0; i < sizeof flashes / sizeof *flashes; i++)
		if (strcmp(code, flashes[i].code) == 0)
			bst_page_notice(b, "ok", _(flashes[i].text));
}

/* The notifications link with the unread count: in the link's text, so
 * that it is read out ("Notifications (3)"), and drawn as a badge. */
static void bell(struct bst_req *r, bst_buf *b, const char *current)
{
	int64_t unread = bst_notifications_unread(&r->ctx);
	bst_buf_printf(b, "<li><a href=\"/notifications\" class=\"bell\"%s>%s", current,
		       _("Notifications"));
	if (unread > 0) {
		char count[16];
		if (unread >= BST_NOTIFY_BELL_CAP)
			snprintf(count, sizeof count, "%d+", BST_NOTIFY_BELL_CAP - 1);
		else
			snprintf(count, sizeof count, "%lld", (long long)unread);
		bst_buf_printf(b, " <span class=\"badge\"><span class=\"visually-hidden\">(</span>%s"
				  "<span class=\"visually-hidden\">)</span></span>",
			       count);
	}
	bst_buf_puts(b, "</a></li>");
}

void bst_page_begin(struct bst_req *r, bst_buf *b, const char *title)
{
	struct bst_ctx *c = &r->ctx;
	bst_buf_printf(b, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			  "<title>",
		       r->lang ? r->lang : "en");
	bst_html_txt(b, title);
	bst_buf_puts(b, " · ");
	bst_html_txt(b, c->platform ? c->platform->name : "Bastide");
	bst_buf_printf(b, "</title><link rel=\"stylesheet\" href=\"%s\">"
			  "<script src=\"%s\" defer></script></head><body>",
		       bst_static_url("app.css"), bst_static_url("app.js"));
	bst_buf_printf(b, "<a class=\"skip\" href=\"#main\">%s</a>", _("Skip to content"));
	bst_buf_puts(b, "<header class=\"top\"><a class=\"brand\" href=\"/\">");
	bst_html_txt(b, c->platform ? c->platform->name : "Bastide");
	bst_buf_puts(b, "</a>");
	if (c->actor == BST_ACTOR_USER && !r->mfa_pending) {
		bool admin_area = strncmp(r->path, "/admin", 6) == 0;
		bool account_area = strncmp(r->path, "/settings", 9) == 0;
		const char *here = " aria-current=\"page\"";
		bst_buf_printf(b, "<nav aria-label=\"%s\"><ul>", _("Main"));
		bst_buf_printf(b, "<li><a href=\"/\"%s>%s</a></li>",
			       strcmp(r->path, "/") == 0 ? here : "", _("Home"));
		bst_buf_printf(b, "<li><a href=\"/people\"%s>%s</a></li>",
			       strncmp(r->path, "/people", 7) == 0 ? here : "", _("People"));
		bst_buf_printf(b, "<li><a href=\"/groups\"%s>%s</a></li>",
			       strncmp(r->path, "/groups", 7) == 0 ? here : "", _("Groups"));
		if (bst_app_enabled(c, BST_APP_MEETINGS))
			bst_buf_printf(b, "<li><a href=\"/meetings\"%s>%s</a></li>",
				       strncmp(r->path, "/meetings", 9) == 0 ? here : "",
				       _("Meetings"));
		bell(r, b, strncmp(r->path, "/notifications", 14) == 0 ? here : "");
		bst_buf_printf(b, "<li><a href=\"/settings\"%s>%s</a></li>",
			       account_area ? here : "", _("My account"));
		if (bst_ctx_is_admin(c))
			bst_buf_printf(b, "<li><a href=\"/admin/users\"%s>%s</a></li>",
				       admin_area ? here : "", _("Administration"));
		bst_buf_puts(b, "</ul></nav>");
	}
	if (c->actor == BST_ACTOR_USER) {
		bst_buf_puts(b, "<div class=\"who\"><span>");
		bst_html_txt(b, c->user.name);
		bst_buf_puts(b, "</span>");
		bst_form_begin(r, b, "/logout");
		bst_buf_printf(b, "<button type=\"submit\" class=\"link\">%s</button></form></div>",
			       _("Sign out"));
	}
	bst_buf_puts(b, "</header><main id=\"main\"><h1>");
	bst_html_txt(b, title);
	bst_buf_puts(b, "</h1>");
	bst_page_flash(r, b);
}

void bst_page_end(struct bst_req *r, bst_buf *b)
{
	bst_buf_printf(b, "</main><footer class=\"foot\"><p>%s</p></footer></body></html>\n",
		       _("Bastide — your organisation's collaboration platform"));
}

void bst_page_error(struct bst_req *r, int status, const char *code, const char *message)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, status >= 500 ? _("Something went wrong") : _("This request could not be completed"));
	bst_page_notice(&b, "error", message);
	bst_buf_printf(&b, "<p class=\"code\">%s <code>", _("Error code:"));
	bst_html_txt(&b, code);
	bst_buf_printf(&b, "</code> (HTTP %d)</p><p><a href=\"/\">%s</a></p>", status,
		       _("Back to the home page"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_maintenance(struct bst_req *r)
{
	r->lang = bst_i18n_pick(NULL, bst_req_header(r, "Accept-Language"), "fr");
	bst_i18n_use(r->lang);
	if (r->is_api) {
		bst_reply_error(r, 503, "maintenance",
				_("This platform is under maintenance. Please come back later."));
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Under maintenance"));
	bst_page_notice(&b, "info",
			_("This platform is under maintenance. Please come back later."));
	bst_page_end(r, &b);
	bst_reply_header(r, "Retry-After", "300");
	bst_reply_html(r, 503, &b);
}
