/* /admin/export/destination: where the back office sends the platform's
 * exports (src/ops/export_dest.h). GET shows the destination and the form
 * that sets it: the sftp:// or ftps:// URL of a folder on the client's
 * server, and how that server proves who it is (SFTP: its host key's
 * fingerprint; FTPS: a CA certificate or a pinned public key, and the
 * password, never shown back). For SFTP it shows the installation's public
 * key, which the client authorises. POST action=save sets it, action=remove
 * removes it; both are audited by the service. */
#include "web/admin.h"
#include "core/log.h"
#include "ops/export_dest.h"
#include "ops/transfer_key.h"
#include "http/server.h"

#include <string.h>

/* The installation's SSH public key, for the client's authorized_keys. */
static void ssh_key_section(struct bst_req *r, bst_buf *b)
{
	char line[BST_TRANSFER_PUBLINE_MAX + 1], fp[BST_TRANSFER_KEY_FP_MAX + 1], err[300];
	bst_buf_printf(b, "<section aria-labelledby=\"h-key\"><h2 id=\"h-key\">%s</h2>",
		       _("For SFTP: this installation's key"));
	if (bst_transfer_key_ensure(r->srv->install->dir, NULL, 0, line, fp, err, sizeof err) != 0) {
		bst_log_error("export destination: %s", err);
		bst_page_notice(b, "error", _("The installation's SSH key cannot be read: tell the operator."));
		bst_buf_puts(b, "</section>");
		return;
	}
	bst_buf_printf(b, "<p>%s</p><pre class=\"key\" id=\"ssh-public-key\">",
		       _("Bastide signs in to the client's SFTP server with this key (ed25519). "
			 "Ask the client to add this line to the authorized_keys file of the "
			 "account named in the address:"));
	bst_html_txt(b, line);
	bst_buf_printf(b, "</pre><p class=\"hint\">%s <code>", _("Its fingerprint:"));
	bst_html_txt(b, fp);
	bst_buf_puts(b, "</code></p></section>");
}

/* Echoes what was typed (or what is stored) into the form; never a password. */
struct fields {
	const char *url, *host_key, *ca_pem, *pinned_key;
};

