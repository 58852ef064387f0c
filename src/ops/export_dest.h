/* Where the back office pushes a platform's exports (issue 6): one
 * destination per platform, set by its administrators — an sftp:// or
 * ftps:// URL naming a folder, and how the server proves who it is (SFTP:
 * its host key's SHA-256, required; FTPS: a CA certificate or a pinned
 * public key, one of them required, and the password). Bastide logs in
 * over SFTP with the installation's own key (ops/transfer_key.h). Kept in
 * the platform's main.db; the FTPS password is sealed under the
 * platform's data key and never given back — not to pages, logs or the
 * trail. A stored password is only reused for the same user, host and
 * port: pointing the destination elsewhere asks for it again, so that
 * whoever changes the destination cannot have it sent to their own
 * server. Setting and removing are audited (platform.export.destination).
 * Thread-safe. */
#ifndef BST_OPS_EXPORT_DEST_H
#define BST_OPS_EXPORT_DEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/q_export_dest.h"
#include "ops/transfer.h"
#include "tenant/context.h"

/* A CA certificate chain pasted in the form: a few certificates. */
#define BST_EXPORT_DEST_CA_MAX (BST_Q_DEST_CA_LEN - 1)
/* Room left in the URL's path for each export's own file name. */
#define BST_EXPORT_DEST_NAME_MAX 96

enum bst_dest_status {
	BST_DEST_OK = 0,
	BST_DEST_NONE,             /* no destination is set */
	BST_DEST_INVALID_URL,      /* see detail */
	BST_DEST_INVALID_HOST_KEY, /* SFTP: missing or malformed */
	BST_DEST_NEED_TRUST,       /* FTPS: neither a CA nor a pinned key */
	BST_DEST_INVALID_CA,
	BST_DEST_INVALID_PIN,
	BST_DEST_NEED_PASSWORD,    /* FTPS: none given, none to keep */
	BST_DEST_INVALID_PASSWORD, /* more than one line, or too long */
	BST_DEST_FORBIDDEN,
	BST_DEST_ERROR,            /* the store failed */
};

/* A stable code ("destination_url_invalid"), an English msgid for people,
 * and the HTTP status an interface answers with. */
const char *bst_export_dest_code(enum bst_dest_status s);
const char *bst_export_dest_text(enum bst_dest_status s);
int bst_export_dest_http_status(enum bst_dest_status s);

/* The destination as pages show it: everything but the password. */
struct bst_export_dest {
	char url[BST_Q_DEST_URL_LEN];
	enum bst_transfer_proto proto;
	char host_key_sha256[BST_Q_DEST_PIN_LEN];
	char ca_pem[BST_Q_DEST_CA_LEN];
	char pinned_key[BST_Q_DEST_PINS_LEN];
	bool has_password;
	int64_t updated_ms;
	char updated_by[BST_EMAIL_MAX + 1];
};

/* What an administrator typed; NULL or "" for a field left empty. An
 * empty password keeps the stored one when the URL's user, host and port
 * are the same. */
struct bst_export_dest_input {
	const char *url, *host_key_sha256, *ca_pem, *pinned_key, *password;
};

/* OK and *out, or NONE (out cleared). Administrators only. */
enum bst_dest_status bst_export_dest_get(struct bst_ctx *ctx, struct bst_export_dest *out);
/* Checks, stores and audits in; detail (may be NULL) gets the precise
 * reason of INVALID_URL (English, no secret). */
enum bst_dest_status bst_export_dest_set(struct bst_ctx *ctx, const struct bst_export_dest_input *in,
					 char *detail, size_t detail_len);
/* OK, or NONE when there was none. Audited. */
enum bst_dest_status bst_export_dest_remove(struct bst_ctx *ctx);

/* Everything one push needs, for the file name in the destination's
 * folder: its URL, and auth pointing into this struct (the installation's
 * key, the pins, a CA file written for the push, the password unsealed in
 * memory). Filled by bst_export_dest_prepare; bst_export_dest_release
 * wipes the password and removes the CA file. Not shared between threads. */
struct bst_export_dest_push {
	struct bst_transfer_url url;
	char display[BST_Q_DEST_URL_LEN + BST_EXPORT_DEST_NAME_MAX + 2];
	struct bst_transfer_auth auth;
	char key_path[640];
	char host_key[BST_Q_DEST_PIN_LEN];
	char pinned_key[BST_Q_DEST_PINS_LEN];
	char ca_path[720];
	char password[300];
};

/* For the platform of ctx, whose data directory is data_dir: 0, or -1 with
 * a sentence in err (English; no destination, a key that cannot be made,
 * a password that does not open). Call release whatever it returns. */
int bst_export_dest_prepare(struct bst_ctx *ctx, const char *data_dir, const char *name,
			    struct bst_export_dest_push *out, char *err, size_t errlen);
void bst_export_dest_release(struct bst_export_dest_push *p);

#endif
