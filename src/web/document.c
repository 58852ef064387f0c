/* /documents/{id}: a document's details and versions, with the forms to
 * add a version, rename, move, delete and restore it (POST
 * /documents/{id}, field action); /documents/{id}/download[?version=N]:
 * the file itself, decrypted as it streams out. Also the helpers the other
 * pages of the feature and the API share. */
#include "web/documents.h"
#include "core/log.h"
#include "http/upload.h"
#include "web/pages.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Types a browser may show in place rather than save: images it decodes
 * itself and PDF, which runs no script of ours. Everything else (HTML, SVG,
 * scripts, unknown) is an attachment, and nosniff keeps the browser from
 * guessing otherwise. */
static const char *const inline_types[] = {"image/png", "image/jpeg", "image/gif",
					   "image/webp", "application/pdf"};
/* Buffer libmicrohttpd reads the decrypted stream into. */
#define SEND_BLOCK (64 * 1024)

/* ---- shared helpers ---- */

const char *bst_document_too_large(struct bst_req *r)
{
	/* the limit is the operator's, under the transport's ceiling: say it */
	int64_t max = bst_doc_file_max(&r->ctx);
	if (max > BST_UPLOAD_BODY_MAX)
		max = BST_UPLOAD_BODY_MAX;
	return bst_arena_printf(r->arena, _("This file is larger than the limit of %lld MB."),
				(long long)(max / 1000000));
}

void bst_document_error(struct bst_req *r, enum bst_doc_status st)
{
	if (st == BST_DOC_TOO_LARGE) {
		bst_reply_error(r, bst_doc_http_status(st), bst_doc_code(st),
				bst_document_too_large(r));
		return;
	}
	bst_reply_error(r, bst_doc_http_status(st), bst_doc_code(st), _(bst_doc_text(st)));
}

int64_t bst_document_id_arg(const char *s)
{
	if (!s || !s[0] || strlen(s) > 18)
		return 0;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

const char *bst_library_url(struct bst_req *r, const struct bst_library *lib,
			    int64_t folder_id)
{
	const char *base = strcmp(lib->owner, "group") == 0
				   ? bst_arena_printf(r->arena, "/groups/%lld/documents",
						      (long long)lib->owner_id)
				   : "/me/documents";
	if (!folder_id)
		return base;
	return bst_arena_printf(r->arena, "%s?folder=%lld", base, (long long)folder_id);
}

void bst_document_size(int64_t bytes, char *out, size_t len)
{
	if (bytes < 1000) {
		snprintf(out, len, bst_i18n_ngettext("%lld byte", "%lld bytes", (unsigned long)bytes),
			 (long long)bytes);
		return;
	}
	double v = (double)bytes / 1000.0;
	if (v < 1000) {
		snprintf(out, len, _("%.1f kB"), v);
		return;
	}
	v /= 1000.0;
	if (v < 1000) {
		snprintf(out, len, _("%.1f MB"), v);
		return;
	}
	snprintf(out, len, _("%.1f GB"), v / 1000.0);
}

static const struct {
	const char *code;
	const char *text;
} notices[] = {
	{"uploaded", N_("The document is uploaded.")},
	{"version-added", N_("The new version is uploaded.")},
	{"renamed", N_("The document is renamed.")},
	{"moved", N_("The document is moved.")},
	{"document-deleted", N_("The document is deleted. You can restore it for 30 days.")},
	{"restored", N_("The document is restored.")},
	{"folder-created", N_("The folder is created.")},
	{"folder-renamed", N_("The folder is renamed.")},
	{"folder-deleted", N_("The folder is deleted. You can restore it for 30 days.")},
	{"folder-restored", N_("The folder is restored.")},
};

void bst_document_flash(struct bst_req *r, bst_buf *b)
{
	const char *code = bst_kv_get(&r->query, "notice");
	if (!code)
		return;
	for (size_t i = 0; i < sizeof notices / sizeof *notices; i++)
		if (strcmp(code, notices[i].code) == 0)
			bst_page_notice(b, "ok", _(notices[i].text));
}

/* ---- downloads ---- */

/* A type as libmagic writes them, else octet-stream: nothing odd reaches a
 * header. */
static const char *safe_type(const char *t)
{
	const char *slash = strchr(t, '/');
	if (!slash || slash == t || !slash[1] || strchr(slash + 1, '/'))
		return "application/octet-stream";
	for (const char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("/.+-_", *p)))
			return "application/octet-stream";
	return t;
}

