/* /posts/{id}/edit: the author's edit form for a publication (its text
 * and its attached documents), and its earlier versions, which the author
 * and platform administrators see (the latter read them here without the
 * form). Others: 403, or 404 for what they may not read. */
#include "web/posts.h"
#include "core/clock.h"

#include <string.h>

struct versions {
	bst_buf *b;
	int n;
};

static void version(void *cls, const struct bst_version_row *v)
{
	struct versions *l = cls;
	char iso[40], human[64];
	bst_time_format_iso(v->created_ms, iso, sizeof iso);
	bst_i18n_datetime(v->created_ms, human, sizeof human);
	bst_buf date;
	bst_buf_init(&date);
	bst_buf_printf(&date, "<time datetime=\"%s\">", iso);
	bst_html_txt(&date, human);
	bst_buf_puts(&date, "</time>");
	bst_buf_puts(l->b, "<li><p class=\"post-meta\">");
	/* TRANSLATORS: %s is a date; the text below was replaced then */
	bst_buf_printf(l->b, _("Replaced on %s"), bst_buf_str(&date));
	bst_buf_free(&date);
	if (v->editor_name[0]) {
		bst_buf_puts(l->b, " · ");
		bst_html_txt(l->b, v->editor_name);
	}
	bst_buf_puts(l->b, "</p><pre class=\"md-source\">");
	bst_html_txt(l->b, v->body);
	bst_buf_puts(l->b, "</pre></li>");
	l->n++;
}

static void render(struct bst_req *r, int64_t id, int status, const char *draft,
		   const char *error)
{
	struct bst_ctx *c = &r->ctx;
	struct bst_post p;
	enum bst_post_status st = bst_post_get(c, id, &p);
	if (st == BST_POST_OK && !p.can_edit && !p.can_see_versions)
		st = BST_POST_FORBIDDEN;
	if (st != BST_POST_OK) {
		bst_page_post_error(r, st);
		return;
	}
	bst_buf vb;
	bst_buf_init(&vb);
	struct versions v = {&vb, 0};
	if (p.can_see_versions && bst_post_versions(c, id, version, &v) != BST_POST_OK) {
		bst_buf_free(&vb);
		bst_page_post_error(r, BST_POST_ERROR);
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b,
		       p.can_edit ? _("Edit the publication") : _("Earlier versions"));
	bst_buf_printf(&b, "<p><a href=\"/posts/%lld\">%s</a></p>", (long long)id,
		       _("Back to the publication"));
	if (p.can_edit) {
		if (error)
			bst_page_notice(&b, "error", error);
		bst_form_begin(
		    r, &b, bst_arena_printf(r->arena, "/posts/%lld/edit", (long long)id));
		bst_buf_printf(
		    &b,
		    "<p class=\"field\"><label for=\"f-body\">%s</label>"
		    "<textarea id=\"f-body\" name=\"body\" rows=\"10\" required "
		    "aria-describedby=\"f-body-hint\"%s>",
		    _("Your publication"), error ? " aria-invalid=\"true\"" : "");
		bst_html_txt(&b, draft ? draft : p.row.body);
		bst_buf_printf(
		    &b,
		    "</textarea><span class=\"hint\" id=\"f-body-hint\">%s</span></p>",
		    _("The current text is kept as an earlier version, which you and the "
		      "platform's administrators can see."));
		/* after a refusal, the boxes as they were sent; else as they are */
		size_t n_checked = 0;
		const int64_t *checked =
		    error ? bst_page_attach_args(r, &n_checked) : NULL;
		bst_page_attach_field(r, &b, p.row.group_id, &p.row, checked, n_checked);
		bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>",
			       _("Save"));
	}
	if (p.can_see_versions) {
		bst_buf_printf(&b,
			       "<section aria-labelledby=\"h-versions\"><h2 "
			       "id=\"h-versions\">%s</h2>",
			       _("Earlier versions"));
		if (v.n) {
			bst_buf_puts(&b, "<ol class=\"versions\">");
			bst_buf_cat(&b, &vb);
			bst_buf_puts(&b, "</ol>");
		} else
			bst_buf_printf(&b, "<p>%s</p>",
				       _("This publication was never edited."));
		bst_buf_puts(&b, "</section>");
	}
	bst_buf_free(&vb);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void save(struct bst_req *r, int64_t id)
{
	const char *body = bst_req_arg(r, "body");
	size_t n = 0;
	const int64_t *attachments = bst_page_attach_args(r, &n);
	enum bst_post_status st =
	    bst_post_edit_with(&r->ctx, id, body ? body : "", attachments, n);
	switch (st) {
	case BST_POST_OK:
		bst_reply_redirect(
		    r, bst_arena_printf(r->arena, "/posts/%lld", (long long)id));
		return;
	case BST_POST_EMPTY:
	case BST_POST_TOO_LARGE:
	case BST_POST_TOO_DEEP:
	case BST_POST_TOO_COMPLEX:
	case BST_POST_ATTACHMENT_NOT_FOUND:
	case BST_POST_ATTACHMENT_ELSEWHERE:
	case BST_POST_TOO_MANY_ATTACHMENTS:
	case BST_POST_ATTACHMENTS_OFF:
		render(r, id, bst_post_http_status(st), body, _(bst_post_text(st)));
		return;
	default:
		bst_page_post_error(r, st);
		return;
	}
}

void bst_page_post_edit(struct bst_req *r)
{
	int64_t id = bst_page_id(r->params[0]);
	if (!id) {
		bst_page_post_error(r, BST_POST_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "POST") == 0)
		save(r, id);
	else
		render(r, id, 200, NULL, NULL);
}
