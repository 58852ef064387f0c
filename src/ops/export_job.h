/* The back office's "Export all data" (issue 6): an export archive made in
 * the background by the server for a platform's administrator, encrypted
 * for the client as they chose (a passphrase, or a public key they paste),
 * written under DATA/platforms/<slug>/exports/ (encrypted: nothing
 * plaintext touches the disk), with its progress, then offered for
 * download. One export at a time per platform; the list lives in the
 * server's memory (a restart forgets it; the files stay until the
 * platform's next export replaces them). Audited: started, ready or
 * failed, downloaded. Thread-safe. */
#ifndef BST_OPS_EXPORT_JOB_H
#define BST_OPS_EXPORT_JOB_H
#include <stddef.h>
#include <stdint.h>

#include "tenant/context.h"

enum bst_export_job_state { BST_EXPORT_RUNNING, BST_EXPORT_READY, BST_EXPORT_FAILED };

struct bst_export_job {
	int64_t id;
	enum bst_export_job_state state;
	int64_t bytes;    /* written so far */
	int64_t estimate; /* about what the whole will be */
	int64_t started_ms, finished_ms;
	char by[256];     /* who asked */
	char error[256];  /* FAILED: why */
	char path[700];   /* READY: the file */
};

/* Starts ctx's platform's export, encrypted with passphrase (non-NULL) or
 * to the public key text (armored). 0 and *id; 1 when one is running
 * already; -1 with a sentence in err (a bad key, a short passphrase). */
int bst_export_job_start(struct bst_ctx *ctx, const char *data_dir, const char *passphrase,
			 const char *public_key, int64_t *id, char *err, size_t errlen);
/* The platform's latest export (0: none), or job id of it. */
int bst_export_job_get(const char *slug, int64_t id, struct bst_export_job *out);

#endif
