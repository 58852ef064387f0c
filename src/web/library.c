/* A library: /groups/{id}/documents (a group's) and /me/documents (one's
 * personal space), optionally ?folder=ID: breadcrumbs, the folder's
 * sub-folders and documents, the forms to upload a file and create a
 * folder, and what was deleted there and may still be restored. POST to
 * the same address creates a folder; POST /folders/{id} renames, deletes
 * or restores one. */
#include "web/documents.h"
#include "web/groups.h"
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *bst_library_title(struct bst_req *r, const struct bst_library *lib)
{
	if (strcmp(lib->owner, "group") != 0)
		return _("My documents");
	struct bst_group g;
	if (bst_group_get(&r->ctx, lib->owner_id, &g, NULL) != 0)
		return _("Documents");
	return bst_arena_strdup(r->arena, g.name);
}

struct crumbs {
	struct bst_req *r;
	bst_buf *b;
	const struct bst_library *lib;
	int64_t last;      /* the folder that is the current page, or 0 */
};

static void crumb(void *cls, const struct bst_folder_row *f)
{
	struct crumbs *c = cls;
	if (f->id == c->last) {
		bst_buf_puts(c->b, "<li><span aria-current=\"page\">");
		bst_html_txt(c->b, f->name);
		bst_buf_puts(c->b, "</span></li>");
		return;
	}
	bst_buf_puts(c->b, "<li><a href=\"");
	bst_html_attr(c->b, bst_library_url(c->r, c->lib, f->id));
	bst_buf_puts(c->b, "\">");
	bst_html_txt(c->b, f->name);
	bst_buf_puts(c->b, "</a></li>");
}

void bst_library_breadcrumbs(struct bst_req *r, bst_buf *b, const struct bst_library *lib,
			     int64_t folder_id, const char *current)
{
	bst_buf_printf(b, "<nav class=\"breadcrumbs\" aria-label=\"%s\"><ol>", _("Breadcrumb"));
	const char *title = bst_library_title(r, lib);
	if (folder_id == 0 && !current) {
		bst_buf_puts(b, "<li><span aria-current=\"page\">");
		bst_html_txt(b, title);
		bst_buf_puts(b, "</span></li>");
	} else {
		bst_buf_puts(b, "<li><a href=\"");
		bst_html_attr(b, bst_library_url(r, lib, 0));
		bst_buf_puts(b, "\">");
		bst_html_txt(b, title);
		bst_buf_puts(b, "</a></li>");
	}
	struct crumbs c = {r, b, lib, current ? 0 : folder_id};
	if (folder_id)
		bst_folder_path(&r->ctx, lib, folder_id, crumb, &c);
	if (current) {
		bst_buf_puts(b, "<li><span aria-current=\"page\">");
		bst_html_txt(b, current);
		bst_buf_puts(b, "</span></li>");
	}
	bst_buf_puts(b, "</ol></nav>");
}

/* ---- the listing ---- */

struct listing {
	struct bst_req *r;
	bst_buf *b;
	const struct bst_library *lib;
	int folders, documents;
};

static void folder_row(void *cls, const struct bst_folder_row *f)
{
	struct listing *l = cls;
	bst_buf *b = l->b;
	char when[64];
	bst_i18n_datetime(f->created_ms, when, sizeof when);
	l->folders++;
	bst_buf_puts(b, "<tr><th scope=\"row\"><a class=\"folder\" href=\"");
	bst_html_attr(b, bst_library_url(l->r, l->lib, f->id));
	bst_buf_puts(b, "\">");
	bst_html_txt(b, f->name);
	bst_buf_printf(b, "</a></th><td>%s</td><td></td><td>", _("Folder"));
	bst_html_txt(b, when);
	bst_buf_puts(b, "</td><td></td></tr>");
}

static void document_row(void *cls, const struct bst_document_row *d)
{
	struct listing *l = cls;
	bst_buf *b = l->b;
	char size[64], when[64];
	bst_document_size(d->size, size, sizeof size);
	bst_i18n_datetime(d->updated_ms, when, sizeof when);
	l->documents++;
	bst_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/documents/%lld\">", (long long)d->id);
	bst_html_txt(b, d->name);
	bst_buf_puts(b, "</a></th><td><code>");
	bst_html_txt(b, d->content_type);
	bst_buf_puts(b, "</code></td><td>");
	bst_html_txt(b, size);
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, when);
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, d->created_by_name);
	bst_buf_puts(b, "</td></tr>");
}

struct deleted {
	struct bst_req *r;
	bst_buf *b;
	int n;
};

