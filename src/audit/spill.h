/* The spill file of a platform's trail. While a platform's audit.db cannot
 * be written (full disk, read-only or damaged file), the writer appends its
 * access entries — and bst_audit_record its security events — to
 * DATA/platforms/<slug>/audit.spill instead, fsync'd per batch, and replays
 * them into the chain, in order and before anything newer, once writing
 * works again; then the file is removed.
 *
 * Format (append-only):
 *
 *   header  "bastide-spill-v1" (16 bytes) then a random 16-byte id
 *   record  body length (4 bytes big-endian, 1 .. BST_SPILL_RECORD_MAX)
 *           body: at_ms, kind, user_id, status, bytes, duration_ms
 *                 (8 bytes big-endian each), then actor, session_ref,
 *                 client_addr, method, path, user_agent, event, target,
 *                 details (each a 4-byte big-endian length and the bytes,
 *                 as chain.h frames texts)
 *           BLAKE2b-128 of the body (16 bytes)
 *
 * A torn or damaged record ends the readable part: what precedes it is
 * replayed, the rest is reported lost and the file kept aside. The replay
 * records the file's id in audit.db (table spills) in the same transaction
 * as its entries, so a file replayed just before a crash is not replayed
 * twice. The file is untrusted input when read (tests/fuzz/fuzz_spill.c).
 *
 * Thread-safe: one lock serialises appends and replays. The pending set
 * (platforms with a spill file) is this process's: bst_spill_init (the
 * writer's start) fills it from the files found. */
#ifndef BST_AUDIT_SPILL_H
#define BST_AUDIT_SPILL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "db/q_audit.h"
#include "db/store.h"
#include "tenant/platform.h"

#define BST_SPILL_FILE     "audit.spill"
#define BST_SPILL_MAGIC    "bastide-spill-v1"
#define BST_SPILL_ID_BYTES 16
#define BST_SPILL_SUM_BYTES 16
/* No entry comes near: the path is cut at 2 KiB, the user agent at 512
 * bytes, an event's details are a small JSON object. */
#define BST_SPILL_RECORD_MAX (1 << 20)

/* One entry read back: e's texts point into text. Freed with free(). */
struct bst_spill_entry {
	struct bst_trail_entry e;
	char text[];
};

/* Appends the header (with id) / one record for e to out. 0, or -1 when
 * out of memory. */
int bst_spill_put_header(bst_buf *out, const uint8_t id[BST_SPILL_ID_BYTES]);
int bst_spill_put_record(bst_buf *out, const struct bst_trail_entry *e);
/* Reads and checks the header: 0, or -1 when it is not a spill file. */
int bst_spill_read_header(FILE *f, uint8_t id[BST_SPILL_ID_BYTES]);
/* Reads the next record: 1 with *out set (the caller frees it), 0 at the
 * clean end of the file, -1 when the record is torn or damaged (*out
 * NULL). */
int bst_spill_read_record(FILE *f, struct bst_spill_entry **out);

/* The serving process's side. data_dir holds platforms/. Finds the
 * platforms left with a spill file (by a process that stopped before it
 * could replay). */
void bst_spill_init(const char *data_dir);
/* Appends e[0..n) to slug's spill file, fsync'd. With only_if_pending,
 * only when slug already has one (so that a newer entry never overtakes
 * spilled ones). Returns 1 appended, 0 not pending (only_if_pending), -1
 * failed (logged). */
int bst_spill_append(const char *slug, struct bst_trail_entry *const *e, size_t n,
		     bool only_if_pending);
bool bst_spill_pending(const char *slug);
/* The slugs with a spill file, at most max, copied into out; their count. */
size_t bst_spill_pending_list(char (*out)[BST_SLUG_MAX + 1], size_t max);
/* Replays slug's spill file into db, then removes it. Returns 0 (replayed,
 * or nothing to replay) with *n the entries appended, or -1 (the file is
 * kept and pending; logged). */
int bst_spill_replay(bst_db *db, const char *slug, size_t *n);
/* Platforms with a spill file right now. */
size_t bst_spill_pending_count(void);

#endif
