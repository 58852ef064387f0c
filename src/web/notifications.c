/* /notifications: what concerns me, newest first, the unread ones marked
 * (a badge with a word, not only a colour), each linking to what it is
 * about; POST marks one (action=read, id) or all shown so far
 * (action=read-all, upto) as read. Pages by a cursor (?before=id). */
#include "web/people.h"
#include "core/clock.h"
#include "social/notifications.h"

#include <stdlib.h>
#include <string.h>

#define NOTIFICATIONS_PER_PAGE 30

struct list {
	struct bst_req *r;
	bst_buf *b;
	int n;            /* rows seen, up to NOTIFICATIONS_PER_PAGE + 1 */
	int64_t first_id; /* newest shown */
	int64_t last_id;  /* oldest shown */
	int unread;
};

static void item(void *cls, const struct bst_notification_row *n)
{
	struct list *l = cls;
	if (++l->n > NOTIFICATIONS_PER_PAGE)
		return;
	if (!l->first_id)
		l->first_id = n->id;
	l->last_id = n->id;
	bst_buf *b = l->b;
	struct bst_req *r = l->r;
	bool unread = n->read_ms == 0;
	l->unread += unread;
	bst_buf_printf(b, "<li class=\"notification%s\" id=\"n-%lld\">", unread ? " unread" : "",
		       (long long)n->id);
	if (unread)
		bst_buf_printf(b, "<span class=\"badge\">%s</span> ", _("New"));
	bst_buf_puts(b, "<a href=\"");
	bst_html_attr(b, bst_notification_path(r->arena, n));
	/* the sentence's names are escaped by bst_notification_sentence */
	bst_buf_printf(b, "\">%s</a> ", bst_notification_sentence(r->arena, n, true));
	char when[64];
	bst_i18n_datetime(n->created_ms, when, sizeof when);
	char iso[40];
	bst_time_format_iso(n->created_ms, iso, sizeof iso);
	bst_buf_printf(b, "<time class=\"hint\" datetime=\"%s\">", iso);
	bst_html_txt(b, when);
	bst_buf_puts(b, "</time>");
	if (unread) {
		bst_form_begin(r, b, "/notifications");
		bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"read\">"
				  "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
				  "<button type=\"submit\" class=\"link\">%s</button></form>",
			       (long long)n->id, _("Mark as read"));
	}
	bst_buf_puts(b, "</li>");
}

static int64_t id_arg(const char *s)
{
	if (!s || !s[0] || strlen(s) > 18)
		return -1;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v < 0 ? -1 : v;
}

static void render(struct bst_req *r)
{
	int64_t before = 0;
	const char *before_s = bst_kv_get(&r->query, "before");
	if (before_s && (before = id_arg(before_s)) < 0) {
		bst_reply_error(r, 400, "bad_cursor", _("This page address is not valid."));
		return;
	}
	const char *unread_s = bst_kv_get(&r->query, "unread");
	bool unread_only = unread_s && strcmp(unread_s, "1") == 0;
	bst_buf b, items;
	bst_buf_init(&b);
	bst_buf_init(&items);
	struct list l = {r, &items, 0, 0, 0, 0};
	if (bst_notifications_list(&r->ctx, before, unread_only, NOTIFICATIONS_PER_PAGE + 1, item,
				   &l) != 0) {
		bst_buf_free(&items);
		bst_buf_free(&b);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_page_begin(r, &b, _("Notifications"));
	bst_buf_printf(&b, "<nav class=\"subnav\" aria-label=\"%s\"><ul>"
			   "<li><a href=\"/notifications\"%s>%s</a></li>"
			   "<li><a href=\"/notifications?unread=1\"%s>%s</a></li></ul></nav>",
		       _("Which notifications"), unread_only ? "" : " aria-current=\"page\"",
		       _("All"), unread_only ? " aria-current=\"page\"" : "", _("Unread"));
	if (l.n == 0) {
		bst_buf_printf(&b, "<p>%s</p>",
			       before ? _("There are no older notifications.")
			       : unread_only ? _("You have read all your notifications.")
					     : _("Nothing yet: you will find here mentions, comments "
						 "on your publications, replies and group news."));
	} else {
		if (l.unread && !before) {
			bst_form_begin(r, &b, "/notifications");
			bst_buf_printf(&b, "<input type=\"hidden\" name=\"action\" value=\"read-all\">"
					   "<input type=\"hidden\" name=\"upto\" value=\"%lld\">"
					   "<p><button type=\"submit\" class=\"secondary\">%s</button></p>"
					   "</form>",
				       (long long)l.first_id, _("Mark all as read"));
		}
		bst_buf_printf(&b, "<ul class=\"notifications\" aria-label=\"%s\">",
			       _("Notifications, newest first"));
		bst_buf_cat(&b, &items);
		bst_buf_puts(&b, "</ul>");
	}
	if (before || l.n > NOTIFICATIONS_PER_PAGE) {
		bst_buf_printf(&b, "<nav aria-label=\"%s\"><ul class=\"pager\">", _("Pages"));
		if (before)
			bst_buf_printf(&b, "<li><a href=\"/notifications%s\">%s</a></li>",
				       unread_only ? "?unread=1" : "", _("Newest"));
		if (l.n > NOTIFICATIONS_PER_PAGE)
			bst_buf_printf(&b, "<li><a rel=\"next\" href=\"/notifications?before=%lld%s\">"
					   "%s</a></li>",
				       (long long)l.last_id, unread_only ? "&amp;unread=1" : "",
				       _("Older"));
		bst_buf_puts(&b, "</ul></nav>");
	}
	bst_buf_free(&items);
	bst_page_end(r, &b);
	bst_reply_html(r, 200, &b);
}

void bst_page_notifications(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		render(r);
		return;
	}
	const char *action = bst_kv_get(&r->form, "action");
	int rc = -1;
	if (action && strcmp(action, "read") == 0) {
		int64_t id = id_arg(bst_kv_get(&r->form, "id"));
		if (id <= 0) {
			bst_reply_error(r, 400, "bad_id", _("This notification does not exist."));
			return;
		}
		rc = bst_notifications_mark_read(&r->ctx, id) < 0 ? -1 : 0;
	} else if (action && strcmp(action, "read-all") == 0) {
		const char *upto_s = bst_kv_get(&r->form, "upto");
		int64_t upto = upto_s ? id_arg(upto_s) : 0;
		if (upto < 0) {
			bst_reply_error(r, 400, "bad_id", _("This notification does not exist."));
			return;
		}
		rc = bst_notifications_mark_all_read(&r->ctx, upto) < 0 ? -1 : 0;
	} else {
		bst_reply_error(r, 400, "bad_action",
				_("This form asks for an action that does not exist."));
		return;
	}
	if (rc != 0) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_reply_redirect(r, "/notifications");
}
