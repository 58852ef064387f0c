/* Backups of an installation: each platform's main and audit databases
 * and document blobs, and the control database, as encrypted, signed
 * backup sets under DATA/backups/<scope>/<id>/ (scope: a platform's slug,
 * or BST_BACKUP_CONTROL_SCOPE), with the blobs' objects in
 * DATA/backups/<scope>/objects/ shared by every backup of the scope.
 * A backup is written in a temporary directory and renamed into place
 * once complete, so that a directory named like a backup is always a
 * whole one. Taking, pruning, verifying and restoring take a lock per
 * scope (flock on DATA/backups/<scope>/.lock: exclusive to write, shared
 * to read), so that the CLI and the server's scheduler can run them side
 * by side. Never holds a platform's key longer than a call; never logs a
 * secret. Functions may run on any thread, one call per scope at a time
 * being arranged by the lock. The key store (keys.db) is never part of a
 * backup. */
#ifndef BST_OPS_BACKUP_H
#define BST_OPS_BACKUP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/backup_manifest.h"
#include "ops/backup_retention.h"
#include "tenant/install.h"

/* zstd level 3: zstd's own default, the best speed for its ratio. */
#define BST_BACKUP_ZSTD_LEVEL 3
/* Databases are stored in chunks of this many bytes (a power of two, so
 * whole SQLite pages): a chunk whose bytes did not change since an
 * earlier backup of the scope is not stored again. */
#define BST_BACKUP_DB_CHUNK (1u << 20)

struct bst_backup_result {
	char id[BST_BACKUP_ID_LEN + 1];
	uint64_t size;    /* stored bytes the backup refers to */
	uint64_t written; /* of which written by this run (the rest was there) */
	size_t n_blobs, n_blobs_new;
	size_t n_chunks, n_chunks_new; /* database chunks listed, objects written */
	int64_t duration_ms;
};

/* Takes a backup of scope (a platform's slug, or BST_BACKUP_CONTROL_SCOPE
 * for the control database) while the server runs. progress: a counter on
 * stderr (when it is a terminal). Returns 0, or -1 with a sentence in err
 * (nothing that looks like a backup is left behind). */
int bst_backup_run(struct bst_install *in, const char *scope, bool progress,
		   struct bst_backup_result *res, char *err, size_t errlen);

/* What exists for a scope, oldest first. */
struct bst_backup_info {
	char id[BST_BACKUP_ID_LEN + 1];
	int64_t at_ms;
	bool readable;      /* manifest present, signed by this installation, valid */
	char problem[200];  /* when not */
	uint64_t size, written;
	size_t n_blobs, n_chunks;
	int64_t duration_ms;
	unsigned kinds;     /* BST_KEEP_* under the given retention */
};
/* Fills *out (the caller free()s it) with *n entries. Returns 0, or -1
 * with a sentence in err. retention may be NULL (kinds left 0). */
int bst_backup_list(struct bst_install *in, const char *scope, const struct bst_retention *r,
		    struct bst_backup_info **out, size_t *n, char *err, size_t errlen);
/* Every scope with a backup directory (platform slugs, then the control
 * scope), as a NULL-terminated array the caller frees with
 * bst_backup_scopes_free. */
char **bst_backup_scopes(struct bst_install *in);
void bst_backup_scopes_free(char **scopes);

/* Removes the backups of scope that retention no longer keeps, then the
 * objects no remaining backup refers to, and what interrupted runs left.
 * Objects are only removed when every remaining manifest could be read.
 * Sets *removed to the number of backups removed. Returns 0, or -1 with a
 * sentence in err. */
int bst_backup_prune(struct bst_install *in, const char *scope, const struct bst_retention *r,
		     int *removed, int *objects_removed, char *err, size_t errlen);

/* Checks backup id of scope (NULL: every backup of it): the manifest's
 * signature, each file's and object's size and BLAKE2b, that each
 * decrypts and decompresses, and PRAGMA integrity_check on the databases
 * decrypted in a scratch directory. *checked counts the backups checked.
 * Returns 0, or -1 with the first problem in err ("<scope>/<id>: ..."). */
int bst_backup_verify(struct bst_install *in, const char *scope, const char *id, int *checked,
		      char *err, size_t errlen);

/* For restore: checks backup id of scope as bst_backup_verify does while
 * decrypting it into the new directory stage: the databases under their
 * names, the blobs under stage/blobs/. The databases are then migrated to
 * the current schema and checked again. Returns 0, or -1 with the first
 * problem in err. */
int bst_backup_extract(struct bst_install *in, const char *scope, const char *id,
		       const char *stage, char *err, size_t errlen);

/* The latest backup of scope taken at or before at_ms. Returns 0 with its
 * id; -2 when that backup's manifest is unreadable (never silently an
 * older one), -1 when there is none; with a sentence in err. */
int bst_backup_find(struct bst_install *in, const char *scope, int64_t at_ms,
		    char id[BST_BACKUP_ID_LEN + 1], char *err, size_t errlen);

/* Locks scope (creating its directory): exclusive or shared. Returns the
 * lock's descriptor (close() releases it), or -1 with a sentence in err. */
int bst_backup_lock(struct bst_install *in, const char *scope, bool exclusive, char *err,
		    size_t errlen);

/* Removes a directory tree (a staging or scratch directory). */
void bst_backup_rmtree(const char *path);

#endif