static void deleted_row(struct deleted *x, const char *action, const char *kind,
			const char *name, int64_t deleted_ms)
{
	bst_buf *b = x->b;
	char when[64], until[64];
	bst_i18n_datetime(deleted_ms, when, sizeof when);
	bst_i18n_datetime(deleted_ms + BST_DOC_RESTORE_MS, until, sizeof until);
	x->n++;
	bst_buf_puts(b, "<tr><th scope=\"row\">");
	bst_html_txt(b, name);
	bst_buf_printf(b, "</th><td>%s</td><td>", kind);
	bst_html_txt(b, when);
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, until);
	bst_buf_puts(b, "</td><td>");
	bst_form_begin(x->r, b, action);
	bst_buf_puts(b, "<input type=\"hidden\" name=\"action\" value=\"restore\">"
			"<button type=\"submit\" class=\"secondary\" aria-label=\"");
	char label[320];
	snprintf(label, sizeof label, _("Restore %s"), name);
	bst_html_attr(b, label);
	bst_buf_printf(b, "\">%s</button></form></td></tr>", _("Restore"));
}

static void deleted_folder(void *cls, const struct bst_folder_row *f)
{
	struct deleted *x = cls;
	deleted_row(x, bst_arena_printf(x->r->arena, "/folders/%lld", (long long)f->id),
		    _("Folder"), f->name, f->deleted_ms);
}

static void deleted_document(void *cls, const struct bst_document_row *d)
{
	struct deleted *x = cls;
	deleted_row(x, bst_arena_printf(x->r->arena, "/documents/%lld", (long long)d->id),
		    _("Document"), d->name, d->deleted_ms);
}

static void upload_form(struct bst_req *r, bst_buf *b, const struct bst_library *lib,
			int64_t folder_id)
{
	bst_buf_printf(b, "<section aria-labelledby=\"h-upload\"><h2 id=\"h-upload\">%s</h2>",
		       _("Upload a document"));
	/* the csrf field first: the server checks it before it stores a byte */
	bst_buf_puts(b, "<form method=\"post\" action=\"/documents/upload\" "
			"enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" "
			"value=\"");
	bst_html_attr(b, bst_page_csrf(r));
	bst_buf_puts(b, "\"><input type=\"hidden\" name=\"owner\" value=\"");
	bst_html_attr(b, lib->owner);
	bst_buf_printf(b, "\"><input type=\"hidden\" name=\"owner_id\" value=\"%lld\">"
			  "<input type=\"hidden\" name=\"folder\" value=\"%lld\">",
		       (long long)lib->owner_id, (long long)folder_id);
	bst_page_field(b, "file", "file", _("File"), NULL, "required aria-describedby=\"h-upload-hint\"");
	char hint[200];
	snprintf(hint, sizeof hint, _("At most %lld MB. Its type is read from its content."),
		 (long long)(bst_doc_file_max(&r->ctx) / 1000000));
	bst_buf_puts(b, "<p class=\"hint\" id=\"h-upload-hint\">");
	bst_html_txt(b, hint);
	bst_buf_printf(b, "</p><p><button type=\"submit\">%s</button></p></form></section>",
		       _("Upload"));
}

static void folder_form(struct bst_req *r, bst_buf *b, const struct bst_library *lib,
			int64_t folder_id)
{
	bst_buf_printf(b, "<section aria-labelledby=\"h-folder\"><h2 id=\"h-folder\">%s</h2>",
		       _("Create a folder"));
	bst_form_begin(r, b, bst_library_url(r, lib, 0));
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"folder\">"
			  "<input type=\"hidden\" name=\"parent\" value=\"%lld\">",
		       (long long)folder_id);
	bst_page_field(b, "text", "name", _("Folder name"), NULL, "maxlength=\"255\" required");
	bst_buf_printf(b, "<p><button type=\"submit\">%s</button></p></form></section>",
		       _("Create the folder"));
}

/* Rename and delete the folder being shown. */
static void this_folder(struct bst_req *r, bst_buf *b, const struct bst_folder_row *f)
{
	const char *action = bst_arena_printf(r->arena, "/folders/%lld", (long long)f->id);
	bst_buf_printf(b, "<section aria-labelledby=\"h-this\"><h2 id=\"h-this\">%s</h2>",
		       _("This folder"));
	bst_form_begin(r, b, action);
	/* not bst_page_field: the form to create a folder has a "name" too,
	 * and ids are unique in a page */
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"rename\">"
			  "<p class=\"field\"><label for=\"f-rename\">%s</label>"
			  "<input type=\"text\" id=\"f-rename\" name=\"name\" maxlength=\"255\" "
			  "required value=\"",
		       _("New name of the folder"));
	bst_html_attr(b, f->name);
	bst_buf_puts(b, "\"></p>");
	bst_buf_printf(b, "<p><button type=\"submit\">%s</button></p></form>",
		       _("Rename the folder"));
	bst_form_begin(r, b, action);
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"delete\">"
			  "<p><button type=\"submit\" class=\"danger\">%s</button></p></form>"
			  "<p class=\"hint\">%s</p></section>",
		       _("Delete the folder"),
		       _("Only an empty folder can be deleted; it can be restored for 30 days."));
}

