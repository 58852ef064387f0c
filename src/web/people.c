/* /people: the platform's directory. Search by name, e-mail or job title,
 * filter by department and location, pages by a cursor (the id of the
 * last person shown: the order is by name, and pages hold still while
 * people join). */
#include "web/people.h"

#include <stdlib.h>
#include <string.h>

#define PEOPLE_PER_PAGE 50

struct list {
	bst_buf *b;
	int n;           /* rows seen, up to PEOPLE_PER_PAGE + 1 */
	int64_t last_id; /* of the last row shown */
};

static void row(void *cls, const struct bst_profile_row *p)
{
	struct list *l = cls;
	/* one row more than a page is fetched to know whether a next page exists */
	if (++l->n > PEOPLE_PER_PAGE)
		return;
	l->last_id = p->id;
	bst_buf *b = l->b;
	bst_buf_puts(b, "<tr><th scope=\"row\"><span class=\"person\">");
	bst_page_person_picture(b, p, 32);
	bst_buf_printf(b, "<a href=\"/people/%lld\">", (long long)p->id);
	bst_html_txt(b, p->name);
	bst_buf_puts(b, "</a></span></th><td>");
	bst_html_txt(b, p->job_title);
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, p->department);
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, p->location);
	bst_buf_puts(b, "</td><td><a href=\"mailto:");
	bst_html_attr(b, p->email);
	bst_buf_puts(b, "\">");
	bst_html_txt(b, p->email);
	bst_buf_puts(b, "</a></td></tr>");
}

struct facet {
	bst_buf *b;
	const char *selected;
};

static void option(void *cls, const char *value)
{
	struct facet *f = cls;
	bst_buf_puts(f->b, "<option value=\"");
	bst_html_attr(f->b, value);
	bst_buf_puts(f->b, f->selected && strcmp(f->selected, value) == 0 ? "\" selected>" : "\">");
	bst_html_txt(f->b, value);
	bst_buf_puts(f->b, "</option>");
}

/* A select of the known values of column, "" meaning any. */
static int facet_select(struct bst_req *r, bst_buf *b, const char *column, const char *label,
			const char *selected)
{
	bst_buf_printf(b, "<p class=\"field\"><label for=\"f-%s\">%s</label>"
			  "<select id=\"f-%s\" name=\"%s\"><option value=\"\">%s</option>",
		       column, label, column, column, _("Any"));
	struct facet f = {b, selected};
	if (bst_profile_facets(&r->ctx, column, option, &f) != BST_PROFILE_OK)
		return -1;
	bst_buf_puts(b, "</select></p>");
	return 0;
}

/* The query string of the current filters ("" when none), "&amp;"-joined
 * for an attribute, starting with sep. */
static void filters_arg(bst_buf *b, const char *sep, const char *q, const char *dept,
			const char *loc)
{
	const char *names[] = {"q", "department", "location"};
	const char *values[] = {q, dept, loc};
	for (int i = 0; i < 3; i++) {
		if (!values[i])
			continue;
		bst_buf_printf(b, "%s%s=", sep, names[i]);
		bst_html_url_arg(b, values[i]);
		sep = "&amp;";
	}
}

static const char *arg(struct bst_req *r, const char *name)
{
	const char *v = bst_kv_get(&r->query, name);
	return v && v[0] ? v : NULL;
}

void bst_page_people(struct bst_req *r)
{
	const char *q = arg(r, "q");
	const char *dept = arg(r, "department");
	const char *loc = arg(r, "location");
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
	bst_buf b, rows;
	bst_buf_init(&b);
	bst_buf_init(&rows);
	bst_page_begin(r, &b, _("People"));
	bst_buf_printf(&b, "<form method=\"get\" action=\"/people\" role=\"search\" "
			   "class=\"filters\" aria-label=\"%s\">",
		       _("Search the directory"));
	bst_page_field(&b, "search", "q", _("Name, e-mail or job title"), q, NULL);
	if (facet_select(r, &b, "department", _("Department"), dept) != 0 ||
	    facet_select(r, &b, "location", _("Location"), loc) != 0)
		goto fail;
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>", _("Search"));

	struct list l = {&rows, 0, 0};
	struct bst_q_profile_filter f = {q, dept, loc, false};
	if (bst_profile_list(&r->ctx, &f, after, PEOPLE_PER_PAGE + 1, row, &l) != BST_PROFILE_OK)
		goto fail;
	bool filtered = q || dept || loc;
	if (l.n == 0) {
		bst_buf_printf(&b, "<p>%s</p>", filtered ? _("Nobody matches this search.")
							: _("There is nobody more to show."));
	} else {
		const char *caption = filtered ? _("People matching the search") : _("People");
		bst_buf_puts(&b, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
		bst_html_attr(&b, caption);
		bst_buf_printf(&b, "\"><table><caption>%s</caption><thead><tr>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th></tr></thead><tbody>",
			       caption, _("Name"), _("Job title"), _("Department"), _("Location"),
			       _("E-mail address"));
		bst_buf_puts(&b, bst_buf_str(&rows));
		bst_buf_puts(&b, "</tbody></table></div>");
	}
	if (after || l.n > PEOPLE_PER_PAGE) {
		bst_buf_printf(&b, "<nav aria-label=\"%s\"><ul class=\"pager\">", _("Pages"));
		if (after) {
			bst_buf_puts(&b, "<li><a href=\"/people");
			filters_arg(&b, "?", q, dept, loc);
			bst_buf_printf(&b, "\">%s</a></li>", _("First page"));
		}
		if (l.n > PEOPLE_PER_PAGE) {
			bst_buf_printf(&b, "<li><a rel=\"next\" href=\"/people?after=%lld",
				       (long long)l.last_id);
			filters_arg(&b, "&amp;", q, dept, loc);
			bst_buf_printf(&b, "\">%s</a></li>", _("Next page"));
		}
		bst_buf_puts(&b, "</ul></nav>");
	}
	bst_buf_free(&rows);
	bst_page_end(r, &b);
	bst_reply_html(r, 200, &b);
	return;
fail:
	bst_buf_free(&rows);
	bst_buf_free(&b);
	bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
}
