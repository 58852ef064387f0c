/* GET /groups/{id}: a group's page. Its header (name, kind, description
 * rendered from Markdown, a link to its members), then its feed: pinned
 * publications first, the publishing form for members. Those who see the
 * group but may not read it (a private group they are not in) get the
 * header and the way to join; a group one may not see answers 404, as one
 * that does not exist. */
#include "web/groups.h"
#include "web/posts.h"

void bst_page_group_render(struct bst_req *r, int64_t group_id, int status,
			   const char *draft, const char *error)
{
	struct bst_group g;
	struct bst_group_access a;
	if (bst_group_get(&r->ctx, group_id, &g, &a) != 0) {
		bst_page_post_error(r, BST_POST_GROUP_NOT_FOUND);
		return;
	}
	struct bst_feed_access fa;
	enum bst_post_status st = bst_feed_access(&r->ctx, group_id, &fa);
	if (st != BST_POST_OK && st != BST_POST_FORBIDDEN) {
		bst_page_post_error(r, st);
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, g.name);
	bst_page_group_nav(r, &b, &g, &a, "feed");
	bst_buf_printf(
	    &b, "<div class=\"group-head\"><p><span class=\"badge\">%s</span> %s · ",
	    bst_group_kind_label(g.kind), bst_group_kind_hint(g.kind));
	bst_buf_printf(&b, "<a href=\"/groups/%lld/members\">", (long long)g.id);
	bst_buf_printf(
	    &b,
	    bst_i18n_ngettext("%lld member", "%lld members", (unsigned long)g.members),
	    (long long)g.members);
	bst_buf_puts(&b, "</a></p>");
	if (g.description[0]) {
		bst_buf_puts(&b, "<div class=\"group-description md\">");
		bst_markdown_render(g.description, &b);
		bst_buf_puts(&b, "</div>");
	}
	bst_buf_puts(&b, "</div>");
	if (!fa.read) {
		bst_buf_printf(&b, "<p>%s <a href=\"/groups/%lld/members\">%s</a></p>",
			       _("Only the members of this group read its publications."),
			       (long long)g.id, _("Ask to join"));
	} else if (bst_page_feed_section(r, &b, group_id, &fa, draft, error) != 0) {
		bst_buf_free(&b);
		return;
	}
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_group(struct bst_req *r)
{
	int64_t id = bst_page_id(r->params[0]);
	if (!id) {
		bst_page_post_error(r, BST_POST_GROUP_NOT_FOUND);
		return;
	}
	bst_page_group_render(r, id, 200, NULL, NULL);
}
