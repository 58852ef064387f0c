/* Verification of a platform's trail: recompute the chain, check every
 * checkpoint's signature with the installation's public key and that the
 * chain passes through every checkpoint, and name the first entry where
 * it breaks. Read-only; thread-safe. */
#ifndef BST_AUDIT_VERIFY_H
#define BST_AUDIT_VERIFY_H
#include <stdbool.h>
#include <stdint.h>

#include "audit/trail.h"

struct bst_audit_verdict {
	bool ok;
	int64_t entries, checkpoints;     /* entries recomputed, signatures checked */
	int64_t broken_seq, broken_at_ms; /* the first broken entry, when !ok */
	char reason[256];
};

/* from_ms 0: the whole trail; otherwise from the last checkpoint before
 * the first entry at or after from_ms (the chain needs a signed starting
 * hash). Returns 0 when verification ran (see v->ok), -1 when the trail
 * could not be read (logged). */
int bst_audit_verify(bst_db *db, const char *slug, const uint8_t pk[BST_AUDIT_PK_BYTES],
		     int64_t from_ms, struct bst_audit_verdict *v);

#endif
