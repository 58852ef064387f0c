/* The back office's "Export all data" (issue 6): GET /admin/export shows
 * the platform's latest export (its progress while it is made, then a
 * download link), its push to the destination (progress, then delivered
 * or failed), the destination set (admin_export_destination.c) and the
 * form that starts an export; POST /admin/export starts it
 * (src/ops/export_job.h), encrypted for the client with a passphrase or to
 * a public key pasted here, and sent to the destination once ready when
 * asked; POST /admin/export/{id}/push sends a ready one (again); GET
 * /admin/export/{id}/download sends it to the browser. The page refreshes
 * itself while an export or a push runs (an HTTP Refresh header: no
 * script needed). */
#include "web/admin.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "http/server.h"
#include "ops/export_dest.h"
#include "ops/export_job.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_TEXT_MAX (64 * 1024)

static void mb(bst_buf *b, int64_t bytes)
{
	bst_buf_printf(b, "%.1f MB", (double)bytes / 1e6);
}

static bool pushing(const struct bst_export_job *j)
{
	return j->push.state == BST_PUSH_WAITING || j->push.state == BST_PUSH_RUNNING;
}

/* Where the export goes, and how it is going. */
static void push_status(struct bst_req *r, bst_buf *b, const struct bst_export_job *j, bool dest_set)
{
	const struct bst_export_push *p = &j->push;
	switch (p->state) {
	case BST_PUSH_NONE:
		break;
	case BST_PUSH_WAITING:
		bst_buf_printf(b, "<p role=\"status\" id=\"push-state\">%s</p>",
			       _("It will be sent to the destination once ready."));
		break;
	case BST_PUSH_RUNNING: {
		int64_t pct = p->total > 0 ? p->sent * 100 / p->total : 0;
		bst_buf_puts(b, "<p role=\"status\" id=\"push-state\">");
		/* TRANSLATORS: %s is a destination such as sftp://user@host:22/folder/file */
		bst_html_txt(b, bst_arena_printf(r->arena, _("Sending to %s:"), p->url));
		bst_buf_putc(b, ' ');
		mb(b, p->sent);
		bst_buf_puts(b, " / ");
		mb(b, p->total);
		if (p->attempt > 1) {
			bst_buf_putc(b, ' ');
			/* TRANSLATORS: the upload was cut and is being tried again */
			bst_html_txt(b, bst_arena_printf(r->arena, _("(attempt %d)"), p->attempt));
		}
		bst_buf_printf(b, "</p><p><progress max=\"100\" value=\"%lld\" aria-labelledby=\"push-state\">"
				  "%lld %%</progress></p>",
			       (long long)pct, (long long)pct);
		break;
	}
	case BST_PUSH_DELIVERED:
		bst_buf_puts(b, "<p role=\"status\" id=\"push-state\">");
		/* TRANSLATORS: %s is a destination such as sftp://user@host:22/folder/file */
		bst_html_txt(b, bst_arena_printf(r->arena, _("Delivered to %s:"), p->url));
		bst_buf_putc(b, ' ');
		mb(b, p->total);
		bst_buf_printf(b, ", SHA-256 <code class=\"hash\">%s</code>.</p>", p->sha256);
		break;
	case BST_PUSH_FAILED:
		bst_page_notice(b, "error",
				bst_arena_printf(r->arena, _("Sending to %s failed: %s"),
						 p->url[0] ? p->url : _("the destination"), p->error));
		break;
	}
	if (j->state == BST_EXPORT_READY && dest_set && !pushing(j)) {
		bst_form_begin(r, b, bst_arena_printf(r->arena, "/admin/export/%lld/push", (long long)j->id));
		bst_buf_printf(b, "<p><button type=\"submit\">%s</button></p></form>",
			       p->state == BST_PUSH_NONE ? _("Send to the destination")
							 : _("Send to the destination again"));
	}
}

