/* Control-database queries: what the backups did (backup_events). */
#ifndef BST_DB_Q_BACKUP_EVENTS_H
#define BST_DB_Q_BACKUP_EVENTS_H
#include <stdbool.h>
#include <stdint.h>

#include "db/store.h"

struct bst_backup_event {
	char scope[48];
	char target[40]; /* "" = the local store */
	char kind[8];    /* "backup", "copy", "verify", "keys" */
	char backup_id[20];
	int64_t at_ms;
	bool ok;
	int64_t size, written, duration_ms;
	char problem[400];
};

enum bst_qs bst_q_backup_event_add(bst_db *db, const struct bst_backup_event *e);
/* The latest event of scope, kind and target (ok ones only when ok_only):
 * BST_QS_ONE_RESULT and *out, or BST_QS_NO_RESULTS. */
enum bst_qs bst_q_backup_event_last(bst_db *db, const char *scope, const char *kind,
				    const char *target, bool ok_only, struct bst_backup_event *out);
/* Removes the events older than before_ms. */
enum bst_qs bst_q_backup_events_prune(bst_db *db, int64_t before_ms);

#endif
