/* Shared by backup.c (taking backups) and backup_store.c (listing,
 * pruning, verifying, extracting): paths, keys, manifests on disk. Not
 * for other modules. */
#ifndef BST_OPS_BACKUP_INTERNAL_H
#define BST_OPS_BACKUP_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/backup.h"

#define BACKUP_PATH_MAX 1024
#define MANIFEST_FILE "manifest.json"
#define SIGNATURE_FILE "manifest.sig"
#define OBJECTS_DIR "objects"
#define TMP_PREFIX ".tmp-"

/* DATA/backups/<scope>[/<sub>] */
int backup_path(struct bst_install *in, const char *scope, const char *sub, char *out,
		size_t len);
bool backup_scope_ok(const char *scope);
/* The key a scope's files are encrypted under (wipe it after use). */
int backup_key(struct bst_install *in, const char *scope, uint8_t key[BST_KEY_BYTES],
	       char *err, size_t errlen);
/* Reads, checks the signature of and parses DATA/backups/<scope>/<id>/'s
 * manifest, checking that it names that scope and id. Returns 0 (the
 * caller clears m), or -1 with the problem in err. */
int backup_manifest_load(struct bst_install *in, const char *scope, const char *id,
			 const uint8_t pk[32], struct bst_manifest *m, char *err, size_t errlen);
/* The same, for the backup directory dir (a copy fetched from a target). */
int backup_manifest_load_dir(const char *dir, const char *scope, const char *id,
			     const uint8_t pk[32], struct bst_manifest *m, char *err,
			     size_t errlen);
/* Reads a whole file (at most max bytes) into a malloc'ed buffer. */
char *backup_read_file(const char *path, size_t max, size_t *len);
/* Ids of the complete backups of scope (directories named like one),
 * sorted oldest first; the caller frees. */
int backup_ids(struct bst_install *in, const char *scope, char (**ids)[BST_BACKUP_ID_LEN + 1],
	       size_t *n, char *err, size_t errlen);
/* A scratch directory DATA/.scratch-<pid>-<what>, created empty (0700). */
int backup_scratch(struct bst_install *in, const char *what, char *out, size_t len, char *err,
		   size_t errlen);
/* Removes scratch directories and temporary backups left by processes
 * that no longer run (a kill -9). */
void backup_clean_stale(struct bst_install *in, const char *scope);

#endif
