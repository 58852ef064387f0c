/* The home page: who you are and where to go. (The feed arrives with the
 * collaboration capability.) */
#include "web/pages.h"

void bst_page_home(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Home"));
	bst_buf name;
	bst_buf_init(&name);
	bst_html_txt(&name, c->user.name);
	bst_buf_puts(&b, "<p class=\"lead\">");
	/* TRANSLATORS: %s is the person's name */
	bst_buf_printf(&b, _("Welcome, %s."), bst_buf_str(&name));
	bst_buf_free(&name);
	bst_buf_puts(&b, "</p><ul class=\"cards\">");
	bst_buf_printf(&b, "<li><a href=\"/settings\">%s</a><p>%s</p></li>", _("My account"),
		       _("Password, language, second factor."));
	bst_buf_printf(&b, "<li><a href=\"/settings/sessions\">%s</a><p>%s</p></li>",
		       _("My sessions"), _("The devices where you are signed in, and how to sign out of each."));
	bst_buf_printf(&b, "<li><a href=\"/settings/tokens\">%s</a><p>%s</p></li>",
		       _("Access tokens"), _("Personal tokens for scripts and the API."));
	if (bst_ctx_is_admin(c))
		bst_buf_printf(&b, "<li><a href=\"/admin/users\">%s</a><p>%s</p></li>",
			       _("Administration"),
			       _("People, invitations, registration and security settings."));
	bst_buf_puts(&b, "</ul>");
	bst_page_end(r, &b);
	bst_reply_html(r, 200, &b);
}
