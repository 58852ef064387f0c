/* Queries of a platform's trail (audit.db, migrations/audit/0002): the
 * chained entries, their head, the signed checkpoints, the retention purge
 * and the viewer's filtered listing. Rows are lent to callbacks, valid
 * during the call only. Thread-safe as the store is; the chain's rules
 * (seq without gaps, hash of the previous) are src/audit/'s to keep. */
#ifndef BST_DB_Q_AUDIT_H
#define BST_DB_Q_AUDIT_H
#include <stdbool.h>
#include <stdint.h>

#include "db/store.h"

enum bst_trail_kind { BST_TRAIL_ACCESS = 0, BST_TRAIL_EVENT = 1 };

/* One entry of the trail. Texts are borrowed; NULL reads as "".
 * user_id 0 is none (SQL NULL). */
struct bst_trail_entry {
	int64_t seq;
	int64_t at_ms;
	int64_t kind;
	int64_t user_id;
	const char *actor, *session_ref, *client_addr, *method, *path;
	int64_t status, bytes, duration_ms;
	const char *user_agent, *event, *target, *details;
};

/* The last entry: *seq 0 and hash "" when the trail is empty (when every
 * entry was purged, the last truncation checkpoint's seq and hash); *hash
 * "" too when that entry is not chained yet (rows carried over by 0002). */
enum bst_qs bst_q_trail_head(bst_db *db, int64_t *seq, char hash[65]);
/* Inserts e (its seq given). NO_RESULTS when that seq is already taken. */
enum bst_qs bst_q_trail_insert(bst_db *db, const struct bst_trail_entry *e,
			       const char *hash);
enum bst_qs bst_q_trail_set_hash(bst_db *db, int64_t seq, const char *hash);
/* Entries with seq >= from_seq in seq order; hash is "" when NULL.
 * fn returns non-zero to stop. */
typedef int (*bst_trail_fn)(void *cls, const struct bst_trail_entry *e, const char *hash);
enum bst_qs bst_q_trail_each(bst_db *db, int64_t from_seq, bst_trail_fn fn, void *cls);
/* The first entry at or after at_ms: *seq 0 when there is none. */
enum bst_qs bst_q_trail_first_at(bst_db *db, int64_t at_ms, int64_t *seq);
enum bst_qs bst_q_trail_count(bst_db *db, int64_t *n);
/* The entry seq, if it is there (NO_RESULTS otherwise). */
enum bst_qs bst_q_trail_get(bst_db *db, int64_t seq, bst_trail_fn fn, void *cls);
/* The sign-in events (password and second factor, successes and
 * failures) whose target is email, newest first, at most limit. */
enum bst_qs bst_q_trail_signins(bst_db *db, const char *email, int limit, bst_trail_fn fn,
				void *cls);

/* The viewer: newest first (by seq; by at_ms then seq with a date range),
 * after the cursor, at most limit rows. Unset filters are 0 / NULL. status_class 2..5 keeps
 * 200-299 ... 500-599 (access entries only). */
struct bst_trail_filter {
	int64_t user_id;
	/* with user_id: also the security events whose target is this (the
	 * user's e-mail), whoever their actor */
	const char *target;
	const char *client_addr;
	const char *path_prefix;  /* access entries whose path starts so */
	const char *event_prefix; /* security events whose name starts so */
	int status_class;
	int64_t from_ms, to_ms; /* at_ms in [from_ms, to_ms) */
	/* the cursor: the last entry of the page before (0: the first page).
	 * A date range lists by at_ms then seq, so it needs both. */
	int64_t before, before_at_ms;
	int limit;
};
enum bst_qs bst_q_trail_list(bst_db *db, const struct bst_trail_filter *f,
			     bst_trail_fn fn, void *cls);

/* Retention: the oldest entry's seq and time (*seq 0 when empty). */
enum bst_qs bst_q_trail_oldest(bst_db *db, int64_t *seq, int64_t *at_ms);
/* Deletes the entries with seq <= up_to, and the checkpoints of entries
 * before up_to. */
enum bst_qs bst_q_trail_purge(bst_db *db, int64_t up_to);

struct bst_checkpoint_row {
	int64_t id, seq, at_ms;
	const char *hash, *kind, *key_id, *signature;
};
enum bst_qs bst_q_checkpoint_insert(bst_db *db, const struct bst_checkpoint_row *c);
/* Every checkpoint, by seq then id. fn returns non-zero to stop. */
enum bst_qs bst_q_checkpoint_each(
    bst_db *db, int (*fn)(void *cls, const struct bst_checkpoint_row *c), void *cls);
/* The last checkpoint's seq (0 when none). */
enum bst_qs bst_q_checkpoint_last_seq(bst_db *db, int64_t *seq);

/* Spill files (src/audit/spill.h): was the file id replayed already? */
enum bst_qs bst_q_spill_seen(bst_db *db, const uint8_t id[16], int *seen);
/* Records that the file id was replayed, with its n entries. */
enum bst_qs bst_q_spill_done(bst_db *db, const uint8_t id[16], int64_t n, int64_t at_ms);

#endif
