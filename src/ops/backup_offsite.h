/* Off-site copies of the backups (issue 5): each backup of the local
 * store (DATA/backups/, backup.h) copied to the configured targets
 * (backup_target.h) in the same layout — <scope>/<id>/ for a backup's
 * manifest and files, <scope>/objects/<hash> for the objects its
 * backups share — pruned there with the same retention, read back to be
 * verified or restored; and the key-store replica (_keys/), the current
 * state only. A backup on a target is complete or absent: its files go to
 * <scope>/.tmp-<id>/, renamed <scope>/<id>/ once every object it needs
 * and every file is there. Everything read back from a target is
 * untrusted: manifests are checked against the installation's signature,
 * objects against the manifest's hashes, before use. Each call holds the
 * scope's backup lock (exclusive when it writes). */
#ifndef BST_OPS_BACKUP_OFFSITE_H
#define BST_OPS_BACKUP_OFFSITE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/backup.h"
#include "ops/backup_target.h"

/* The key-store replica's directory on a target (not a valid slug). */
#define BST_OFFSITE_KEYS_DIR "_keys"

/* Copies to t every readable local backup of scope that t lacks, oldest
 * first. *copied: how many; *bytes: the bytes sent. Returns 0, or -1 with
 * a sentence in err (backups copied before the failure stay, complete). */
int bst_offsite_push(struct bst_install *in, struct bst_target *t, const char *scope,
		     int *copied, uint64_t *bytes, char *err, size_t errlen);

/* Applies retention r to scope's backups on t, then removes the objects
 * no remaining backup there refers to (only when every remaining
 * manifest reads), and what interrupted copies left. */
int bst_offsite_prune(struct bst_install *in, struct bst_target *t, const char *scope,
		      const struct bst_retention *r, int *removed, int *objects_removed,
		      char *err, size_t errlen);

/* The backups of scope on t, oldest first, as bst_backup_list. */
int bst_offsite_list(struct bst_install *in, struct bst_target *t, const char *scope,
		     const struct bst_retention *r, struct bst_backup_info **out, size_t *n,
		     char *err, size_t errlen);

/* The scopes that have a directory on t (slugs, then the control scope),
 * NULL-terminated; free with bst_backup_scopes_free. NULL on failure. */
char **bst_offsite_scopes(struct bst_target *t, char *err, size_t errlen);

/* The latest backup of scope on t taken at or before at_ms, in id ("" when
 * there is none). Returns 0, or -1 with a sentence in err. */
int bst_offsite_latest(struct bst_target *t, const char *scope, int64_t at_ms,
		       char id[BST_BACKUP_ID_LEN + 1], char *err, size_t errlen);

/* Copies backup id of scope from t into the local store (its missing
 * objects, each checked against the manifest's hash; then the backup
 * directory, renamed into place). Returns 0, or -1 with a sentence in
 * err (nothing that looks like a backup is left behind). */
int bst_offsite_fetch(struct bst_install *in, struct bst_target *t, const char *scope,
		      const char *id, char *err, size_t errlen);

/* Reads backup id of scope (NULL: the latest there) back from t into a
 * scratch directory and checks it as `backup verify` does: signature,
 * every hash, decryption, PRAGMA integrity_check. out_id receives the id
 * checked. Returns 0, or -1 with the first problem in err. */
int bst_offsite_verify(struct bst_install *in, struct bst_target *t, const char *scope,
		       const char *id, char out_id[BST_BACKUP_ID_LEN + 1], char *err,
		       size_t errlen);

/* The latest backup of scope at or before at_ms among the local store and
 * the targets: when a target has a later one than the local store (or
 * the local store has none), it is fetched. Returns 0 (the local store
 * now holds the one to restore), or -1 with a sentence in err. */
int bst_offsite_fetch_latest(struct bst_install *in, const struct bst_config *cfg,
			     const char *scope, int64_t at_ms, char *err, size_t errlen);

/* Replaces t's key-store replica by the current state: keys.db (a
 * compacted copy, so a removed key is in no free page) and the
 * installation's signing key, each compressed and encrypted under a key
 * derived from the master key; the public key beside them. No history:
 * each replaces the last. Returns 0, or -1 with a sentence in err. */
int bst_offsite_keys_push(struct bst_install *in, struct bst_target *t, char *err,
			  size_t errlen);
/* The other way, on a new machine: keys.db's content replaced by the
 * replica's, DATA/audit.key and audit.pub written. */
int bst_offsite_keys_fetch(struct bst_install *in, struct bst_target *t, char *err,
			   size_t errlen);

/* Removes everything of scope from t (destruction). *files: how many
 * files were removed. Returns 0, or -1 with a sentence in err. */
int bst_offsite_remove_scope(struct bst_install *in, struct bst_target *t, const char *scope,
			     size_t *files, char *err, size_t errlen);

#endif
