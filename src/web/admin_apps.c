/* /admin/apps: the platform's optional applications, each with what it
 * does, where its data or service is hosted (for video meetings: the
 * operator's Jitsi server and its declared region), shown before the
 * switch that turns it on or off. An application whose service the
 * operator did not configure cannot be switched on. */
#include "web/admin.h"
#include "web/people.h"
#include "social/meetings.h"

#include <string.h>

static void app_section(struct bst_req *r, bst_buf *b, const struct bst_app_info *a)
{
	bst_buf_printf(b, "<section class=\"app\" aria-labelledby=\"h-app-%s\">"
			  "<h2 id=\"h-app-%s\">%s</h2><p>%s</p><dl class=\"facts\">",
		       a->name, a->name, _(a->label), _(a->description));
	bst_buf_printf(b, "<dt>%s</dt><dd><strong>%s</strong></dd>", _("State"),
		       a->enabled ? C_("application", "On") : C_("application", "Off"));
	bst_buf_printf(b, "<dt>%s</dt><dd>", _("Where it is hosted"));
	bst_html_txt(b, a->hosting_msgid ? _(a->hosting) : a->hosting);
	bst_buf_puts(b, "</dd>");
	if (a->url[0]) {
		bst_buf_printf(b, "<dt>%s</dt><dd><code>", _("Server"));
		bst_html_txt(b, a->url);
		bst_buf_puts(b, "</code></dd>");
	}
	if (a->provider[0]) {
		bst_buf_printf(b, "<dt>%s</dt><dd>", _("Provider"));
		bst_html_txt(b, a->provider);
		bst_buf_puts(b, "</dd>");
	}
	bst_buf_puts(b, "</dl>");
	if (!a->available && !a->enabled) {
		bst_page_notice(b, "info",
				_("The operator of this server has not configured this "
				  "application's service: it cannot be switched on."));
		bst_buf_puts(b, "</section>");
		return;
	}
	if (!a->enabled && strcmp(a->name, "meetings") == 0)
		bst_buf_printf(b, "<p class=\"hint\">%s</p>",
			       _("Switching it on sends the people who join a meeting to this "
				 "external server, where the meeting's audio and video pass."));
	bst_form_begin(r, b, "/admin/apps");
	bst_buf_printf(b, "<input type=\"hidden\" name=\"name\" value=\"%s\">"
			  "<input type=\"hidden\" name=\"enabled\" value=\"%s\">"
			  "<p><button type=\"submit\"%s>",
		       a->name, a->enabled ? "0" : "1", a->enabled ? " class=\"secondary\"" : "");
	/* TRANSLATORS: %s is an application's name, such as "Documents" */
	bst_buf_printf(b, a->enabled ? _("Switch %s off") : _("Switch %s on"), _(a->label));
	bst_buf_puts(b, "</button></p></form></section>");
}

static void render(struct bst_req *r, int status, const char *kind, const char *message)
{
	struct bst_app_info apps[BST_APPS_MAX];
	int n = bst_apps_list(&r->ctx, apps);
	if (n < 0) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Applications"));
	bst_page_admin_nav(r, &b, "apps");
	if (message)
		bst_page_notice(&b, kind, message);
	bst_buf_printf(&b, "<p class=\"lead\">%s</p>",
		       _("A switched-off application disappears for everyone on this platform: "
			 "menus, pages, programming interface and search. Its data is kept."));
	for (int i = 0; i < n; i++)
		app_section(r, &b, &apps[i]);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_admin_apps(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		render(r, 200, NULL, NULL);
		return;
	}
	const char *name = bst_kv_get(&r->form, "name");
	const char *enabled = bst_kv_get(&r->form, "enabled");
	if (!enabled || (strcmp(enabled, "0") != 0 && strcmp(enabled, "1") != 0)) {
		bst_reply_error(r, 400, "bad_form", _("The submitted form is malformed."));
		return;
	}
	enum bst_app_status st = bst_app_switch(&r->ctx, name, enabled[0] == '1');
	if (st != BST_APP_OK) {
		render(r, bst_app_http_status(st), "error", _(bst_app_text(st)));
		return;
	}
	bst_reply_redirect(r, "/admin/apps?notice=saved");
}
