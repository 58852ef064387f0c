/* /admin/access-log: the platform's access log for its administrators,
 * newest first, with filters (user, address, event or path, status class,
 * dates) and a cursor; links to each entry and to the CSV and JSON
 * exports of the filtered view; and the "Verify integrity" button
 * (POST /admin/access-log/verify), which says what it found. Reading the
 * page is itself an entry of the log (src/audit/log.h). */
#include "web/admin.h"
#include "audit/log.h"
#include "core/clock.h"

#include <string.h>

#define ENTRIES_PER_PAGE 50

void bst_page_access_log_args(struct bst_req *r, struct bst_audit_filter_args *a)
{
	a->user = bst_kv_get(&r->query, "user");
	a->addr = bst_kv_get(&r->query, "addr");
	a->what = bst_kv_get(&r->query, "what");
	a->status = bst_kv_get(&r->query, "status");
	a->from = bst_kv_get(&r->query, "from");
	a->to = bst_kv_get(&r->query, "to");
	a->cursor = bst_kv_get(&r->query, "cursor");
}

/* The filters as a query string ("user=...&status=4xx"), escaped for an
 * attribute: the export links and the next page keep them. */
static void filter_query(bst_buf *b, const struct bst_audit_filter_args *a)
{
	const char *names[] = {"user", "addr", "what", "status", "from", "to"};
	const char *values[] = {a->user, a->addr, a->what, a->status, a->from, a->to};
	bool first = true;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (!values[i] || !values[i][0])
			continue;
		/* &amp; in an attribute is the HTML spelling of & */
		bst_buf_printf(b, "%s%s=", first ? "" : "&amp;", names[i]);
		bst_html_url_arg(b, values[i]);
		first = false;
	}
}

static bool any_filter(const struct bst_audit_filter_args *a)
{
	const char *values[] = {a->user, a->addr, a->what, a->status, a->from, a->to};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++)
		if (values[i] && values[i][0])
			return true;
	return false;
}

struct list {
	bst_buf *b;
	int n;
	int64_t last_seq, last_at;
	struct bst_audit_names names;
};

/* What an entry is about, in one cell: "GET /path" or "event target". */
static void what_cell(bst_buf *b, const struct bst_trail_entry *e)
{
	if (e->kind == BST_TRAIL_EVENT) {
		bst_buf_puts(b, "<code>");
		bst_html_txt(b, e->event);
		bst_buf_puts(b, "</code> ");
		bst_html_txt(b, e->target);
	} else {
		bst_html_txt(b, e->method);
		bst_buf_puts(b, " <code>");
		bst_html_txt(b, e->path);
		bst_buf_puts(b, "</code>");
	}
}

static int row(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	(void)hash;
	struct list *l = cls;
	/* one row more than a page is fetched to know whether a next page exists */
	if (++l->n > ENTRIES_PER_PAGE)
		return 1;
	l->last_seq = e->seq;
	l->last_at = e->at_ms;
	bst_buf *b = l->b;
	char at[40];
	bst_time_format_iso(e->at_ms, at, sizeof at);
	bst_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/admin/access-log/%lld\">%s</a></th><td>",
		       (long long)e->seq, at);
	const char *who = bst_audit_name(&l->names, e->user_id);
	bst_html_txt(b, who[0] ? who : e->actor[0] ? e->actor : _("anonymous"));
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, e->client_addr);
	bst_buf_puts(b, "</td><td>");
	what_cell(b, e);
	bst_buf_puts(b, "</td><td>");
	if (e->kind == BST_TRAIL_ACCESS)
		bst_buf_printf(b, "%lld", (long long)e->status);
	bst_buf_puts(b, "</td></tr>");
	return 0;
}

static void status_option(bst_buf *b, const char *value, const char *label, const char *current)
{
	bst_buf_printf(b, "<option value=\"%s\"%s>%s</option>", value,
		       current && strcmp(current, value) == 0 ? " selected" : "", label);
}

static void filter_form(struct bst_req *r, bst_buf *b, const struct bst_audit_filter_args *a)
{
	bst_buf_printf(b, "<form method=\"get\" action=\"/admin/access-log\" role=\"search\" "
			  "aria-label=\"%s\">",
		       _("Filter the access log"));
	bst_page_field(b, "email", "user", _("User (e-mail address)"), a->user, "autocomplete=\"off\"");
	bst_page_field(b, "text", "addr", _("Client address"), a->addr, "maxlength=\"64\"");
	bst_page_field(b, "text", "what", _("Event name or path prefix"), a->what,
		       "maxlength=\"1000\" aria-describedby=\"h-what\"");
	bst_buf_printf(b, "<p class=\"hint\" id=\"h-what\">%s</p>",
		       _("An event name such as auth.login, or a path starting with /."));
	bst_buf_printf(b, "<p class=\"field\"><label for=\"f-status\">%s</label>"
			  "<select id=\"f-status\" name=\"status\">",
		       _("Status"));
	status_option(b, "", _("Any"), a->status);
	status_option(b, "2xx", "2xx", a->status);
	status_option(b, "3xx", "3xx", a->status);
	status_option(b, "4xx", "4xx", a->status);
	status_option(b, "5xx", "5xx", a->status);
	bst_buf_puts(b, "</select></p>");
	bst_page_field(b, "date", "from", _("From (UTC date)"), a->from, NULL);
	bst_page_field(b, "date", "to", _("To (UTC date, included)"), a->to, NULL);
	bst_buf_printf(b, "<p><button type=\"submit\">%s</button> <a href=\"/admin/access-log\">%s</a></p></form>",
		       _("Filter"), _("Clear the filters"));
}