static bool shown_inline(const char *type)
{
	for (size_t i = 0; i < sizeof inline_types / sizeof *inline_types; i++)
		if (strcmp(type, inline_types[i]) == 0)
			return true;
	return false;
}

/* RFC 6266 with an RFC 5987 filename*: an ASCII fallback (one "_" per
 * character it cannot carry) and the exact UTF-8 name, percent-encoded. */
static const char *disposition(struct bst_req *r, const char *kind, const char *name)
{
	static const char attr_char[] = "!#$&+-.^_`|~";
	bst_buf b;
	bst_buf_init(&b);
	bst_buf_printf(&b, "%s; filename=\"", kind);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80 && *p < 0xc0)
			continue; /* UTF-8 continuation: its character already has a "_" */
		bool plain = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != '%';
		bst_buf_putc(&b, plain ? (char)*p : '_');
	}
	bst_buf_puts(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(attr_char, *p))
			bst_buf_putc(&b, (char)*p);
		else
			bst_buf_printf(&b, "%%%02X", *p);
	}
	const char *out = bst_arena_strdup(r->arena, bst_buf_str(&b));
	bst_buf_free(&b);
	return out;
}

static ssize_t read_blob(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct bst_blob_reader *rd = cls;
	if (pos != bst_blob_reader_offset(rd))
		return BST_READ_ERROR; /* only ever read in order */
	long n = bst_blob_read(rd, buf, max);
	if (n > 0)
		return (ssize_t)n;
	/* -1: tampered or truncated (logged): the connection is cut, so the
	 * client sees an incomplete transfer, never a complete-looking file */
	return n == 0 ? BST_READ_END : BST_READ_ERROR;
}

static void free_blob(void *cls)
{
	bst_blob_reader_free(cls);
}

void bst_document_send(struct bst_req *r, int64_t id, int64_t number)
{
	struct bst_document_row d;
	struct bst_document_version_row v;
	struct bst_blob_reader *reader = NULL;
	enum bst_doc_status st = bst_doc_open(&r->ctx, id, number, &d, &v, &reader);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	const char *type = safe_type(v.content_type);
	bst_reply_header(r, "Content-Disposition",
			 disposition(r, shown_inline(type) ? "inline" : "attachment", d.name));
	bst_reply_stream(r, 200, type, bst_blob_reader_size(reader), read_blob, reader, free_blob);
}

void bst_page_document_download(struct bst_req *r)
{
	int64_t id = bst_document_id_arg(r->params[0]);
	const char *v = bst_kv_get(&r->query, "version");
	int64_t number = v ? bst_document_id_arg(v) : 0;
	if (!id || (v && number <= 0)) {
		bst_document_error(r, !id ? BST_DOC_NOT_FOUND : BST_DOC_VERSION_NOT_FOUND);
		return;
	}
	bst_document_send(r, id, number);
}

/* ---- the page ---- */

struct versions {
	struct bst_req *r;
	bst_buf *b;
	int64_t id;
};

static void version_row(void *cls, const struct bst_document_version_row *v)
{
	struct versions *x = cls;
	bst_buf *b = x->b;
	char size[64], when[64];
	bst_document_size(v->size, size, sizeof size);
	bst_i18n_datetime(v->created_ms, when, sizeof when);
	bst_buf_printf(b, "<tr><th scope=\"row\">%lld</th><td>", (long long)v->number);
	bst_html_txt(b, size);
	bst_buf_puts(b, "</td><td><code>");
	bst_html_txt(b, v->content_type);
	bst_buf_puts(b, "</code></td><td>");
	bst_html_txt(b, v->uploaded_by_name[0] ? v->uploaded_by_name : _("(unknown)"));
	bst_buf_puts(b, "</td><td>");
	bst_html_txt(b, when);
	bst_buf_printf(b, "</td><td><a href=\"/documents/%lld/download?version=%lld\" "
			  "aria-label=\"",
		       (long long)x->id, (long long)v->number);
	char label[96];
	snprintf(label, sizeof label, _("Download version %lld"), (long long)v->number);
	bst_html_attr(b, label);
	bst_buf_printf(b, "\">%s</a></td></tr>", _("Download"));
}

struct targets {
	struct bst_folder_row *rows;
	int n, cap;
};

static void add_target(void *cls, const struct bst_folder_row *f)
{
	struct targets *t = cls;
	if (t->n < t->cap)
		t->rows[t->n++] = *f;
}

