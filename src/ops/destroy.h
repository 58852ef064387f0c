/* The destruction of a platform at the end of its contract (issue 6, "End
 * of contract"): its databases, its documents, its local backups and its
 * data key in the key store go; a report of what was destroyed, where and
 * when, with the hashes of the deleted backup manifests, is signed with
 * the installation's Ed25519 key, kept in the control database and mailed
 * to the platform's administrators and its security contact. The key
 * goes before the files: once it is gone, any copy that escaped deletion
 * (an off-site backup, a stolen disk) is noise. Running servers stop serving the platform first (its row
 * goes, and they notice within BST_DB_WATCH_MAX_MS). Irreversible. */
#ifndef BST_OPS_DESTROY_H
#define BST_OPS_DESTROY_H
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "tenant/install.h"

/* Destroys platform slug of in (data directory data_dir) at now_ms, and
 * its copies on cfg's off-site targets: its backups there are removed and
 * each key-store replica replaced by the store without its key (a target
 * that cannot be reached is named in the report; the scheduler finishes
 * the job there later). 0 and *report (the signed JSON, malloc'd: the
 * caller frees it), or -1 with a sentence in err (what remains is named
 * in the log). */
int bst_platform_destroy(struct bst_install *in, const struct bst_config *cfg,
			 const char *data_dir, const char *slug, int64_t now_ms, char **report,
			 char *err, size_t errlen);

/* Default notice between the final export and the destruction. */
#define BST_OFFBOARD_NOTICE_DAYS 21
/* How often serve looks for platforms whose notice ended. */
#define BST_OFFBOARD_CHECK_PERIOD_MS (60 * 1000)

/* The scheduler's job: destroys every platform whose notice period ended
 * by now (each logged, with its report kept and mailed). */
void bst_offboard_run(struct bst_install *in, const struct bst_config *cfg, int64_t now);

#endif
