/* The platform's export destination (see export_dest.h). */
#include "ops/export_dest.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/crypto.h"
#include "core/fileio.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/str.h"
#include "ops/transfer_key.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The longest password kept: what the transfer module accepts. */
#define PASSWORD_MAX 256
/* Associated data of the sealed password: it opens for this use only. */
#define PASSWORD_AD "export-destination-password"

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
	[BST_DEST_OK] = {"ok", N_("Done."), 200},
	[BST_DEST_NONE] = {"destination_none", N_("No destination is set."), 404},
	[BST_DEST_INVALID_URL] = {"destination_url_invalid", N_("The address must be sftp://user@host[:port]/folder or ftps://user@host[:port]/folder."), 400},
	[BST_DEST_INVALID_HOST_KEY] = {"destination_host_key_invalid", N_("For SFTP, give the fingerprint of the server's host key as ssh-keygen -lf prints it: SHA256: followed by 43 characters."), 400},
	[BST_DEST_NEED_TRUST] = {"destination_trust_missing", N_("For FTPS, give the CA certificate that signed the server's certificate, or the server's pinned public key."), 400},
	[BST_DEST_INVALID_CA] = {"destination_ca_invalid", N_("The CA certificate must be pasted in PEM form (-----BEGIN CERTIFICATE-----), 16 KB at most."), 400},
	[BST_DEST_INVALID_PIN] = {"destination_pin_invalid", N_("The pinned public key must be sha256// followed by the base64 of a SHA-256 (several separated by ;)."), 400},
	[BST_DEST_NEED_PASSWORD] = {"destination_password_missing", N_("For FTPS, give the password (again when the user, host or port changes)."), 400},
	[BST_DEST_INVALID_PASSWORD] = {"destination_password_invalid", N_("The password must be one line of 256 bytes at most."), 400},
	[BST_DEST_FORBIDDEN] = {"forbidden", N_("You are not allowed to do this."), 403},
	[BST_DEST_ERROR] = {"internal", N_("Something went wrong on our side; nothing was changed. Please try again."), 500},
};

const char *bst_export_dest_code(enum bst_dest_status s)
{
	return statuses[s].code;
}

const char *bst_export_dest_text(enum bst_dest_status s)
{
	return statuses[s].text;
}

int bst_export_dest_http_status(enum bst_dest_status s)
{
	return statuses[s].http;
}

static bool blank(const char *s)
{
	return !s || !s[strspn(s, " \t\r\n")];
}

