/* /people/{id}: a person's profile (picture, job, department, location,
 * how to reach them, the biography rendered from Markdown); and the
 * pieces the people pages share (see people.h). */
#include "web/people.h"
#include "core/markdown.h"

#include <stdlib.h>
#include <string.h>

int64_t bst_page_path_id(struct bst_req *r, int i)
{
	const char *s = r->params[i];
	if (!s || !s[0] || strlen(s) > 18)
		return 0;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	long long v = strtoll(s, NULL, 10);
	return v > 0 ? v : 0;
}

void bst_page_profile_error(struct bst_req *r, enum bst_profile_status st)
{
	bst_reply_error(r, bst_profile_http_status(st), bst_profile_code(st),
			_(bst_profile_text(st)));
}

/* Up to two initials: the first character of the first two words (whole
 * UTF-8 sequences). */
static void initials(bst_buf *b, const char *name)
{
	int words = 0;
	bool start = true;
	for (const unsigned char *p = (const unsigned char *)name; *p && words < 2; p++) {
		if (*p == ' ') {
			start = true;
			continue;
		}
		if (!start || (*p & 0xc0) == 0x80)
			continue;
		size_t n = 1;
		while (p[n] && (p[n] & 0xc0) == 0x80)
			n++;
		char one[8];
		snprintf(one, sizeof one, "%.*s", (int)(n < 7 ? n : 7), (const char *)p);
		bst_html_txt(b, one);
		words++;
		start = false;
	}
}

void bst_page_person_picture(bst_buf *b, const struct bst_profile_row *p, int size_px)
{
	if (p->avatar_ms) {
		/* the time makes a changed picture a new address for caches */
		bst_buf_printf(b,
			       "<img class=\"avatar\" src=\"/people/%lld/avatar?v=%lld\" alt=\"\" "
			       "width=\"%d\" height=\"%d\">",
			       (long long)p->id, (long long)p->avatar_ms, size_px, size_px);
		return;
	}
	bst_buf_printf(b, "<span class=\"avatar avatar-initials avatar-%d\" aria-hidden=\"true\">",
		       size_px);
	initials(b, p->name);
	bst_buf_puts(b, "</span>");
}

/* One row of the description list, skipped when value is empty. link_kind:
 * NULL (text), "filter" (a directory filter on param), "mailto" or "tel". */
static void item(bst_buf *b, const char *label, const char *value, const char *link_kind,
		 const char *param)
{
	if (!value[0])
		return;
	bst_buf_printf(b, "<dt>%s</dt><dd>", label);
	if (!link_kind) {
		bst_html_txt(b, value);
	} else {
		bst_buf_puts(b, "<a href=\"");
		if (strcmp(link_kind, "filter") == 0) {
			bst_buf_printf(b, "/people?%s=", param);
			bst_html_url_arg(b, value);
		} else if (strcmp(link_kind, "mailto") == 0) {
			bst_buf_puts(b, "mailto:");
			bst_html_attr(b, value);
		} else {
			/* tel: keeps digits and + only */
			bst_buf_puts(b, "tel:");
			for (const char *c = value; *c; c++)
				if ((*c >= '0' && *c <= '9') || *c == '+')
					bst_buf_putc(b, *c);
		}
		bst_buf_puts(b, "\">");
		bst_html_txt(b, value);
		bst_buf_puts(b, "</a>");
	}
	bst_buf_puts(b, "</dd>");
}

void bst_page_profile(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	int64_t id = bst_page_path_id(r, 0);
	struct bst_profile_row *p = bst_arena_alloc(r->arena, sizeof *p);
	enum bst_profile_status st = id ? bst_profile_get(c, id, p) : BST_PROFILE_NOT_FOUND;
	if (st != BST_PROFILE_OK) {
		bst_page_profile_error(r, st);
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, p->name);
	bst_buf_puts(&b, "<div class=\"profile\"><div class=\"profile-picture\">");
	bst_page_person_picture(&b, p, 128);
	bst_buf_puts(&b, "</div><div class=\"profile-main\">");
	if (p->job_title[0]) {
		bst_buf_puts(&b, "<p class=\"lead\">");
		bst_html_txt(&b, p->job_title);
		bst_buf_puts(&b, "</p>");
	}
	if (strcmp(p->status, "active") != 0)
		bst_page_notice(&b, "info",
				strcmp(p->status, "invited") == 0
					? _("This account is invited and not yet activated.")
					: _("This account is disabled."));
	bst_buf_puts(&b, "<dl class=\"facts\">");
	item(&b, _("Department"), p->department, "filter", "department");
	item(&b, _("Location"), p->location, "filter", "location");
	item(&b, _("E-mail address"), p->email, "mailto", NULL);
	item(&b, _("Phone"), p->phone, "tel", NULL);
	bst_buf_puts(&b, "</dl>");
	if (bst_profile_may_edit(c, id))
		bst_buf_printf(&b, "<p><a class=\"button secondary\" href=\"/people/%lld/edit\">%s</a></p>",
			       (long long)id,
			       c->user.id == id ? _("Edit my profile") : _("Edit this profile"));
	bst_buf_puts(&b, "</div></div>");
	if (p->bio[0]) {
		bst_buf_printf(&b, "<section aria-labelledby=\"h-bio\" class=\"bio\">"
				   "<h2 id=\"h-bio\">%s</h2><div class=\"md\">",
			       _("About"));
		bst_markdown_render(p->bio, &b);
		bst_buf_puts(&b, "</div></section>");
	}
	bst_buf_printf(&b, "<p><a href=\"/people\">%s</a></p>", _("Back to the directory"));
	bst_page_end(r, &b);
	bst_reply_html(r, 200, &b);
}
