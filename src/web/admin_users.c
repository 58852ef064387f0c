/* /admin/users: the platform's people, searchable and paged by id (a
 * cursor, so that pages hold still while accounts are added), and the form
 * that creates an account and mails its invitation. */
#include "web/admin.h"
#include "auth/account.h"

#include <stdlib.h>
#include <string.h>

#define USERS_PER_PAGE 50

struct list {
	bst_buf *b;
	int n;           /* rows seen, up to USERS_PER_PAGE + 1 */
	int64_t last_id; /* of the last row shown */
};

static const char *role_label(const char *role)
{
	return strcmp(role, "admin") == 0 ? _("Administrator") : _("Member");
}

static const char *status_label(const char *status)
{
	if (strcmp(status, "active") == 0)
		return _("Active");
	if (strcmp(status, "invited") == 0)
		return _("Invited");
	return _("Disabled");
}

static void row(void *cls, const struct bst_user_row *u)
{
	struct list *l = cls;
	/* one row more than a page is fetched to know whether a next page exists */
	if (++l->n > USERS_PER_PAGE)
		return;
	l->last_id = u->id;
	bst_buf *b = l->b;
	bst_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/admin/users/%lld\">", (long long)u->id);
	bst_html_txt(b, u->name);
	bst_buf_puts(b, "</a></th><td>");
	bst_html_txt(b, u->email);
	bst_buf_printf(b, "</td><td>%s</td><td>", role_label(u->role));
	if (u->locked_ms)
		/* TRANSLATORS: %s is an account status such as "Active" */
		bst_buf_printf(b, _("%s (locked)"), status_label(u->status));
	else
		bst_buf_puts(b, status_label(u->status));
	bst_buf_printf(b, "</td><td>%s</td></tr>", u->totp_enabled ? C_("second factor", "On") : C_("second factor", "Off"));
}

static void create_form(struct bst_req *r, bst_buf *b, const char *email, const char *name,
			const char *role)
{
	bool admin = role && strcmp(role, "admin") == 0;
	bst_buf_printf(b, "<section aria-labelledby=\"h-invite\"><h2 id=\"h-invite\">%s</h2>"
			  "<p class=\"hint\">%s</p>",
		       _("Create an account"),
		       _("The person receives an e-mail with a link, valid 72 hours, to choose a "
			 "password and activate the account."));
	bst_form_begin(r, b, "/admin/users");
	bst_page_field(b, "email", "email", _("E-mail address"), email,
		       "autocomplete=\"off\" required");
	bst_page_field(b, "text", "name", _("Name"), name, "maxlength=\"200\" required");
	bst_buf_printf(b, "<p class=\"field\"><label for=\"f-role\">%s</label>"
			  "<select id=\"f-role\" name=\"role\">"
			  "<option value=\"member\"%s>%s</option>"
			  "<option value=\"admin\"%s>%s</option></select></p>",
		       _("Role"), admin ? "" : " selected", _("Member"), admin ? " selected" : "",
		       _("Administrator"));
	bst_buf_printf(b, "<p><button type=\"submit\">%s</button></p></form></section>",
		       _("Create and send the invitation"));
}

/* The page. notice_kind/notice may be NULL; the create form is refilled
 * with email, name and role after an error. */
static void render(struct bst_req *r, int status, const char *notice_kind, const char *notice,
		   const char *email, const char *name, const char *role)
{
	struct bst_ctx *c = &r->ctx;
	const char *q = bst_kv_get(&r->query, "q");
	if (q && !q[0])
		q = NULL;
	int64_t after = 0;
	const char *after_s = bst_kv_get(&r->query, "after");
	if (after_s) {
		char *end;
		long long v = strtoll(after_s, &end, 10);
		if (!after_s[0] || *end || v < 0) {
			bst_reply_error(r, 400, "bad_cursor", _("This page address is not valid."));
			return;
		}
		after = v;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Users"));
	bst_page_admin_nav(r, &b, "users");
	if (notice)
		bst_page_notice(&b, notice_kind, notice);

	bst_buf_printf(&b, "<form method=\"get\" action=\"/admin/users\" role=\"search\">"
			   "<p class=\"field\"><label for=\"f-q\">%s</label>"
			   "<input type=\"search\" id=\"f-q\" name=\"q\" value=\"",
		       _("Search by name or e-mail"));
	bst_html_attr(&b, q ? q : "");
	bst_buf_printf(&b, "\"></p><p><button type=\"submit\">%s</button></p></form>", _("Search"));

	bst_buf rows;
	bst_buf_init(&rows);
	struct list l = {&rows, 0, 0};
	if (bst_q_user_list(c->platform->main, q, after, USERS_PER_PAGE + 1, row, &l) < 0) {
		bst_buf_free(&rows);
		bst_buf_free(&b);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	if (l.n == 0) {
		bst_buf_printf(&b, "<p>%s</p>", q ? _("No account matches this search.")
						   : _("There are no more accounts."));
	} else {
		bst_buf_printf(&b, "<table><caption>%s</caption><thead><tr>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th></tr></thead><tbody>",
			       q ? _("Accounts matching the search") : _("Accounts"), _("Name"),
			       _("E-mail address"), _("Role"), _("Status"), _("Second factor"));
		bst_buf_puts(&b, bst_buf_str(&rows));
		bst_buf_puts(&b, "</tbody></table>");
	}
	bst_buf_free(&rows);
	if (after || l.n > USERS_PER_PAGE) {
		bst_buf_printf(&b, "<nav aria-label=\"%s\"><ul class=\"pager\">", _("Pages"));
		if (after) {
			bst_buf_puts(&b, "<li><a href=\"/admin/users");
			if (q) {
				bst_buf_puts(&b, "?q=");
				bst_html_url_arg(&b, q);
			}
			bst_buf_printf(&b, "\">%s</a></li>", _("First page"));
		}
		if (l.n > USERS_PER_PAGE) {
			bst_buf_printf(&b, "<li><a rel=\"next\" href=\"/admin/users?after=%lld",
				       (long long)l.last_id);
			if (q) {
				/* &amp; in an attribute is the HTML spelling of & */
				bst_buf_puts(&b, "&amp;q=");
				bst_html_url_arg(&b, q);
			}
			bst_buf_printf(&b, "\">%s</a></li>", _("Next page"));
		}
		bst_buf_puts(&b, "</ul></nav>");
	}
	create_form(r, &b, email, name, role);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void create(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	const char *email = bst_req_arg(r, "email");
	const char *name = bst_req_arg(r, "name");
	const char *role = bst_req_arg(r, "role");
	char link[BST_LINK_MAX];
	enum bst_account_status st =
		bst_account_create(c, email, name, role ? role : "member", link);
	/* the link reaches the invitee by mail only (or the server log) */
	memset(link, 0, sizeof link);
	if (st != BST_ACC_OK) {
		render(r, bst_account_http_status(st), "error", _(bst_account_text(st)), email,
		       name, role);
		return;
	}
	bst_buf msg;
	bst_buf_init(&msg);
	bst_buf_printf(&msg, _("The account is created and the invitation was sent by e-mail to %s."),
		       email);
	if (!c->config->smtp_url[0]) {
		bst_buf_putc(&msg, ' ');
		bst_buf_puts(&msg, _("No mail relay is configured on this server: the message, with "
				     "its link, is written to the server's log instead."));
	}
	render(r, 200, "ok", bst_arena_strdup(r->arena, bst_buf_str(&msg)), NULL, NULL, NULL);
	bst_buf_free(&msg);
}

void bst_page_admin_users(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		create(r);
	else
		render(r, 200, NULL, NULL, NULL, NULL, NULL);
}
