/* Backups as a job: every platform (or one) and the control database in
 * turn, each followed by its pruning when asked, with a log line per
 * scope (and a loud one for each failure); and the daily run of
 * `bastide serve`'s scheduler at the configured time ([backup] time, UTC).
 * Runs on the caller's thread; see backup.h for what may run alongside. */
#ifndef BST_OPS_BACKUP_JOB_H
#define BST_OPS_BACKUP_JOB_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "ops/backup_retention.h"
#include "tenant/install.h"

/* How often the scheduler looks whether the daily backup is due. */
#define BST_BACKUP_CHECK_PERIOD_MS (60 * 1000)

void bst_backup_retention_of(const struct bst_config *cfg, struct bst_retention *r);

/* Backs up platform `only` (NULL: every platform, then the control
 * database), then prunes each scope backed up when prune is set, and
 * copies it to every target (pruning there too), after replicating the
 * key store to them. A line per scope goes to out (NULL: none) and to the
 * log; each outcome is recorded in the control database
 * (backup_events). Returns the number of failures. */
int bst_backup_job_run(struct bst_install *in, const struct bst_config *cfg, const char *only,
		       bool progress, bool prune, FILE *out);

/* Copies the local backups of every scope (or only one) to every target
 * (or only one) that lacks them, replicating the key store first, and
 * prunes them there when prune is set. A line per scope and target goes
 * to out (NULL: none). Returns the failures. */
int bst_backup_job_copy(struct bst_install *in, const struct bst_config *cfg, const char *only,
			const char *target, bool prune, FILE *out);
/* Reads back and verifies the latest backup (or backup id) of scope
 * (NULL: every scope there) from every target (or only one), recording
 * each outcome. Returns the failures. */
int bst_backup_job_verify(struct bst_install *in, const struct bst_config *cfg,
			  const char *scope, const char *target, const char *id, FILE *out);
/* Replaces the key-store replica on every target. Returns the failures. */
int bst_backup_keys_replicate(struct bst_install *in, const struct bst_config *cfg, FILE *out);

/* The scheduler's job: when [backup] enabled is true and a scope has no
 * backup since the last hour:minute UTC at or before now, backs it up,
 * prunes it, copies it to the targets and prunes them; a copy that failed
 * is tried again an hour later; the key-store replicas follow every
 * change of keys.db; every [backup] drill_days, the latest backup of
 * each scope is read back from each target and verified (the restore
 * drill), each failure logged and shown on the health report. */
void bst_backup_scheduled(struct bst_install *in, const struct bst_config *cfg, int64_t now);

/* What this process's backups did, for the operator's health report: how
 * many scopes failed their last backup (their names are in the log), and
 * when a backup last succeeded and last failed (0: never). */
struct bst_backup_health {
	int failing;
	int64_t last_success_ms, last_failure_ms;
};
void bst_backup_health(struct bst_backup_health *out);

#endif