/* "A / B / C": a folder's path from the root, from the list of all. */
static void target_label(const struct targets *t, int i, bst_buf *out)
{
	int chain[BST_FOLDER_DEPTH_MAX + 1];
	int depth = 0;
	for (int cur = i; cur >= 0 && depth <= BST_FOLDER_DEPTH_MAX;) {
		chain[depth++] = cur;
		int64_t parent = t->rows[cur].parent_id;
		cur = -1;
		for (int j = 0; parent && j < t->n; j++)
			if (t->rows[j].id == parent)
				cur = j;
	}
	for (int k = depth - 1; k >= 0; k--) {
		bst_buf_puts(out, t->rows[chain[k]].name);
		if (k)
			bst_buf_puts(out, " / ");
	}
}

/* One library's folders as options of the move form, under a group of
 * options named after the library; value "owner:owner_id:folder". */
static void library_options(struct bst_req *r, bst_buf *b, const struct bst_library *lib,
			    const char *label, const struct bst_document_row *d)
{
	struct targets t = {bst_arena_alloc(r->arena, BST_FOLDER_LIST_MAX * sizeof *t.rows), 0,
			    BST_FOLDER_LIST_MAX};
	if (bst_folder_all(&r->ctx, lib, add_target, &t) != BST_DOC_OK)
		return;
	bool here = strcmp(lib->owner, d->owner) == 0 && lib->owner_id == d->owner_id;
	const char *value = bst_arena_printf(r->arena, "%s:%lld:", lib->owner,
					     (long long)lib->owner_id);
	bst_buf_puts(b, "<optgroup label=\"");
	bst_html_attr(b, label);
	bst_buf_printf(b, "\"><option value=\"%s0\"%s>", value,
		       here && d->folder_id == 0 ? " selected" : "");
	bst_html_txt(b, _("(the library's root)"));
	bst_buf_puts(b, "</option>");
	bst_buf path;
	bst_buf_init(&path);
	for (int i = 0; i < t.n; i++) {
		bst_buf_reset(&path);
		target_label(&t, i, &path);
		bst_buf_printf(b, "<option value=\"%s%lld\"%s>", value, (long long)t.rows[i].id,
			       here && t.rows[i].id == d->folder_id ? " selected" : "");
		bst_html_txt(b, bst_buf_str(&path));
		bst_buf_puts(b, "</option>");
	}
	bst_buf_free(&path);
	bst_buf_puts(b, "</optgroup>");
}

struct move_targets {
	struct bst_req *r;
	bst_buf *b;
	const struct bst_library *current;
	const struct bst_document_row *d;
};

static void move_target(void *cls, const struct bst_library *lib, const char *group_name)
{
	struct move_targets *m = cls;
	if (strcmp(lib->owner, m->current->owner) == 0 && lib->owner_id == m->current->owner_id)
		return; /* listed first */
	const char *label =
	    group_name[0]
		/* TRANSLATORS: a choice of the move form; %s is a group's name */
		? bst_arena_printf(m->r->arena, _("Library of the group %s"), group_name)
		: _("My documents");
	library_options(m->r, m->b, lib, label, m->d);
}

/* Where the document may go: the folders of its own library, then those of
 * every other library ctx may add to (bst_library_targets). */
static void move_form(struct bst_req *r, bst_buf *b, const struct bst_library *lib,
		      const struct bst_document_row *d)
{
	bst_buf_printf(b, "<section aria-labelledby=\"h-move\"><h2 id=\"h-move\">%s</h2>",
		       _("Move"));
	bst_form_begin(r, b, bst_arena_printf(r->arena, "/documents/%lld", (long long)d->id));
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"move\">"
			  "<p class=\"field\"><label for=\"f-target\">%s</label>"
			  "<select id=\"f-target\" name=\"target\">",
		       _("Library and folder"));
	const char *here = strcmp(lib->owner, "group") == 0
				   ? bst_arena_printf(r->arena, _("Library of the group %s"),
						      bst_library_title(r, lib))
				   : _("My documents");
	library_options(r, b, lib, here, d);
	struct move_targets m = {r, b, lib, d};
	bst_library_targets(&r->ctx, move_target, &m);
	bst_buf_printf(b, "</select></p><p>%s</p><p><button type=\"submit\">%s</button></p>"
			  "</form></section>",
		       _("Moved to another library, a document takes all its versions with it, "
			 "and only that library's readers see it from then on."),
		       _("Move the document"));
}