static void status_section(struct bst_req *r, bst_buf *b, const struct bst_export_job *j,
			   bool dest_set)
{
	bst_buf_printf(b, "<section aria-labelledby=\"h-latest\"><h2 id=\"h-latest\">%s</h2>",
		       _("Latest export"));
	if (!j->id) {
		bst_buf_printf(b, "<p>%s</p></section>", _("No export was made since the server started."));
		return;
	}
	char when[64];
	bst_i18n_datetime(j->started_ms, when, sizeof when);
	bst_buf_puts(b, "<p>");
	/* TRANSLATORS: %s is a date and time, then a person's e-mail address */
	bst_buf_printf(b, _("Started on %s by %s."), when, j->by);
	bst_buf_puts(b, "</p>");
	switch (j->state) {
	case BST_EXPORT_RUNNING: {
		int64_t pct = j->bytes * 100 / (j->estimate > 0 ? j->estimate : 1);
		if (pct > 99)
			pct = 99;
		bst_buf_printf(b, "<p role=\"status\" id=\"export-state\">%s ", _("In progress:"));
		mb(b, j->bytes);
		bst_buf_printf(b, "</p><p><progress max=\"100\" value=\"%lld\" aria-labelledby=\"export-state\">"
				  "%lld %%</progress></p>",
			       (long long)pct, (long long)pct);
		break;
	}
	case BST_EXPORT_READY:
		bst_buf_printf(b, "<p role=\"status\" id=\"export-state\">%s ", _("Ready:"));
		mb(b, j->bytes);
		bst_buf_printf(b, ".</p><p><a class=\"button\" href=\"/admin/export/%lld/download\" download>%s</a></p>",
			       (long long)j->id, _("Download the export"));
		break;
	case BST_EXPORT_FAILED:
		bst_page_notice(b, "error", bst_arena_printf(r->arena, _("The export failed: %s"), j->error));
		break;
	}
	push_status(r, b, j, dest_set);
	bst_buf_puts(b, "</section>");
}

/* The destination set by the administrators, and where to change it. */
static void destination_section(struct bst_req *r, bst_buf *b, const struct bst_export_dest *d,
				bool set)
{
	bst_buf_printf(b, "<section aria-labelledby=\"h-dest\"><h2 id=\"h-dest\">%s</h2><p>",
		       _("Destination"));
	if (set) {
		bst_buf_printf(b, "%s <code>", _("Exports can be sent to:"));
		bst_html_txt(b, d->url);
		bst_buf_printf(b, "</code></p><p><a href=\"/admin/export/destination\">%s</a></p>",
			       _("Change or remove the destination"));
	} else {
		bst_buf_printf(b, "%s</p><p><a href=\"/admin/export/destination\">%s</a></p>",
			       _("No destination is set: exports are only offered for download."),
			       _("Set a destination (the client's SFTP or FTPS server)"));
	}
	bst_buf_puts(b, "</section>");
}

static void render(struct bst_req *r, int status, const char *error)
{
	struct bst_export_job j;
	bst_export_job_get(r->ctx.platform->slug, 0, &j);
	struct bst_export_dest *dest = bst_arena_alloc(r->arena, sizeof *dest);
	bool dest_set = dest && bst_export_dest_get(&r->ctx, dest) == BST_DEST_OK;
	bool busy = j.id && (j.state == BST_EXPORT_RUNNING || pushing(&j));
	bst_buf b;
	bst_buf_init(&b);
	if (busy)
		bst_reply_header(r, "Refresh", "2");
	bst_page_begin(r, &b, _("Export all data"));
	bst_page_admin_nav(r, &b, "export");
	bst_buf_printf(&b, "<p>%s</p>",
		       _("One archive with everything of the platform: the data as SQL that stock "
			 "sqlite3 and PostgreSQL load, every document and its earlier versions, the "
			 "access log and a manifest of SHA-256 sums. It is encrypted for the client "
			 "with OpenPGP: gpg --decrypt opens it."));
	if (error)
		bst_page_notice(&b, "error", error);
	status_section(r, &b, &j, dest_set);
	destination_section(r, &b, dest, dest_set);
	if (!busy) {
		bst_buf_printf(&b, "<section aria-labelledby=\"h-start\"><h2 id=\"h-start\">%s</h2>",
			       _("Start an export"));
		bst_form_begin(r, &b, "/admin/export");
		bst_buf_printf(&b,
			       "<fieldset class=\"field\"><legend>%s</legend>"
			       "<p><label><input type=\"radio\" name=\"method\" value=\"passphrase\" checked> %s</label></p>"
			       "<p><label><input type=\"radio\" name=\"method\" value=\"key\"> %s</label></p></fieldset>",
			       _("Encryption"), _("With a passphrase the client chose"),
			       _("To the client's OpenPGP public key"));
		bst_page_field(&b, "password", "passphrase", _("Passphrase (12 characters at least)"), NULL,
			       "autocomplete=\"off\" minlength=\"12\"");
		bst_page_field(&b, "password", "confirm", _("The passphrase again"), NULL,
			       "autocomplete=\"off\"");
		bst_buf_printf(&b, "<p class=\"field\"><label for=\"f-key\">%s</label>"
				   "<textarea id=\"f-key\" name=\"public_key\" rows=\"6\"></textarea></p>",
			       _("Public key (armored, -----BEGIN PGP PUBLIC KEY BLOCK-----)"));
		if (dest_set)
			bst_buf_printf(&b, "<p class=\"field\"><input type=\"checkbox\" id=\"f-push\" name=\"push\" "
					   "value=\"1\" checked><label for=\"f-push\">%s</label></p>",
				       _("Send it to the destination once ready"));
		bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form></section>",
			       _("Start the export"));
	}
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void start(struct bst_req *r)
{
	const char *method = bst_req_arg(r, "method");
	const char *pass = bst_req_arg(r, "passphrase");
	const char *confirm = bst_req_arg(r, "confirm");
	const char *key = bst_req_arg(r, "public_key");
	const char *push_arg = bst_req_arg(r, "push");
	bool by_key = method && strcmp(method, "key") == 0;
	bool push = push_arg && strcmp(push_arg, "1") == 0;
	if (!by_key && (!pass || strlen(pass) < 12)) {
		render(r, 400, _("The passphrase needs 12 characters at least."));
		return;
	}
	if (!by_key && (!confirm || strcmp(pass, confirm) != 0)) {
		render(r, 400, _("The two passphrases differ."));
		return;
	}
	if (by_key && (!key || !key[0] || strlen(key) > KEY_TEXT_MAX)) {
		render(r, 400, _("Paste the client's public key."));
		return;
	}
	int64_t id = 0;
	char err[512];
	int rc = bst_export_job_start(&r->ctx, r->srv->install->dir, by_key ? NULL : pass,
				      by_key ? key : NULL, push, &id, err, sizeof err);
	if (rc == 1) {
		render(r, 409, _("An export is being made or sent already."));
		return;
	}
	if (rc != 0) {
		render(r, 400, by_key ? _("This is not a public key that can encrypt (it may have expired or been revoked).")
				      : _("The export could not start. Please try again."));
		return;
	}
	bst_reply_redirect(r, "/admin/export");
}