/* s without the spaces around it, into out; false when it does not fit. */
static bool trimmed(const char *s, char *out, size_t outlen)
{
	s = s ? s + strspn(s, " \t\r\n") : "";
	size_t n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	if (n >= outlen)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* The folder URL, parsed (a trailing '/' is dropped), with room for the
 * exports' names after it. */
static enum bst_dest_status parse_folder(const char *in, struct bst_transfer_url *u, char *detail,
					 size_t detail_len)
{
	char url[BST_Q_DEST_URL_LEN], err[256] = "";
	if (!trimmed(in, url, sizeof url)) {
		snprintf(detail, detail_len, "the URL is too long");
		return BST_DEST_INVALID_URL;
	}
	size_t n = strlen(url);
	if (n > 8 && url[n - 1] == '/')
		url[n - 1] = '\0';
	if (bst_transfer_parse_url(url, u, err, sizeof err) != 0) {
		snprintf(detail, detail_len, "%s", err);
		return BST_DEST_INVALID_URL;
	}
	if (strlen(u->path) + 1 + BST_EXPORT_DEST_NAME_MAX > BST_TRANSFER_PATH_MAX) {
		snprintf(detail, detail_len, "the folder's path is too long");
		return BST_DEST_INVALID_URL;
	}
	return BST_DEST_OK;
}

/* "SHA256:" and 43 base64 characters, from what ssh-keygen -lf prints
 * (with or without the prefix, with or without padding). */
static bool host_key(const char *in, char out[BST_Q_DEST_PIN_LEN])
{
	char fp[BST_Q_DEST_PIN_LEN];
	if (!trimmed(in, fp, sizeof fp) || !fp[0])
		return false;
	struct bst_transfer_url u = {.proto = BST_TRANSFER_SFTP};
	struct bst_transfer_auth a = {.ssh_key = "-", .host_key_sha256 = fp};
	char err[256];
	if (bst_transfer_check_auth(&u, &a, err, sizeof err) != 0)
		return false;
	const char *b = strncmp(fp, "SHA256:", 7) == 0 ? fp + 7 : fp;
	snprintf(out, BST_Q_DEST_PIN_LEN, "SHA256:%.43s", b);
	return true;
}

/* One or more PEM certificates and nothing else than base64 and markers. */
static bool ca_ok(const char *pem)
{
	if (strlen(pem) > BST_EXPORT_DEST_CA_MAX || !strstr(pem, "-----BEGIN CERTIFICATE-----") ||
	    !strstr(pem, "-----END CERTIFICATE-----"))
		return false;
	for (const char *p = pem; *p; p++)
		if (!((*p >= 0x20 && *p < 0x7f) || *p == '\n' || *p == '\r' || *p == '\t'))
			return false;
	return true;
}

static bool pins_ok(const char *pins)
{
	struct bst_transfer_url u = {.proto = BST_TRANSFER_FTPS};
	struct bst_transfer_auth a = {.password = "-", .pinned_key = pins};
	char err[256];
	return bst_transfer_check_auth(&u, &a, err, sizeof err) == 0;
}

static bool same_server(const char *stored_url, const struct bst_transfer_url *u)
{
	struct bst_transfer_url old;
	char err[256];
	return stored_url[0] && bst_transfer_parse_url(stored_url, &old, err, sizeof err) == 0 &&
	       old.proto == u->proto && old.port == u->port && strcmp(old.user, u->user) == 0 &&
	       strcmp(old.host, u->host) == 0;
}

enum bst_dest_status bst_export_dest_get(struct bst_ctx *ctx, struct bst_export_dest *out)
{
	memset(out, 0, sizeof *out);
	if (!bst_authz_admin(ctx))
		return BST_DEST_FORBIDDEN;
	struct bst_export_dest_row *row = calloc(1, sizeof *row);
	if (!row)
		return BST_DEST_ERROR;
	enum bst_dest_status st;
	switch (bst_q_export_dest_get(ctx->platform->main, row)) {
	case BST_QS_ONE_RESULT: {
		struct bst_transfer_url u;
		char err[256];
		bst_str_copy(out->url, sizeof out->url, row->url);
		out->proto = bst_transfer_parse_url(row->url, &u, err, sizeof err) == 0
				 ? u.proto
				 : BST_TRANSFER_SFTP;
		bst_str_copy(out->host_key_sha256, sizeof out->host_key_sha256, row->host_key_sha256);
		bst_str_copy(out->ca_pem, sizeof out->ca_pem, row->ca_pem);
		bst_str_copy(out->pinned_key, sizeof out->pinned_key, row->pinned_key);
		out->has_password = row->password_sealed[0] != '\0';
		out->updated_ms = row->updated_ms;
		bst_str_copy(out->updated_by, sizeof out->updated_by, row->updated_by);
		st = BST_DEST_OK;
		break;
	}
	case BST_QS_NO_RESULTS:
		st = BST_DEST_NONE;
		break;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
	default:
		st = BST_DEST_ERROR;
		break;
	}
	sodium_memzero(row, sizeof *row);
	free(row);
	return st;
}

/* Fills next (its url already formatted) from in, for u's protocol. */
static enum bst_dest_status check_identity(struct bst_ctx *ctx, const struct bst_transfer_url *u,
					   const struct bst_export_dest_input *in,
					   const struct bst_export_dest_row *cur,
					   struct bst_export_dest_row *next, bool *password_kept)
{
	*password_kept = false;
	if (u->proto == BST_TRANSFER_SFTP)
		return host_key(in->host_key_sha256, next->host_key_sha256)
			   ? BST_DEST_OK
			   : BST_DEST_INVALID_HOST_KEY;
	bool has_ca = !blank(in->ca_pem), has_pin = !blank(in->pinned_key);
	if (!has_ca && !has_pin)
		return BST_DEST_NEED_TRUST;
	if (has_ca && (!trimmed(in->ca_pem, next->ca_pem, sizeof next->ca_pem) ||
		       !ca_ok(next->ca_pem)))
		return BST_DEST_INVALID_CA;
	if (has_pin && (!trimmed(in->pinned_key, next->pinned_key, sizeof next->pinned_key) ||
			!pins_ok(next->pinned_key)))
		return BST_DEST_INVALID_PIN;
	if (in->password && in->password[0]) {
		size_t n = strlen(in->password);
		if (n > PASSWORD_MAX || strpbrk(in->password, "\r\n"))
			return BST_DEST_INVALID_PASSWORD;
		bst_seal_hex(ctx->platform->key, PASSWORD_AD, (const uint8_t *)in->password, n,
			     next->password_sealed);
		return BST_DEST_OK;
	}
	if (cur->password_sealed[0] && same_server(cur->url, u)) {
		bst_str_copy(next->password_sealed, sizeof next->password_sealed,
			     cur->password_sealed);
		*password_kept = true;
		return BST_DEST_OK;
	}
	return BST_DEST_NEED_PASSWORD;
}

enum bst_dest_status bst_export_dest_set(struct bst_ctx *ctx, const struct bst_export_dest_input *in,
					 char *detail, size_t detail_len)
{
	char scratch[8];
	if (!detail) {
		detail = scratch;
		detail_len = sizeof scratch;
	}
	detail[0] = '\0';
	if (!bst_authz_admin(ctx))
		return BST_DEST_FORBIDDEN;
	struct bst_transfer_url u;
	enum bst_dest_status st = parse_folder(in->url, &u, detail, detail_len);
	if (st != BST_DEST_OK)
		return st;
	struct bst_export_dest_row *cur = calloc(1, sizeof *cur), *next = calloc(1, sizeof *next);
	if (!cur || !next) {
		st = BST_DEST_ERROR;
		goto cleanup;
	}
	enum bst_qs qs = bst_q_export_dest_get(ctx->platform->main, cur);
	if (qs < 0) {
		st = BST_DEST_ERROR;
		goto cleanup;
	}
	bst_transfer_url_format(&u, next->url, sizeof next->url);
	bool kept;
	st = check_identity(ctx, &u, in, cur, next, &kept);
	if (st != BST_DEST_OK)
		goto cleanup;
	next->updated_ms = ctx->now;
	bst_str_copy(next->updated_by, sizeof next->updated_by,
		     ctx->actor == BST_ACTOR_USER ? ctx->user.email : "operator");
	if (bst_q_export_dest_put(ctx->platform->main, next) < 0) {
		st = BST_DEST_ERROR;
		goto cleanup;
	}
	json_t *d = json_pack("{ss ss ss}", "change", qs == BST_QS_ONE_RESULT ? "changed" : "set",
			      "url", next->url, "protocol",
			      u.proto == BST_TRANSFER_SFTP ? "sftp" : "ftps");
	if (d && u.proto == BST_TRANSFER_SFTP) {
		json_object_set_new(d, "host_key_sha256", json_string(next->host_key_sha256));
	} else if (d) {
		json_object_set_new(d, "ca_certificate", json_boolean(next->ca_pem[0] != '\0'));
		if (next->pinned_key[0])
			json_object_set_new(d, "pinned_key", json_string(next->pinned_key));
		json_object_set_new(d, "password", json_string(kept ? "kept" : "new"));
	}
	bst_audit_record(ctx, "platform.export.destination", ctx->platform->slug, d);
cleanup:
	if (cur)
		sodium_memzero(cur, sizeof *cur);
	if (next)
		sodium_memzero(next, sizeof *next);
	free(cur);
	free(next);
	return st;
}

enum bst_dest_status bst_export_dest_remove(struct bst_ctx *ctx)
{
	if (!bst_authz_admin(ctx))
		return BST_DEST_FORBIDDEN;
	struct bst_export_dest cur;
	enum bst_dest_status st = bst_export_dest_get(ctx, &cur);
	if (st != BST_DEST_OK)
		return st;
	switch (bst_q_export_dest_delete(ctx->platform->main)) {
	case BST_QS_ONE_RESULT:
		bst_audit_record(ctx, "platform.export.destination", ctx->platform->slug,
				 json_pack("{ss ss}", "change", "removed", "url", cur.url));
		return BST_DEST_OK;
	case BST_QS_NO_RESULTS:
		return BST_DEST_NONE;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
	default:
		return BST_DEST_ERROR;
	}
}

/* Writes the CA certificates to a file of their own for libcurl (not a
 * secret: mode 0600 all the same). */
static int write_ca(const char *data_dir, const char *slug, const char *pem, char *path,
		    size_t pathlen, char *err, size_t errlen)
{
	char dir[640];
	snprintf(dir, sizeof dir, "%s/platforms/%s/exports", data_dir, slug);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, pathlen, "%s/destination-ca.XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0 || bst_write_all(fd, pem, strlen(pem)) != 0 || close(fd) != 0) {
		snprintf(err, errlen, "cannot write the CA certificate in %s: %s", dir,
			 strerror(errno));
		if (fd >= 0)
			unlink(path);
		path[0] = '\0';
		return -1;
	}
	return 0;
}

