/* /meetings (the "meetings" application): the platform's video meetings of
 * the last day, each a link to its room on the operator's Jitsi server,
 * and a form to start one. Where that server is hosted is said on the
 * page: people leave the platform when they join. */
#include "web/people.h"
#include "social/meetings.h"

#include <string.h>

struct list {
	bst_buf *b;
	int n;
};

static void row(void *cls, const struct bst_meeting *m)
{
	struct list *l = cls;
	bst_buf *b = l->b;
	l->n++;
	bst_buf_puts(b, "<tr><th scope=\"row\">");
	bst_html_txt(b, m->title);
	bst_buf_puts(b, "</th><td>");
	bst_html_txt(b, m->created_by_name);
	bst_buf_puts(b, "</td><td>");
	char when[64];
	bst_i18n_datetime(m->created_ms, when, sizeof when);
	bst_html_txt(b, when);
	/* the room's own page: no referrer, no opener */
	bst_buf_puts(b, "</td><td><a rel=\"noopener noreferrer\" href=\"");
	bst_html_attr(b, m->url);
	bst_buf_printf(b, "\">%s</a></td></tr>", _("Join"));
}

static void render(struct bst_req *r, int status, const char *kind, const char *message,
		   const char *title)
{
	struct bst_app_info app;
	if (bst_app_info_get(&r->ctx, "meetings", &app) != BST_APP_OK) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_buf b, rows;
	bst_buf_init(&b);
	bst_buf_init(&rows);
	struct list l = {&rows, 0};
	enum bst_app_status st = bst_meetings_list(&r->ctx, row, &l);
	if (st != BST_APP_OK) {
		bst_buf_free(&rows);
		bst_buf_free(&b);
		bst_reply_error(r, bst_app_http_status(st), bst_app_code(st), _(bst_app_text(st)));
		return;
	}
	bst_page_begin(r, &b, _("Video meetings"));
	if (message)
		bst_page_notice(&b, kind, message);
	bst_buf_puts(&b, "<p class=\"hint\">");
	bst_buf server, where;
	bst_buf_init(&server);
	bst_buf_init(&where);
	bst_buf_puts(&server, "<code>");
	bst_html_txt(&server, app.url);
	bst_buf_puts(&server, "</code>");
	bst_html_txt(&where, app.hosting_msgid ? _(app.hosting) : app.hosting);
	/* TRANSLATORS: the first %s is the server's address, the second where
	 * it is hosted ("France (EU)") */
	bst_buf_printf(&b, _("Meetings take place on an external server, %s (%s)."),
		       bst_buf_str(&server), bst_buf_str(&where));
	bst_buf_free(&server);
	bst_buf_free(&where);
	bst_buf_printf(&b, " %s</p>",
		       _("Anyone with a meeting's link can join it: share it with care."));
	bst_buf_printf(&b, "<section aria-labelledby=\"h-start\"><h2 id=\"h-start\">%s</h2>",
		       _("Start a meeting"));
	bst_form_begin(r, &b, "/meetings");
	char extra[64];
	snprintf(extra, sizeof extra, "maxlength=\"%d\"", BST_MEETING_TITLE_MAX);
	bst_page_field(&b, "text", "title", _("Title (optional)"), title, extra);
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form></section>",
		       _("Start the meeting"));
	bst_buf_printf(&b, "<section aria-labelledby=\"h-list\"><h2 id=\"h-list\">%s</h2>",
		       _("Meetings of the last 24 hours"));
	if (l.n == 0) {
		bst_buf_printf(&b, "<p>%s</p>", _("No meeting was started in the last 24 hours."));
	} else {
		const char *caption = _("Meetings, newest first");
		bst_buf_puts(&b, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
		bst_html_attr(&b, caption);
		bst_buf_printf(&b,
			       "\"><table><caption>%s</caption><thead><tr>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "</tr></thead><tbody>",
			       caption, _("Title"), _("Started by"), _("When"),
			       _("Link"));
		bst_buf_cat(&b, &rows);
		bst_buf_puts(&b, "</tbody></table></div>");
	}
	bst_buf_puts(&b, "</section>");
	bst_buf_free(&rows);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_meetings(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		render(r, 200, NULL, NULL, NULL);
		return;
	}
	const char *title = bst_kv_get(&r->form, "title");
	struct bst_meeting m;
	enum bst_app_status st = bst_meeting_start(&r->ctx, title, &m);
	if (st == BST_APP_INVALID_TITLE) {
		render(r, 400, "error", _(bst_app_text(st)), title);
		return;
	}
	if (st != BST_APP_OK) {
		bst_reply_error(r, bst_app_http_status(st), bst_app_code(st), _(bst_app_text(st)));
		return;
	}
	bst_reply_redirect(r, "/meetings?notice=meeting-started");
}
