/* /people/{id}/edit: one's own profile (platform administrators: anyone's):
 * name, job title, department, location, phone, biography, how
 * notifications come by e-mail; the picture (uploaded to
 * /people/{id}/avatar, removed here). One form per action, told apart by a
 * hidden "action" field. */
#include "web/people.h"

#include <string.h>

/* What the form shows: the stored profile, or what was just submitted. */
struct form {
	const char *name, *job_title, *department, *location, *phone, *bio, *notify_mail;
	const char *bad; /* the field refused, or NULL */
};

static const char *invalid_attr(const struct form *f, const char *field)
{
	return f->bad && strcmp(f->bad, field) == 0 ? "aria-invalid=\"true\" " : "";
}

static void text_field(bst_buf *b, const struct form *f, const char *type, const char *name,
		       const char *label, const char *value, int maxlen, const char *more)
{
	char extra[200];
	snprintf(extra, sizeof extra, "%smaxlength=\"%d\"%s", invalid_attr(f, name), maxlen,
		 more);
	bst_page_field(b, type, name, label, value, extra);
}

static void profile_form(struct bst_req *r, bst_buf *b, int64_t id, const struct form *f)
{
	char action[64];
	snprintf(action, sizeof action, "/people/%lld/edit", (long long)id);
	bst_buf_printf(b, "<section aria-labelledby=\"h-profile\"><h2 id=\"h-profile\">%s</h2>",
		       _("Profile"));
	bst_form_begin(r, b, action);
	bst_buf_puts(b, "<input type=\"hidden\" name=\"action\" value=\"profile\">");
	text_field(b, f, "text", "name", _("Name"), f->name, BST_NAME_MAX,
		   " required autocomplete=\"name\"");
	text_field(b, f, "text", "job_title", _("Job title"), f->job_title, BST_PROFILE_TEXT_MAX,
		   " autocomplete=\"organization-title\"");
	text_field(b, f, "text", "department", _("Department"), f->department,
		   BST_PROFILE_TEXT_MAX, "");
	text_field(b, f, "text", "location", _("Location"), f->location, BST_PROFILE_TEXT_MAX,
		   "");
	text_field(b, f, "tel", "phone", _("Phone"), f->phone, BST_PROFILE_PHONE_MAX,
		   " autocomplete=\"tel\"");
	bst_buf_printf(b, "<p class=\"field\"><label for=\"f-bio\">%s</label>"
			  "<span class=\"hint\" id=\"bio-hint\">%s</span>"
			  "<textarea id=\"f-bio\" name=\"bio\" rows=\"8\" maxlength=\"%d\" "
			  "aria-describedby=\"bio-hint\" %s>",
		       _("About you"), _("A few lines in Markdown: **bold**, *italics*, lists, links."),
		       BST_PROFILE_BIO_MAX, invalid_attr(f, "bio"));
	bst_html_txt(b, f->bio);
	bst_buf_puts(b, "</textarea></p>");
	static const struct {
		const char *value, *label;
	} modes[] = {
		{"immediate", N_("Immediately, one e-mail per notification")},
		{"digest", N_("Once a day, in a summary")},
		{"off", N_("Never: I read them on the platform")},
	};
	bst_buf_printf(b, "<fieldset class=\"field\"><legend>%s</legend>",
		       _("Notifications by e-mail"));
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		bst_buf_printf(b, "<p><label><input type=\"radio\" name=\"notify_mail\" value=\"%s\"%s> "
				  "%s</label></p>",
			       modes[i].value,
			       strcmp(f->notify_mail, modes[i].value) == 0 ? " checked" : "",
			       _(modes[i].label));
	bst_buf_puts(b, "</fieldset>");
	bst_buf_printf(b, "<p><button type=\"submit\">%s</button></p></form></section>",
		       _("Save the profile"));
}

