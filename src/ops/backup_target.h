/* An off-site backup target ([target NAME] in the configuration): a
 * directory on an SFTP server (src/ops/transfer_session.c) or a local
 * directory (a mounted disk), behind one small set of file operations
 * that the off-site copy (backup_offsite.c) needs: put a file whole
 * (never seen half-written under its name), get one, list a directory,
 * remove files and empty directories, rename. Paths are relative to the
 * target's directory, made of names Bastide makes (slugs, backup ids,
 * hex). Who a target belongs to is written in it (MARKER_FILE): a target
 * holding another installation's mark is refused, so that two
 * installations never prune each other's copies. One thread per open
 * target. */
#ifndef BST_OPS_BACKUP_TARGET_H
#define BST_OPS_BACKUP_TARGET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

struct bst_target;

/* Whether tc describes a usable target (its URL, its key and pin for
 * sftp://, an absolute directory otherwise), without connecting. Returns
 * 0, or -1 with a sentence in err. */
int bst_target_check(const struct bst_target_conf *tc, char *err, size_t errlen);
/* "sftp" or "local". */
const char *bst_target_kind(const struct bst_target_conf *tc);

/* Connects to tc. With mark (the installation's 32-byte public key), the
 * target must be this installation's: marked so when it holds no mark
 * yet, refused when it holds another's. Without (restoring on a new
 * machine), only read. Returns 0, or -1 with a sentence in err. */
int bst_target_open(const struct bst_target_conf *tc, const uint8_t *mark,
		    struct bst_target **out, char *err, size_t errlen);
void bst_target_close(struct bst_target *t);
const struct bst_target_conf *bst_target_conf_of(const struct bst_target *t);

/* local_path as rel, replacing a file of that name. 0, or -1. */
int bst_target_put(struct bst_target *t, const char *local_path, const char *rel, char *err,
		   size_t errlen);
/* rel into local_path (created 0600, replaced; at most max bytes). 1, 0
 * when rel is missing, or -1. */
int bst_target_get(struct bst_target *t, const char *rel, const char *local_path, uint64_t max,
		   char *err, size_t errlen);
/* The names in directory rel ("" for the target's own), without "." and
 * ".."; a missing directory has none. The caller frees them with
 * bst_target_names_free. 0, or -1. */
int bst_target_list(struct bst_target *t, const char *rel, char ***names, size_t *n, char *err,
		    size_t errlen);
void bst_target_names_free(char **names, size_t n);
/* Removes files (missing ones are fine). 0, or -1. */
int bst_target_remove(struct bst_target *t, char *const *rels, size_t n, char *err,
		      size_t errlen);
/* Removes an empty directory (a missing one is fine). 0, or -1. */
int bst_target_rmdir(struct bst_target *t, const char *rel, char *err, size_t errlen);
/* Renames from to to, which must not exist. 0, or -1. */
int bst_target_rename(struct bst_target *t, const char *from, const char *to, char *err,
		      size_t errlen);

#endif