/* The library of the request: a group's (path parameter) or ctx's own.
 * g is filled for a group. false after answering. */
static bool load(struct bst_req *r, struct bst_library *lib, struct bst_group *g,
		 struct bst_group_access *a)
{
	memset(g, 0, sizeof *g);
	memset(a, 0, sizeof *a);
	enum bst_doc_status st;
	if (r->params[0]) {
		if (bst_page_group_load(r, g, a) != 0)
			return false;
		st = bst_library_open(&r->ctx, "group", g->id, lib);
	} else {
		st = bst_library_open(&r->ctx, "user", 0, lib);
	}
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return false;
	}
	return true;
}

static void render(struct bst_req *r, int status, const char *error, int64_t folder_id)
{
	struct bst_ctx *c = &r->ctx;
	struct bst_library lib;
	struct bst_group g;
	struct bst_group_access a;
	if (!load(r, &lib, &g, &a))
		return;
	struct bst_folder_row folder;
	enum bst_doc_status st = bst_folder_check(c, &lib, folder_id, &folder);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	const char *p = bst_kv_get(&r->query, "page");
	int64_t page = p ? bst_document_id_arg(p) : 1;
	if (page < 1 || page > 100000)
		page = 1;
	char title[400];
	if (g.id)
		snprintf(title, sizeof title, _("Documents of %s"), g.name);
	else
		snprintf(title, sizeof title, "%s", _("My documents"));
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, title);
	bst_document_flash(r, &b);
	if (error)
		bst_page_notice(&b, "error", error);
	if (g.id)
		bst_page_group_nav(r, &b, &g, &a, "library");
	else
		bst_buf_printf(&b, "<p class=\"hint\">%s</p>",
			       _("Your personal space: only you can see what you keep here."));
	bst_library_breadcrumbs(r, &b, &lib, folder_id, NULL);

	bst_buf rows;
	bst_buf_init(&rows);
	struct listing l = {r, &rows, &lib, 0, 0};
	if (page == 1)
		st = bst_folder_list(c, &lib, folder_id, false, 0, BST_FOLDER_LIST_MAX, folder_row,
				     &l);
	if (st == BST_DOC_OK)
		st = bst_doc_list(c, &lib, folder_id, -1, (page - 1) * BST_DOC_LIST_MAX,
				  BST_DOC_LIST_MAX, document_row, &l);
	if (st != BST_DOC_OK) {
		bst_buf_free(&rows);
		bst_buf_free(&b);
		bst_document_error(r, st);
		return;
	}
	if (l.folders + l.documents == 0) {
		bst_buf_printf(&b, "<p>%s</p>", _("This folder is empty."));
	} else {
		bst_buf_printf(&b, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" "
				   "aria-label=\"%s\"><table><thead><tr>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th></tr></thead><tbody>",
			       _("Contents of this folder"), _("Name"), _("Type"), _("Size"),
			       _("Last changed"), _("By"));
		bst_buf_puts(&b, bst_buf_str(&rows));
		bst_buf_puts(&b, "</tbody></table></div>");
	}
	bst_buf_free(&rows);
	if (page > 1 || l.documents == BST_DOC_LIST_MAX) {
		const char *base = bst_library_url(r, &lib, folder_id);
		const char *sep = strchr(base, '?') ? "&amp;" : "?";
		bst_buf_printf(&b, "<nav class=\"pages\" aria-label=\"%s\"><ul>", _("Pages"));
		if (page > 1) {
			bst_buf_puts(&b, "<li><a href=\"");
			bst_html_attr(&b, base);
			bst_buf_printf(&b, "%spage=%lld\">%s</a></li>", sep, (long long)(page - 1),
				       _("Previous page"));
		}
		if (l.documents == BST_DOC_LIST_MAX) {
			bst_buf_puts(&b, "<li><a href=\"");
			bst_html_attr(&b, base);
			bst_buf_printf(&b, "%spage=%lld\">%s</a></li>", sep, (long long)(page + 1),
				       _("Next page"));
		}
		bst_buf_puts(&b, "</ul></nav>");
	}

	if (lib.write) {
		upload_form(r, &b, &lib, folder_id);
		folder_form(r, &b, &lib, folder_id);
	}
	if (folder_id && bst_folder_may_change(c, &lib, &folder))
		this_folder(r, &b, &folder);

	bst_buf del;
	bst_buf_init(&del);
	struct deleted x = {r, &del, 0};
	bst_folder_list(c, &lib, folder_id, true, 0, 0, deleted_folder, &x);
	bst_doc_list_deleted(c, &lib, folder_id, deleted_document, &x);
	if (x.n) {
		bst_buf_printf(&b, "<section aria-labelledby=\"h-deleted\"><h2 id=\"h-deleted\">%s</h2>"
				   "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" "
				   "aria-labelledby=\"h-deleted\"><table><thead><tr>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th></tr></thead><tbody>",
			       _("Recently deleted"), _("Name"), _("Kind"), _("Deleted"),
			       _("Restorable until"), _("Action"));
		bst_buf_puts(&b, bst_buf_str(&del));
		bst_buf_puts(&b, "</tbody></table></div></section>");
	}
	bst_buf_free(&del);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static const char *with_notice(struct bst_req *r, const char *url, const char *notice)
{
	return bst_arena_printf(r->arena, "%s%snotice=%s", url, strchr(url, '?') ? "&" : "?",
				notice);
}

