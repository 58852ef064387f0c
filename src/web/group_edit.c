/* /groups/{id}/settings: a group's name, description and kind, for those
 * who may manage it (its administrators; platform administrators for open
 * and private groups). Others who may see the group get 403; those who may
 * not see it, 404. */
#include "web/groups.h"

#include <string.h>

static void render(struct bst_req *r, const struct bst_group *g,
		   const struct bst_group_access *a, int status, const char *kind_notice,
		   const char *notice, const char *name, const char *desc,
		   const char *kind)
{
	static const char *const kinds[] = {"open", "private", "secret"};
	if (!name)
		name = g->name;
	if (!desc)
		desc = g->description;
	if (!kind)
		kind = g->kind;
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, bst_arena_printf(r->arena, _("Settings of %s"), g->name));
	bst_page_group_nav(r, &b, g, a, "settings");
	if (notice)
		bst_page_notice(&b, kind_notice, notice);
	bst_form_begin(r, &b, r->path);
	bst_page_field(&b, "text", "name", _("Name"), name, "maxlength=\"100\" required");
	bst_buf_printf(
	    &b,
	    "<p class=\"field\"><label for=\"f-description\">%s</label>"
	    "<textarea id=\"f-description\" name=\"description\" maxlength=\"4000\" "
	    "rows=\"6\">",
	    _("Description"));
	bst_html_txt(&b, desc);
	bst_buf_printf(&b, "</textarea></p><fieldset><legend>%s</legend>", _("Kind"));
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		bst_buf_printf(&b,
			       "<p><input type=\"radio\" id=\"f-kind-%s\" name=\"kind\" "
			       "value=\"%s\"%s aria-describedby=\"f-kind-%s-hint\">"
			       "<label for=\"f-kind-%s\">%s</label> "
			       "<span class=\"hint\" id=\"f-kind-%s-hint\">%s</span></p>",
			       kinds[i], kinds[i],
			       strcmp(kind, kinds[i]) == 0 ? " checked" : "", kinds[i],
			       kinds[i], bst_group_kind_label(kinds[i]), kinds[i],
			       bst_group_kind_hint(kinds[i]));
	bst_buf_printf(&b, "</fieldset><p><button type=\"submit\">%s</button></p></form>",
		       _("Save"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

void bst_page_group_edit(struct bst_req *r)
{
	struct bst_group g;
	struct bst_group_access a;
	if (bst_page_group_load(r, &g, &a) != 0)
		return;
	if (!a.manage) {
		bst_page_group_error(r, BST_GROUP_FORBIDDEN);
		return;
	}
	if (strcmp(r->method, "POST") != 0) {
		render(r, &g, &a, 200, NULL, NULL, NULL, NULL, NULL);
		return;
	}
	const char *name = bst_req_arg(r, "name");
	const char *desc = bst_req_arg(r, "description");
	const char *kind = bst_req_arg(r, "kind");
	enum bst_group_status st = bst_group_update(&r->ctx, g.id, name ? name : "",
						    desc ? desc : "", kind ? kind : "");
	if (st == BST_GROUP_NOT_FOUND || st == BST_GROUP_FORBIDDEN ||
	    st == BST_GROUP_ERROR) {
		bst_page_group_error(r, st);
		return;
	}
	if (st != BST_GROUP_OK) {
		render(r, &g, &a, bst_group_http_status(st), "error",
		       _(bst_group_text(st)), name, desc, kind);
		return;
	}
	/* read again: the name and the kind shown are the stored ones. A
	 * platform administrator outside the group who made it secret no
	 * longer sees it: back to the list. */
	if (bst_group_get(&r->ctx, g.id, &g, &a) != 0) {
		bst_reply_redirect(r, "/groups?notice=saved");
		return;
	}
	render(r, &g, &a, 200, "ok", _("Saved."), NULL, NULL, NULL);
}
