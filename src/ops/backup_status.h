/* What the operator sees of the backups (`bastide backup status`, the
 * operator's "Backups" page): for each platform and the control
 * database, the last successful backup (its date, size, bytes written,
 * duration), the last failure when it came after it, the local backups'
 * count, and for each off-site target (with its provider and region) the
 * last copy and the last verification read back from it — from the
 * control database's backup_events and the local store. Also the
 * targets' own check (`bastide backup targets`). Thread-safe. */
#ifndef BST_OPS_BACKUP_STATUS_H
#define BST_OPS_BACKUP_STATUS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/config.h"
#include "db/q_backup_events.h"
#include "tenant/install.h"

struct bst_backup_status_target {
	bool has_copy, has_verify;
	struct bst_backup_event copy, verify; /* the latest of each */
};

struct bst_backup_status {
	char scope[48];
	bool has_backup, has_failure, has_verify;
	struct bst_backup_event backup;  /* the last successful one */
	struct bst_backup_event failure; /* the last failed one, when after it */
	struct bst_backup_event verify;  /* the last local verification (no targets) */
	size_t n_local;                  /* backups in the local store */
	struct bst_backup_status_target targets[BST_MAX_BACKUP_TARGETS];
};

/* One entry per platform, then the control database, then the key store
 * (scope "_keys": its replication events only). *out: the caller free()s
 * it. Returns 0, or -1. */
int bst_backup_status_get(struct bst_install *in, const struct bst_config *cfg,
			  struct bst_backup_status **out, size_t *n);
/* Whether an entry needs the operator's attention (a failure after the
 * last success, none in 26 hours, a failed copy or verification), with
 * why in reason. */
bool bst_backup_status_alarm(const struct bst_backup_status *s, const struct bst_config *cfg,
			     int64_t now, char *reason, size_t len);

/* ms as "YYYY-MM-DDTHH:MMZ" (UTC, to the minute), "never" for 0. */
void bst_backup_status_when(int64_t ms, char out[32]);

/* The CLI's views. Return the number of problems. */
int bst_backup_status_print(struct bst_install *in, const struct bst_config *cfg, FILE *out);
int bst_backup_targets_print(struct bst_install *in, const struct bst_config *cfg, FILE *out);

#endif