static void create_folder(struct bst_req *r)
{
	struct bst_library lib;
	struct bst_group g;
	struct bst_group_access a;
	const char *p = bst_req_arg(r, "parent");
	int64_t parent = p && strcmp(p, "0") != 0 ? bst_document_id_arg(p) : 0;
	if (p && strcmp(p, "0") != 0 && p[0] && parent == 0) {
		bst_document_error(r, BST_DOC_FOLDER_NOT_FOUND);
		return;
	}
	if (!load(r, &lib, &g, &a))
		return;
	int64_t id = 0;
	enum bst_doc_status st = bst_folder_create(&r->ctx, &lib, parent, bst_req_arg(r, "name"),
						   &id);
	if (st == BST_DOC_OK) {
		bst_reply_redirect(r, with_notice(r, bst_library_url(r, &lib, id), "folder-created"));
		return;
	}
	if (st == BST_DOC_INVALID_NAME || st == BST_DOC_NAME_TAKEN || st == BST_DOC_TOO_DEEP) {
		render(r, bst_doc_http_status(st), _(bst_doc_text(st)), parent);
		return;
	}
	bst_document_error(r, st);
}

void bst_page_library(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		const char *f = bst_kv_get(&r->query, "folder");
		int64_t folder = f ? bst_document_id_arg(f) : 0;
		if (f && !folder && strcmp(f, "0") != 0) {
			bst_document_error(r, BST_DOC_FOLDER_NOT_FOUND);
			return;
		}
		render(r, 200, NULL, folder);
		return;
	}
	const char *action = bst_req_arg(r, "action");
	if (!action || strcmp(action, "folder") != 0) {
		bst_reply_error(r, 400, "bad_action", _("This action is not known."));
		return;
	}
	create_folder(r);
}

void bst_page_folder(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	int64_t id = bst_document_id_arg(r->params[0]);
	const char *action = bst_req_arg(r, "action");
	struct bst_folder_row f;
	struct bst_library lib;
	enum bst_doc_status st = BST_DOC_FOLDER_NOT_FOUND;
	const char *notice = NULL;
	int64_t back_to = id;
	if (!id) {
		st = BST_DOC_FOLDER_NOT_FOUND;
	} else if (action && strcmp(action, "restore") == 0) {
		st = bst_folder_restore(c, id);
		notice = "folder-restored";
	} else if (action && strcmp(action, "rename") == 0) {
		st = bst_folder_rename(c, id, bst_req_arg(r, "name"));
		notice = "folder-renamed";
	} else if (action && strcmp(action, "delete") == 0) {
		st = bst_folder_get(c, id, &f, &lib);
		if (st == BST_DOC_OK) {
			back_to = f.parent_id;
			st = bst_folder_delete(c, id);
		}
		notice = "folder-deleted";
	} else {
		bst_reply_error(r, 400, "bad_action", _("This action is not known."));
		return;
	}
	/* where to go back: the folder (or, once deleted, its parent) */
	if (st == BST_DOC_OK)
		st = bst_folder_get(c, id, &f, &lib);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	bst_reply_redirect(r, with_notice(r, bst_library_url(r, &lib, back_to), notice));
}