static void action_form(struct bst_req *r, bst_buf *b, int64_t id, const char *action,
			const char *label, const char *cls)
{
	bst_form_begin(r, b, bst_arena_printf(r->arena, "/documents/%lld", (long long)id));
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">"
			  "<p><button type=\"submit\"%s%s%s>",
		       action, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	bst_html_txt(b, label);
	bst_buf_puts(b, "</button></p></form>");
}

static void details(struct bst_req *r, bst_buf *b, const struct bst_document_row *d)
{
	char size[64], created[64], updated[64];
	bst_document_size(d->size, size, sizeof size);
	bst_i18n_datetime(d->created_ms, created, sizeof created);
	bst_i18n_datetime(d->updated_ms, updated, sizeof updated);
	bst_buf_printf(b, "<dl class=\"doc-details\"><dt>%s</dt><dd>", _("Size"));
	bst_html_txt(b, size);
	bst_buf_printf(b, "</dd><dt>%s</dt><dd><code>", _("Type (from its content)"));
	bst_html_txt(b, d->content_type);
	bst_buf_printf(b, "</code></dd><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>", _("Version"),
		       (long long)d->version, _("Uploaded by"));
	bst_html_txt(b, d->created_by_name[0] ? d->created_by_name : _("(unknown)"));
	bst_buf_printf(b, "</dd><dt>%s</dt><dd>", _("Created"));
	bst_html_txt(b, created);
	bst_buf_printf(b, "</dd><dt>%s</dt><dd>", _("Last changed"));
	bst_html_txt(b, updated);
	bst_buf_puts(b, "</dd></dl>");
}

static void render(struct bst_req *r, int status, const char *error)
{
	struct bst_ctx *c = &r->ctx;
	int64_t id = bst_document_id_arg(r->params[0]);
	struct bst_document_row d;
	struct bst_library lib;
	struct bst_doc_rights rights;
	enum bst_doc_status st = id ? bst_doc_get(c, id, &d, &lib, &rights) : BST_DOC_NOT_FOUND;
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, d.name);
	bst_document_flash(r, &b);
	if (error)
		bst_page_notice(&b, "error", error);
	bst_library_breadcrumbs(r, &b, &lib, d.folder_id, d.name);
	const char *self = bst_arena_printf(r->arena, "/documents/%lld", (long long)id);
	if (d.deleted_ms) {
		char when[64], until[64], text[400];
		bst_i18n_datetime(d.deleted_ms, when, sizeof when);
		bst_i18n_datetime(d.deleted_ms + BST_DOC_RESTORE_MS, until, sizeof until);
		snprintf(text, sizeof text,
			 _("This document was deleted on %s. It can be restored until %s."), when,
			 until);
		bst_page_notice(&b, "info", text);
		if (rights.restore)
			action_form(r, &b, id, "restore", _("Restore the document"), NULL);
		bst_page_end(r, &b);
		bst_reply_html(r, status, &b);
		return;
	}
	bst_buf_printf(&b, "<p><a class=\"button\" href=\"%s/download\">%s</a></p>", self,
		       _("Download"));
	details(r, &b, &d);

	bst_buf_printf(&b, "<section aria-labelledby=\"h-versions\"><h2 id=\"h-versions\">%s</h2>",
		       _("Versions"));
	bst_buf_printf(&b, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" "
			   "aria-labelledby=\"h-versions\"><table><thead><tr>"
			   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			   "</tr></thead><tbody>",
		       _("Version"), _("Size"), _("Type"), _("Uploaded by"), _("Date"), _("File"));
	struct versions x = {r, &b, id};
	if (bst_doc_versions(c, id, version_row, &x) != BST_DOC_OK) {
		bst_buf_free(&b);
		bst_document_error(r, BST_DOC_ERROR);
		return;
	}
	bst_buf_puts(&b, "</tbody></table></div>");
	if (rights.version) {
		/* multipart, the csrf field first: the server checks it before
		 * it stores a byte of the file */
		bst_buf_printf(&b, "<form method=\"post\" action=\"/documents/upload\" "
				   "enctype=\"multipart/form-data\">"
				   "<input type=\"hidden\" name=\"csrf\" value=\"");
		bst_html_attr(&b, bst_page_csrf(r));
		bst_buf_printf(&b, "\"><input type=\"hidden\" name=\"document\" value=\"%lld\">",
			       (long long)id);
		bst_page_field(&b, "file", "file", _("New version"), NULL, "required");
		bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>",
			       _("Upload the new version"));
	}
	bst_buf_puts(&b, "</section>");

	if (rights.change) {
		bst_buf_printf(&b, "<section aria-labelledby=\"h-rename\"><h2 id=\"h-rename\">%s</h2>",
			       _("Rename"));
		bst_form_begin(r, &b, self);
		bst_buf_puts(&b, "<input type=\"hidden\" name=\"action\" value=\"rename\">");
		bst_page_field(&b, "text", "name", _("Name"), d.name, "maxlength=\"255\" required");
		bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form></section>",
			       _("Rename the document"));
		move_form(r, &b, &lib, &d);
		bst_buf_printf(&b, "<section aria-labelledby=\"h-delete\"><h2 id=\"h-delete\">%s</h2>"
				   "<p>%s</p>",
			       _("Delete"),
			       _("A deleted document can be restored for 30 days by its uploader "
				 "or an administrator."));
		action_form(r, &b, id, "delete", _("Delete the document"), "danger");
		bst_buf_puts(&b, "</section>");
	}
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