static void picture_forms(struct bst_req *r, bst_buf *b, const struct bst_profile_row *p)
{
	bst_buf_printf(b, "<section aria-labelledby=\"h-picture\"><h2 id=\"h-picture\">%s</h2>",
		       _("Picture"));
	bst_buf_puts(b, "<p>");
	bst_page_person_picture(b, p, 96);
	bst_buf_puts(b, "</p>");
	/* the CSRF field comes first: the upload is streamed */
	bst_buf_printf(b, "<form method=\"post\" action=\"/people/%lld/avatar\" "
			  "enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" value=\"",
		       (long long)p->id);
	bst_html_attr(b, bst_page_csrf(r));
	bst_buf_printf(b, "\"><p class=\"field\"><label for=\"f-avatar\">%s</label>"
			  "<span class=\"hint\" id=\"avatar-hint\">%s</span>"
			  "<input type=\"file\" id=\"f-avatar\" name=\"avatar\" required "
			  "accept=\"image/png,image/jpeg,image/gif,image/webp\" "
			  "aria-describedby=\"avatar-hint\"></p>"
			  "<p><button type=\"submit\">%s</button></p></form>",
		       _("New picture"),
		       _("PNG, JPEG, GIF or WebP; at most 2 MiB and 1024 × 1024 pixels, at least "
			 "16 × 16."),
		       _("Upload the picture"));
	if (p->avatar_ms) {
		char action[64];
		snprintf(action, sizeof action, "/people/%lld/edit", (long long)p->id);
		bst_form_begin(r, b, action);
		bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"avatar-delete\">"
				  "<p><button type=\"submit\" class=\"secondary\">%s</button></p></form>",
			       _("Remove the picture"));
	}
	bst_buf_puts(b, "</section>");
}

static void render(struct bst_req *r, int status, const struct bst_profile_row *p,
		   const struct form *f, const char *kind, const char *message)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, r->ctx.user.id == p->id ? _("Edit my profile") : _("Edit a profile"));
	if (message)
		bst_page_notice(&b, kind, message);
	bst_buf name;
	bst_buf_init(&name);
	bst_html_txt(&name, p->name);
	bst_buf_printf(&b, "<p><a href=\"/people/%lld\">", (long long)p->id);
	/* TRANSLATORS: %s is a person's name */
	bst_buf_printf(&b, _("Back to the profile of %s"), bst_buf_str(&name));
	bst_buf_puts(&b, "</a></p>");
	bst_buf_free(&name);
	profile_form(r, &b, p->id, f);
	picture_forms(r, &b, p);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void stored(const struct bst_profile_row *p, struct form *f)
{
	*f = (struct form){p->name, p->job_title, p->department, p->location,
			   p->phone, p->bio, p->notify_mail, NULL};
}

static const char *field_or(struct bst_req *r, const char *name, const char *fallback)
{
	const char *v = bst_kv_get(&r->form, name);
	return v ? v : fallback;
}

void bst_page_profile_edit(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	int64_t id = bst_page_path_id(r, 0);
	struct bst_profile_row *p = bst_arena_alloc(r->arena, sizeof *p);
	enum bst_profile_status st = id ? bst_profile_get(c, id, p) : BST_PROFILE_NOT_FOUND;
	if (st == BST_PROFILE_OK && !bst_profile_may_edit(c, id))
		st = BST_PROFILE_FORBIDDEN;
	if (st != BST_PROFILE_OK) {
		bst_page_profile_error(r, st);
		return;
	}
	struct form f;
	stored(p, &f);
	if (strcmp(r->method, "POST") != 0) {
		render(r, 200, p, &f, NULL, NULL);
		return;
	}
	const char *action = bst_kv_get(&r->form, "action");
	char done[80];
	if (action && strcmp(action, "avatar-delete") == 0) {
		st = bst_avatar_delete(c, id);
		if (st != BST_PROFILE_OK && st != BST_PROFILE_NO_AVATAR) {
			render(r, bst_profile_http_status(st), p, &f, "error", _(bst_profile_text(st)));
			return;
		}
		snprintf(done, sizeof done, "/people/%lld/edit?notice=saved", (long long)id);
		bst_reply_redirect(r, done);
		return;
	}
	if (!action || strcmp(action, "profile") != 0) {
		bst_reply_error(r, 400, "bad_action",
				_("This form asks for an action that does not exist."));
		return;
	}
	f = (struct form){field_or(r, "name", p->name), field_or(r, "job_title", p->job_title),
			  field_or(r, "department", p->department),
			  field_or(r, "location", p->location), field_or(r, "phone", p->phone),
			  field_or(r, "bio", p->bio), field_or(r, "notify_mail", p->notify_mail),
			  NULL};
	struct bst_profile_edit e = {f.name, f.job_title, f.department, f.location,
				     f.phone, f.bio, f.notify_mail};
	st = bst_profile_update(c, id, &e, &f.bad);
	if (st != BST_PROFILE_OK) {
		render(r, bst_profile_http_status(st), p, &f, "error", _(bst_profile_text(st)));
		return;
	}
	snprintf(done, sizeof done, "/people/%lld?notice=saved", (long long)id);
	bst_reply_redirect(r, done);
}
