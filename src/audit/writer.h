/* The access-trace writer: one bounded in-memory queue per process, filled
 * by the HTTP threads once a response is queued (bst_audit_enqueue never
 * touches a database) and drained by one writer thread, which appends
 * every FLUSH period (100 ms) or sooner when BATCH_WAKE entries wait, one
 * transaction per platform and batch. The same thread signs a checkpoint
 * of each platform whose chain moved every 10 minutes, and of each one it
 * wrote to at shutdown, after draining the queue. At most one writer per
 * process; start and stop from the main thread; enqueue from any thread. */
#ifndef BST_AUDIT_WRITER_H
#define BST_AUDIT_WRITER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/q_audit.h"

/* At most this long between an entry's queueing and its commit, plus the
 * time of one batch write: the loss bound on a hard crash (docs/security.md). */
#define BST_AUDIT_FLUSH_MS 100
/* Entries the queue holds; past it a producer waits up to
 * BST_AUDIT_FULL_WAIT_MS for room, then the entry is dropped and counted
 * (requests keep being served). */
#define BST_AUDIT_QUEUE_MAX    65536
#define BST_AUDIT_FULL_WAIT_MS 1000
/* Every 10 minutes: issue 4 (#4), "every 10 minutes (and at shutdown)". */
#define BST_AUDIT_CHECKPOINT_MS (10 * 60 * 1000)

/* Starts the thread; the installation's checkpoint key is loaded (made
 * when missing) from data_dir. Returns 0, or -1 with a sentence in err. */
int bst_audit_writer_start(const char *data_dir, char *err, size_t errlen);
/* Drains the queue, writes a "shutdown" checkpoint for every platform this
 * process wrote to, and stops the thread. Safe when not started. */
void bst_audit_writer_stop(void);
/* Queues a copy of e for platform slug (e->seq is ignored). Without a
 * running writer (CLI commands) the entry is dropped. */
void bst_audit_enqueue(const char *slug, const struct bst_trail_entry *e);
/* Platform slug's chain moved outside the writer (a security event): it
 * gets checkpoints too. */
void bst_audit_writer_note(const char *slug);

/* While a platform's audit.db cannot be written, its entries go to its
 * spill file (spill.h); the writer tries to replay that file this often. */
#define BST_AUDIT_RETRY_MS 1000

struct bst_audit_writer_stats {
	uint64_t queued, written, dropped, failed;
	uint64_t spilled;  /* entries put in a spill file */
	uint64_t replayed; /* entries replayed from one into the chain */
	size_t waiting;    /* in the queue now */
	size_t spilling;   /* platforms whose spill file waits */
	bool running;
};
void bst_audit_writer_stats(struct bst_audit_writer_stats *out);

#endif