/* A folder id, "0" for the root; -1 when s is neither. */
static int64_t folder_arg(const char *s)
{
	if (s && strcmp(s, "0") == 0)
		return 0;
	int64_t id = bst_document_id_arg(s);
	return id ? id : -1;
}

/* The move form's "target" ("owner:owner_id:folder", owner_id 0 for one's
 * own space), or "folder" alone, in the document's library. */
static enum bst_doc_status move(struct bst_req *r, int64_t id)
{
	const char *target = bst_req_arg(r, "target");
	if (!target)
		return bst_doc_move(&r->ctx, id, folder_arg(bst_req_arg(r, "folder")));
	const char *c1 = strchr(target, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || c1 - target >= 8)
		return BST_DOC_INVALID_OWNER;
	char owner[8];
	snprintf(owner, sizeof owner, "%.*s", (int)(c1 - target), target);
	char *owner_id_text = bst_arena_strdup(r->arena, c1 + 1);
	owner_id_text[c2 - c1 - 1] = '\0';
	int64_t owner_id = folder_arg(owner_id_text);
	if (owner_id < 0)
		return BST_DOC_NOT_FOUND;
	return bst_doc_move_to(&r->ctx, id, owner, owner_id, folder_arg(c2 + 1));
}

static void act(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	int64_t id = bst_document_id_arg(r->params[0]);
	const char *action = bst_req_arg(r, "action");
	if (!id) {
		bst_document_error(r, BST_DOC_NOT_FOUND);
		return;
	}
	enum bst_doc_status st;
	const char *notice;
	if (action && strcmp(action, "rename") == 0) {
		st = bst_doc_rename(c, id, bst_req_arg(r, "name"));
		notice = "renamed";
	} else if (action && strcmp(action, "move") == 0) {
		st = move(r, id);
		notice = "moved";
	} else if (action && strcmp(action, "delete") == 0) {
		struct bst_document_row d;
		struct bst_library lib;
		st = bst_doc_get(c, id, &d, &lib, NULL);
		if (st == BST_DOC_OK)
			st = bst_doc_delete(c, id);
		if (st == BST_DOC_OK) {
			const char *url = bst_library_url(r, &lib, d.folder_id);
			bst_reply_redirect(r, bst_arena_printf(r->arena, "%s%snotice=document-deleted",
							       url, strchr(url, '?') ? "&" : "?"));
			return;
		}
		notice = NULL;
	} else if (action && strcmp(action, "restore") == 0) {
		st = bst_doc_restore(c, id);
		notice = "restored";
	} else {
		bst_reply_error(r, 400, "bad_action", _("This action is not known."));
		return;
	}
	if (st == BST_DOC_OK) {
		bst_reply_redirect(r, bst_arena_printf(r->arena, "/documents/%lld?notice=%s",
						       (long long)id, notice));
		return;
	}
	if (st == BST_DOC_NOT_FOUND || st == BST_DOC_ERROR || st == BST_DOC_RESTORE_EXPIRED) {
		bst_document_error(r, st);
		return;
	}
	render(r, bst_doc_http_status(st), _(bst_doc_text(st)));
}

void bst_page_document(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		act(r);
	else
		render(r, 200, NULL);
}