/* The page; notice_kind/notice may be NULL. */
static void render(struct bst_req *r, int status, const char *notice_kind, const char *notice)
{
	struct bst_audit_filter_args a;
	bst_page_access_log_args(r, &a);
	bst_buf rows;
	bst_buf_init(&rows);
	struct list l = {.b = &rows};
	bst_audit_names_init(&l.names, r->ctx.platform->main);
	enum bst_alog_status st =
		bst_audit_log_list(&r->ctx, &a, ENTRIES_PER_PAGE + 1, row, &l);
	bool bad_filter = st != BST_ALOG_OK && bst_alog_http_status(st) == 400;
	if (st != BST_ALOG_OK && !bad_filter) {
		bst_buf_free(&rows);
		bst_reply_error(r, bst_alog_http_status(st), bst_alog_code(st), _(bst_alog_text(st)));
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Access log"));
	bst_page_admin_nav(r, &b, "access-log");
	if (notice)
		bst_page_notice(&b, notice_kind, notice);
	if (bad_filter) {
		bst_page_notice(&b, "error", _(bst_alog_text(st)));
		status = 400;
	}
	bst_buf_printf(&b, "<p>%s</p>",
		       _("Every request to this platform and every security event, kept for the "
			 "retention period, in a chain that shows any change. Reading this log is "
			 "itself recorded in it."));
	filter_form(r, &b, &a);

	bool filtered = any_filter(&a);
	bst_buf_printf(&b, "<ul class=\"actions\"><li><a href=\"/admin/access-log.csv%s",
		       filtered ? "?" : "");
	filter_query(&b, &a);
	bst_buf_printf(&b, "\" download>%s</a></li><li><a href=\"/admin/access-log.json%s",
		       _("Export as CSV"), filtered ? "?" : "");
	filter_query(&b, &a);
	bst_buf_printf(&b, "\" download>%s</a></li></ul>", _("Export as JSON"));
	bst_form_begin(r, &b, "/admin/access-log/verify");
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>",
		       _("Verify integrity"));

	if (bad_filter) {
		/* nothing listed under a filter that was not understood */
	} else if (l.n == 0) {
		bst_buf_printf(&b, "<p>%s</p>", _("No entry matches these filters."));
	} else {
		bst_buf_printf(&b, "<table><caption>%s</caption><thead><tr>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th></tr></thead><tbody>",
			       _("Access log entries, newest first (times in UTC)"), _("Time"),
			       _("User"), _("Address"), _("Request or event"), _("Status"));
		bst_buf_puts(&b, bst_buf_str(&rows));
		bst_buf_puts(&b, "</tbody></table>");
	}
	bst_buf_free(&rows);
	if ((a.cursor && a.cursor[0]) || l.n > ENTRIES_PER_PAGE) {
		bst_buf_printf(&b, "<nav aria-label=\"%s\"><ul class=\"pager\">", _("Pages"));
		if (a.cursor && a.cursor[0]) {
			bst_buf_printf(&b, "<li><a href=\"/admin/access-log%s", filtered ? "?" : "");
			filter_query(&b, &a);
			bst_buf_printf(&b, "\">%s</a></li>", _("First page"));
		}
		if (l.n > ENTRIES_PER_PAGE) {
			char cursor[48];
			bst_audit_cursor_format(l.last_seq, l.last_at, cursor);
			bst_buf_printf(&b, "<li><a rel=\"next\" href=\"/admin/access-log?cursor=%s", cursor);
			if (filtered)
				bst_buf_puts(&b, "&amp;");
			filter_query(&b, &a);
			bst_buf_printf(&b, "\">%s</a></li>", _("Older entries"));
		}
		bst_buf_puts(&b, "</ul></nav>");
	}
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_admin_access_log(struct bst_req *r)
{
	render(r, 200, NULL, NULL);
}

void bst_page_admin_access_verify(struct bst_req *r)
{
	struct bst_audit_verdict v;
	enum bst_alog_status st = bst_audit_log_verify(&r->ctx, &v);
	if (st != BST_ALOG_OK) {
		bst_reply_error(r, bst_alog_http_status(st), bst_alog_code(st), _(bst_alog_text(st)));
		return;
	}
	bst_buf msg;
	bst_buf_init(&msg);
	if (v.ok) {
		bst_buf_printf(&msg,
			       _("The access log is intact: %lld entries recomputed, %lld signed "
				 "checkpoints checked."),
			       (long long)v.entries, (long long)v.checkpoints);
	} else {
		char at[40] = "?";
		if (v.broken_at_ms)
			bst_time_format_iso(v.broken_at_ms, at, sizeof at);
		/* TRANSLATORS: %1$lld is an entry number, %2$s its time, %3$s the
		 * reason (in English, as the command line prints it) */
		bst_buf_printf(&msg, _("The access log is BROKEN at entry %1$lld (%2$s): %3$s"),
			       (long long)v.broken_seq, at, v.reason);
	}
	render(r, v.ok ? 200 : 409, v.ok ? "ok" : "error",
	       bst_arena_strdup(r->arena, bst_buf_str(&msg)));
	bst_buf_free(&msg);
}