int bst_export_dest_prepare(struct bst_ctx *ctx, const char *data_dir, const char *name,
			    struct bst_export_dest_push *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!bst_authz_admin(ctx)) {
		snprintf(err, errlen, "only the platform's administrators push its exports");
		return -1;
	}
	struct bst_export_dest_row *row = calloc(1, sizeof *row);
	int rc = -1;
	if (!row) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	enum bst_qs qs = bst_q_export_dest_get(ctx->platform->main, row);
	if (qs != BST_QS_ONE_RESULT) {
		snprintf(err, errlen, qs == BST_QS_NO_RESULTS ? "no destination is set"
							     : "cannot read the destination");
		goto cleanup;
	}
	char url[sizeof out->display];
	snprintf(url, sizeof url, "%s/%s", row->url, name);
	if (bst_transfer_parse_url(url, &out->url, err, errlen) != 0)
		goto cleanup;
	bst_transfer_url_format(&out->url, out->display, sizeof out->display);
	if (out->url.proto == BST_TRANSFER_SFTP) {
		char line[BST_TRANSFER_PUBLINE_MAX + 1];
		if (bst_transfer_key_ensure(data_dir, out->key_path, sizeof out->key_path, line,
					    NULL, err, errlen) != 0)
			goto cleanup;
		bst_str_copy(out->host_key, sizeof out->host_key, row->host_key_sha256);
		out->auth.ssh_key = out->key_path;
		out->auth.host_key_sha256 = out->host_key;
	} else {
		long n = bst_open_hex(ctx->platform->key, PASSWORD_AD, row->password_sealed,
				      (uint8_t *)out->password, sizeof out->password - 1);
		if (n < 0) {
			snprintf(err, errlen, "the destination's password does not open: set it again");
			goto cleanup;
		}
		out->password[n] = '\0';
		out->auth.password = out->password;
		if (row->pinned_key[0]) {
			bst_str_copy(out->pinned_key, sizeof out->pinned_key, row->pinned_key);
			out->auth.pinned_key = out->pinned_key;
		}
		if (row->ca_pem[0]) {
			if (write_ca(data_dir, ctx->platform->slug, row->ca_pem, out->ca_path,
				     sizeof out->ca_path, err, errlen) != 0)
				goto cleanup;
			out->auth.ca_file = out->ca_path;
		}
	}
	rc = 0;
cleanup:
	sodium_memzero(row, sizeof *row);
	free(row);
	return rc;
}

void bst_export_dest_release(struct bst_export_dest_push *p)
{
	if (p->ca_path[0])
		unlink(p->ca_path);
	p->ca_path[0] = '\0';
	sodium_memzero(p->password, sizeof p->password);
}
