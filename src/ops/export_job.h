/* The back office's "Export all data" (issue 6): an export archive made in
 * the background by the server for a platform's administrator, encrypted
 * for the client as they chose (a passphrase, or a public key they paste),
 * written under DATA/platforms/<slug>/exports/ (encrypted: nothing
 * plaintext touches the disk), with its progress, then offered for
 * download and, when asked, pushed to the platform's destination
 * (ops/export_dest.h) with its progress too. One export or push at a time
 * per platform; the list lives in the server's memory (a restart forgets
 * it; the files stay until the platform's next export replaces them).
 * Audited: started, ready or failed, downloaded, transferred. Thread-safe. */
#ifndef BST_OPS_EXPORT_JOB_H
#define BST_OPS_EXPORT_JOB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tenant/context.h"

enum bst_export_job_state { BST_EXPORT_RUNNING, BST_EXPORT_READY, BST_EXPORT_FAILED };

enum bst_export_push_state {
	BST_PUSH_NONE,      /* not asked */
	BST_PUSH_WAITING,   /* asked: sent once the export is ready */
	BST_PUSH_RUNNING,
	BST_PUSH_DELIVERED,
	BST_PUSH_FAILED,
};

/* The push of a ready export to the destination. */
struct bst_export_push {
	enum bst_export_push_state state;
	int64_t sent, total; /* bytes of the archive on the server, of its size */
	int attempt;         /* of the upload, from 1 */
	int64_t finished_ms;
	char url[1400];      /* where: the destination's folder and the file's name */
	char sha256[65];     /* DELIVERED: hex, as written beside it */
	char error[320];     /* FAILED: why (no secret) */
};

struct bst_export_job {
	int64_t id;
	enum bst_export_job_state state;
	int64_t bytes;    /* written so far */
	int64_t estimate; /* about what the whole will be */
	int64_t started_ms, finished_ms;
	char by[256];     /* who asked */
	char error[256];  /* FAILED: why */
	char path[700];   /* READY: the file */
	struct bst_export_push push;
};

/* Starts ctx's platform's export, encrypted with passphrase (non-NULL) or
 * to the public key text (armored), pushed to the platform's destination
 * once ready when push is true. 0 and *id; 1 when an export or a push is
 * running already; -1 with a sentence in err (a bad key, a short
 * passphrase). */
int bst_export_job_start(struct bst_ctx *ctx, const char *data_dir, const char *passphrase,
			 const char *public_key, bool push, int64_t *id, char *err, size_t errlen);
/* Pushes ready export id of ctx's platform to its destination, in the
 * background (again, after a failure: a partial copy is resumed).
 * Administrators only. 0; 1 when an export or a push is running; -1 when
 * there is no such ready export, it cannot start, or ctx may not. */
int bst_export_job_push(struct bst_ctx *ctx, const char *data_dir, int64_t id);
/* The platform's latest export (0: none), or job id of it. */
int bst_export_job_get(const char *slug, int64_t id, struct bst_export_job *out);

#endif
