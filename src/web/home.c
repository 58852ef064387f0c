/* The home page, GET /: a welcome, then the home feed (the platform-wide
 * feed and the groups one belongs to, newest first) with the publishing
 * form. */
#include "web/posts.h"

void bst_page_home_render(struct bst_req *r, int status, const char *draft,
			  const char *error)
{
	struct bst_feed_access fa;
	enum bst_post_status st = bst_feed_access(&r->ctx, 0, &fa);
	if (st != BST_POST_OK) {
		bst_page_post_error(r, st);
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Home"));
	bst_buf name;
	bst_buf_init(&name);
	bst_html_txt(&name, r->ctx.user.name);
	bst_buf_puts(&b, "<p class=\"lead\">");
	/* TRANSLATORS: %s is the person's name */
	bst_buf_printf(&b, _("Welcome, %s."), bst_buf_str(&name));
	bst_buf_puts(&b, "</p>");
	bst_buf_free(&name);
	if (bst_page_feed_section(r, &b, BST_FEED_HOME, &fa, draft, error) != 0) {
		bst_buf_free(&b);
		return;
	}
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_home(struct bst_req *r)
{
	bst_page_home_render(r, 200, NULL, NULL);
}
