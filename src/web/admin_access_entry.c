/* /admin/access-log/{seq}: one entry of the access log, every field, for
 * the platform's administrators. Reading it is itself an entry. */
#include "web/admin.h"
#include "audit/log.h"
#include "core/clock.h"

#include <stdlib.h>

struct shown {
	struct bst_req *r;
	bst_buf *b;
	struct bst_audit_names names;
};

static void item(bst_buf *b, const char *label, const char *value)
{
	bst_buf_puts(b, "<dt>");
	bst_html_txt(b, label);
	bst_buf_puts(b, "</dt><dd>");
	bst_html_txt(b, value);
	bst_buf_puts(b, "</dd>");
}

static void item_int(bst_buf *b, const char *label, int64_t v)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)v);
	item(b, label, text);
}

static int show(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	struct shown *s = cls;
	bst_buf *b = s->b;
	char at[40];
	bst_time_format_iso(e->at_ms, at, sizeof at);
	bst_buf_puts(b, "<dl class=\"entry\">");
	item_int(b, _("Entry number"), e->seq);
	item(b, _("Time (UTC)"), at);
	item(b, _("Kind"), e->kind == BST_TRAIL_EVENT ? _("Security event") : _("Request"));
	item(b, _("User"), bst_audit_name(&s->names, e->user_id));
	item(b, _("Actor"), e->actor);
	item(b, _("Session reference"), e->session_ref);
	item(b, _("Client address"), e->client_addr);
	if (e->kind == BST_TRAIL_EVENT) {
		item(b, _("Event"), e->event);
		item(b, _("Target"), e->target);
		item(b, _("Details"), e->details);
	} else {
		item(b, _("Method"), e->method);
		item(b, _("Path"), e->path);
		item_int(b, _("Status"), e->status);
		item_int(b, _("Bytes sent"), e->bytes);
		item_int(b, _("Duration (ms)"), e->duration_ms);
		item(b, _("User agent"), e->user_agent);
	}
	item(b, _("Hash"), hash);
	bst_buf_puts(b, "</dl>");
	return 1;
}

void bst_page_admin_access_entry(struct bst_req *r)
{
	char *end;
	long long seq = strtoll(r->params[0], &end, 10);
	if (!r->params[0][0] || *end || seq <= 0) {
		bst_reply_error(r, 404, bst_alog_code(BST_ALOG_NOT_FOUND), _(bst_alog_text(BST_ALOG_NOT_FOUND)));
		return;
	}
	bst_buf body;
	bst_buf_init(&body);
	struct shown s = {r, &body};
	bst_audit_names_init(&s.names, r->ctx.platform->main);
	enum bst_alog_status st = bst_audit_log_entry(&r->ctx, seq, show, &s);
	if (st != BST_ALOG_OK) {
		bst_buf_free(&body);
		bst_reply_error(r, bst_alog_http_status(st), bst_alog_code(st), _(bst_alog_text(st)));
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	char title[64];
	/* TRANSLATORS: the title of one entry's page; %lld is its number */
	snprintf(title, sizeof title, _("Access log entry %lld"), seq);
	bst_page_begin(r, &b, title);
	bst_page_admin_nav(r, &b, "access-log");
	bst_buf_cat(&b, &body);
	bst_buf_free(&body);
	bst_buf_printf(&b, "<p><a href=\"/admin/access-log\">%s</a></p>", _("Back to the access log"));
	bst_page_end(r, &b);
	bst_reply_html(r, 200, &b);
}
