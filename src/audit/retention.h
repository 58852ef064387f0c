/* Retention of a platform's trail: entries older than [audit]
 * retention_days are deleted from the start of the chain, in batches of
 * BST_AUDIT_PURGE_BATCH entries, each batch in one transaction with a
 * signed "truncation" checkpoint of its last entry, so that verification
 * of what remains starts from a hash the installation's key vouches for.
 * An entry goes once it and every entry before it are older than the
 * cutoff: the chain is only ever cut at its start. A purge that deleted
 * anything is itself recorded, as the event "audit.purge". Run daily by
 * the scheduler of `bastide serve`; one purge per platform at a time
 * (the scheduler's thread). */
#ifndef BST_AUDIT_RETENTION_H
#define BST_AUDIT_RETENTION_H
#include <stdint.h>

#include "audit/trail.h"
#include "core/config.h"
#include "tenant/platform.h"

/* Rows deleted per transaction: short enough that the writer thread,
 * which waits for the same write lock, is held up a few milliseconds. */
#define BST_AUDIT_PURGE_BATCH 5000
/* How often the scheduler purges. */
#define BST_AUDIT_PURGE_PERIOD_MS (24LL * 3600 * 1000)

struct bst_audit_purge_report {
	int64_t deleted;   /* entries deleted */
	int64_t through;   /* the last entry deleted (0: none) */
	int64_t batches;   /* transactions */
};

/* Deletes the entries of db (platform slug) older than now_ms minus
 * retention_days, batch entries per transaction (0: the default), signing
 * each truncation with k, then records "audit.purge" when anything went.
 * Returns 0, or -1 (logged; the batches committed before stay done). */
int bst_audit_purge(bst_db *db, const char *slug, const struct bst_audit_key *k,
		    unsigned retention_days, int64_t now_ms, int batch,
		    struct bst_audit_purge_report *out);

/* The scheduler's job: bst_audit_purge for every platform of the
 * registry, with the installation's key from in->dir. */
void bst_audit_retention_run(struct bst_install *in, bst_registry *reg,
			     const struct bst_config *cfg, int64_t now_ms);

#endif