void bst_page_admin_export(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		start(r);
	else
		render(r, 200, NULL);
}

/* The ready export named in the path into *j; false after answering 404
 * when there is none. */
static bool ready_job(struct bst_req *r, struct bst_export_job *j)
{
	char *end;
	long long id = strtoll(r->params[0] ? r->params[0] : "", &end, 10);
	if (*end || id <= 0 || bst_export_job_get(r->ctx.platform->slug, id, j) != 0 ||
	    j->state != BST_EXPORT_READY) {
		bst_reply_error(r, 404, "not_found", _("There is no such export."));
		return false;
	}
	return true;
}

void bst_page_admin_export_push(struct bst_req *r)
{
	struct bst_export_dest *dest = bst_arena_alloc(r->arena, sizeof *dest);
	struct bst_export_job j;
	if (!ready_job(r, &j))
		return;
	if (!dest || bst_export_dest_get(&r->ctx, dest) != BST_DEST_OK) {
		render(r, 409, _("Set a destination first."));
		return;
	}
	switch (bst_export_job_push(&r->ctx, r->srv->install->dir, j.id)) {
	case 0:
		bst_reply_redirect(r, "/admin/export");
		return;
	case 1:
		render(r, 409, _("An export is being made or sent already."));
		return;
	default:
		render(r, 500, _("The transfer could not start. Please try again."));
		return;
	}
}

static ssize_t read_file(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	int fd = (int)(intptr_t)cls;
	return bst_read_result(bst_read_full(fd, buf, max));
}

static void close_file(void *cls)
{
	close((int)(intptr_t)cls);
}

void bst_page_admin_export_download(struct bst_req *r)
{
	struct bst_export_job j;
	if (!ready_job(r, &j))
		return;
	int fd = open(j.path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		bst_reply_error(r, 404, "not_found", _("There is no such export."));
		return;
	}
	bst_audit_record(&r->ctx, "platform.export.download", r->ctx.platform->slug,
			 json_pack("{sI}", "export", (json_int_t)j.id));
	char day[40];
	bst_time_format_iso(j.started_ms, day, sizeof day);
	day[10] = '\0';
	bst_reply_header(r, "Content-Disposition",
			 bst_arena_printf(r->arena, "attachment; filename=\"export-%s-%s.tar.zst.gpg\"",
					  r->ctx.platform->slug, day));
	bst_reply_stream(r, 200, "application/pgp-encrypted", (uint64_t)st.st_size, read_file,
			 (void *)(intptr_t)fd, close_file);
}
