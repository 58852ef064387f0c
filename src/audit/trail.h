/* Appending to a platform's chain, and the installation's checkpoint key.
 * Both the writer thread (access entries, in batches) and bst_audit_record
 * (security events, one at a time, before the response) append through
 * bst_trail_append, so the chain stays linear: seq and hash are given at
 * write time, from the head read in the same write, and an insert that
 * finds its seq taken (another process, e.g. a CLI command, appended
 * first) starts again from the new head. Thread-safe. */
#ifndef BST_AUDIT_TRAIL_H
#define BST_AUDIT_TRAIL_H
#include <stddef.h>
#include <stdint.h>

#include "audit/chain.h"
#include "db/q_audit.h"
#include "db/store.h"

/* Appends entries[0..n) in order, in one transaction when the caller is in
 * none on this thread and n > 1. Sets each entry's seq. Returns 0, or -1
 * (logged). */
int bst_trail_append(bst_db *db, struct bst_trail_entry *const *entries, size_t n);

/* The installation's Ed25519 key pair: DATA/audit.key (the 32-byte seed in
 * hex, mode 0600) and DATA/audit.pub (the public key in hex, for
 * auditors). Made when missing (bastide init, or the first use). */
#define BST_AUDIT_PK_BYTES  32
#define BST_AUDIT_SK_BYTES  64
#define BST_AUDIT_SIG_BYTES 64
struct bst_audit_key {
	uint8_t pk[BST_AUDIT_PK_BYTES];
	uint8_t sk[BST_AUDIT_SK_BYTES];
	char id[2 * BST_AUDIT_PK_BYTES + 1]; /* hex of pk */
};
/* Loads the key pair, creating it when missing (created set to 1).
 * Returns 0, or -1 with a sentence in err. */
int bst_audit_key_ensure(const char *data_dir, struct bst_audit_key *k, int *created,
			 char *err, size_t errlen);
/* Only the public key (audit.pub; else derived from audit.key): what
 * verification needs. Returns 0, or -1 with a sentence in err. */
int bst_audit_key_public(const char *data_dir, uint8_t pk[BST_AUDIT_PK_BYTES], char *err,
			 size_t errlen);

/* What a checkpoint signs: "bastide-checkpoint-v1", then the platform
 * slug, kind, hex hash (each length-prefixed as in chain.h) and seq, at_ms
 * (8 bytes big-endian each). */
int bst_checkpoint_message(const char *slug, const char *kind, int64_t seq,
			   const char *hash, int64_t at_ms, bst_buf *out);
/* Signs and stores a checkpoint of entry seq, whose hash is hash (in the
 * caller's transaction, if any). */
enum bst_qs bst_checkpoint_sign(bst_db *db, const char *slug, const struct bst_audit_key *k,
				const char *kind, int64_t seq, const char *hash, int64_t now_ms);
/* Signs and stores a checkpoint of the head of the chain ("periodic",
 * "shutdown"). Skipped (returns 0) when the head is already the last
 * checkpoint's seq and kind is "periodic". Returns 0, or -1 (logged). */
int bst_checkpoint_write(bst_db *db, const char *slug, const struct bst_audit_key *k,
			 const char *kind, int64_t now_ms);

#endif
