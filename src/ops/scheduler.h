/* The job scheduler of `bastide serve`: one thread that runs registered
 * jobs (notification mail, daily digests, ...) on their interval. Jobs run
 * one after the other on that thread, never concurrently with themselves;
 * a job that takes longer than its interval simply runs again at the next
 * tick. Time is bst_now_ms(), so a test build's clock offset moves the
 * schedule too: a job due in an hour runs within a tick of the test clock
 * being advanced by an hour. Register jobs before bst_scheduler_start;
 * start and stop from one thread. */
#ifndef BST_OPS_SCHEDULER_H
#define BST_OPS_SCHEDULER_H
#include <stdint.h>

/* How often the thread looks at the clock. */
#define BST_SCHEDULER_TICK_MS 1000
#define BST_SCHEDULER_MAX_JOBS 16

typedef void (*bst_job_fn)(void *cls, int64_t now_ms);

struct bst_scheduler;
struct bst_scheduler *bst_scheduler_new(void);
/* A job first run first_delay_ms after the start, then every interval_ms
 * (measured from the start of the previous run). name is a string
 * literal (logs). Returns 0, or -1 when the table is full. */
int bst_scheduler_add(struct bst_scheduler *s, const char *name, int64_t first_delay_ms,
		      int64_t interval_ms, bst_job_fn fn, void *cls);
/* Starts the thread. Returns 0, or -1 (logged). */
int bst_scheduler_start(struct bst_scheduler *s);
/* Runs every job due at now, in registration order: the thread's work,
 * which tests call directly (without start). Returns how many ran. */
int bst_scheduler_run_due(struct bst_scheduler *s, int64_t now);
/* Stops the thread (a job running finishes first) and frees s. NULL is
 * allowed. */
void bst_scheduler_stop(struct bst_scheduler *s);

#endif
