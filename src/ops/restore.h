/* Restoring a platform from its backups: the latest backup at or before a
 * date is decrypted and checked in a staging directory beside the
 * platform's own (DATA/platforms/.restore-<pid>-<slug>), then swapped in
 * while the platform is suspended (it answers 503 with the maintenance
 * page; a running server sees the suspension through its registry within
 * BST_DB_WATCH_MAX_MS, and no other platform is touched). The databases
 * are replaced through SQLite's online backup API, in one transaction
 * each, so that the connections a running server holds stay valid; the
 * document blobs are renamed into place. The restore is then recorded in
 * the restored platform's trail ("backup.restore"). Needs the platform's
 * data key in keys.db: a destroyed platform cannot be restored. One
 * restore of a platform at a time (the backup lock of its scope). */
#ifndef BST_OPS_RESTORE_H
#define BST_OPS_RESTORE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ops/backup_manifest.h"
#include "core/config.h"
#include "tenant/install.h"

struct bst_restore_result {
	char id[BST_BACKUP_ID_LEN + 1]; /* the backup restored */
	size_t n_blobs;
};

/* Restores slug as it was at at_ms. With as_slug (and as_host), restores
 * side by side as a new platform of that name and host instead, which
 * keeps slug's data key, leaving slug untouched. Returns 0, or -1 with a
 * sentence in err (the live platform unchanged, resumed as it was). */
int bst_restore_platform(struct bst_install *in, const char *slug, int64_t at_ms,
			 const char *as_slug, const char *as_host,
			 struct bst_restore_result *res, char *err, size_t errlen);

/* Rebuilds a whole installation from target (a [target] of cfg) on a
 * machine where `bastide init` made an empty data directory and the
 * master key of the lost installation was put back in place: the key
 * store and the installation's signing key from the target's replica,
 * the control database from its latest backup there, then every platform
 * it lists from its latest backup there. Refuses when the installation
 * already has a platform. A line per step goes to out. Returns 0, or -1
 * with a sentence in err (what was restored before stays). */
int bst_restore_all(struct bst_install *in, const struct bst_config *cfg, const char *target,
		    FILE *out, char *err, size_t errlen);

#endif