static void render(struct bst_req *r, int status, const char *error, const struct fields *f,
		   const struct bst_export_dest *cur)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Export destination"));
	bst_page_admin_nav(r, &b, "export");
	bst_buf_printf(&b, "<p><a href=\"/admin/export\">%s</a></p><p>%s</p>", _("Back to the exports"),
		       _("Exports made in the back office can be sent to the client's own server "
			 "over SFTP or FTPS (FTP with explicit TLS). Each export is written into "
			 "the folder given here under a name of its own, first as name.part, then "
			 "renamed once complete, with name.sha256 beside it."));
	if (error)
		bst_page_notice(&b, "error", error);
	if (cur) {
		char when[64];
		bst_i18n_datetime(cur->updated_ms, when, sizeof when);
		bst_buf_puts(&b, "<p>");
		/* TRANSLATORS: a destination URL, a date and time, a person's e-mail address */
		bst_html_txt(&b, bst_arena_printf(r->arena, _("Current destination: %s (set on %s by %s)."),
						  cur->url, when, cur->updated_by));
		bst_buf_puts(&b, "</p>");
	}
	bst_form_begin(r, &b, "/admin/export/destination");
	bst_buf_puts(&b, "<input type=\"hidden\" name=\"action\" value=\"save\">");
	bst_page_field(&b, "text", "url",
		       _("Address of the folder: sftp://user@host[:port]/folder or ftps://user@host[:port]/folder"),
		       f->url, "required maxlength=\"1100\" autocomplete=\"off\" spellcheck=\"false\"");
	bst_buf_printf(&b, "<fieldset><legend>%s</legend>", _("SFTP"));
	bst_page_field(&b, "text", "host_key_sha256",
		       _("Fingerprint of the server's host key (ssh-keygen -lf prints it: SHA256:…)"),
		       f->host_key, "maxlength=\"60\" autocomplete=\"off\" spellcheck=\"false\"");
	bst_buf_printf(&b, "</fieldset><fieldset><legend>%s</legend>", _("FTPS"));
	bst_buf_printf(&b, "<p class=\"field\"><label for=\"f-ca\">%s</label>"
			   "<textarea id=\"f-ca\" name=\"ca_pem\" rows=\"6\" spellcheck=\"false\">",
		       _("CA certificate that signed the server's certificate (PEM)"));
	bst_html_txt(&b, f->ca_pem ? f->ca_pem : "");
	bst_buf_puts(&b, "</textarea></p>");
	bst_page_field(&b, "text", "pinned_key",
		       _("Or the server's public key, pinned: sha256//BASE64"), f->pinned_key,
		       "maxlength=\"590\" autocomplete=\"off\" spellcheck=\"false\"");
	bst_page_field(&b, "password", "password",
		       cur && cur->has_password
			   ? _("Password (leave empty to keep the current one)")
			   : _("Password"),
		       NULL, "autocomplete=\"new-password\" maxlength=\"256\"");
	bst_buf_printf(&b, "</fieldset><p><button type=\"submit\">%s</button></p></form>",
		       _("Save the destination"));
	if (cur) {
		bst_form_begin(r, &b, "/admin/export/destination");
		bst_buf_printf(&b, "<input type=\"hidden\" name=\"action\" value=\"remove\">"
				   "<p><button type=\"submit\" class=\"danger\">%s</button></p></form>",
			       _("Remove the destination"));
	}
	ssh_key_section(r, &b);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void show(struct bst_req *r, int status, const char *error, const struct fields *typed)
{
	struct bst_export_dest *cur = bst_arena_alloc(r->arena, sizeof *cur);
	enum bst_dest_status st = cur ? bst_export_dest_get(&r->ctx, cur) : BST_DEST_ERROR;
	if (st != BST_DEST_OK && st != BST_DEST_NONE) {
		bst_reply_error(r, bst_export_dest_http_status(st), bst_export_dest_code(st),
				_(bst_export_dest_text(st)));
		return;
	}
	bool set = st == BST_DEST_OK;
	struct fields f = {0};
	if (typed)
		f = *typed;
	else if (set)
		f = (struct fields){cur->url, cur->host_key_sha256, cur->ca_pem, cur->pinned_key};
	render(r, status, error, &f, set ? cur : NULL);
}

static void save(struct bst_req *r)
{
	struct bst_export_dest_input in = {
	    .url = bst_req_arg(r, "url"),
	    .host_key_sha256 = bst_req_arg(r, "host_key_sha256"),
	    .ca_pem = bst_req_arg(r, "ca_pem"),
	    .pinned_key = bst_req_arg(r, "pinned_key"),
	    .password = bst_req_arg(r, "password"),
	};
	char detail[300];
	enum bst_dest_status st = bst_export_dest_set(&r->ctx, &in, detail, sizeof detail);
	if (st == BST_DEST_OK) {
		bst_reply_redirect(r, "/admin/export/destination?notice=saved");
		return;
	}
	const char *msg = _(bst_export_dest_text(st));
	if (st == BST_DEST_INVALID_URL && detail[0])
		/* the parser's precise reason: English, and no secret */
		msg = bst_arena_printf(r->arena, "%s (%s)", msg, detail);
	struct fields typed = {in.url, in.host_key_sha256, in.ca_pem, in.pinned_key};
	show(r, bst_export_dest_http_status(st), msg, &typed);
}

void bst_page_admin_export_destination(struct bst_req *r)
{
	if (strcmp(r->method, "GET") == 0) {
		show(r, 200, NULL, NULL);
		return;
	}
	const char *action = bst_req_arg(r, "action");
	if (action && strcmp(action, "save") == 0) {
		save(r);
		return;
	}
	if (action && strcmp(action, "remove") == 0) {
		enum bst_dest_status st = bst_export_dest_remove(&r->ctx);
		if (st == BST_DEST_OK || st == BST_DEST_NONE) {
			bst_reply_redirect(r, "/admin/export/destination?notice=destination-removed");
			return;
		}
		show(r, bst_export_dest_http_status(st), _(bst_export_dest_text(st)), NULL);
		return;
	}
	show(r, 400, _("Choose to save or to remove the destination."), NULL);
}
