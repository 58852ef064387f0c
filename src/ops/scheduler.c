/* The job scheduler (see scheduler.h): a table of jobs and a thread that
 * wakes every tick, or at once when asked to stop. */
#include "ops/scheduler.h"
#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct job {
	const char *name;
	int64_t first_delay_ms, interval_ms;
	int64_t next_ms; /* 0: not scheduled yet */
	bst_job_fn fn;
	void *cls;
};

struct bst_scheduler {
	struct job jobs[BST_SCHEDULER_MAX_JOBS];
	int n;
	pthread_t thread;
	bool started;
	bool stopping;
	pthread_mutex_t lock;
	pthread_cond_t wake;
};

struct bst_scheduler *bst_scheduler_new(void)
{
	struct bst_scheduler *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	/* the wait must not stretch or shrink when the wall clock is set */
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	return s;
}

int bst_scheduler_add(struct bst_scheduler *s, const char *name, int64_t first_delay_ms,
		      int64_t interval_ms, bst_job_fn fn, void *cls)
{
	if (s->n == BST_SCHEDULER_MAX_JOBS || interval_ms <= 0) {
		bst_log_error("scheduler: cannot add job %s", name);
		return -1;
	}
	s->jobs[s->n++] = (struct job){name, first_delay_ms, interval_ms, 0, fn, cls};
	return 0;
}

int bst_scheduler_run_due(struct bst_scheduler *s, int64_t now)
{
	int ran = 0;
	for (int i = 0; i < s->n; i++) {
		struct job *j = &s->jobs[i];
		if (j->next_ms == 0)
			j->next_ms = now + j->first_delay_ms;
		if (now < j->next_ms)
			continue;
		j->fn(j->cls, now);
		/* a clock moved forward by days runs the job once, not once per
		 * interval missed */
		j->next_ms = now + j->interval_ms;
		ran++;
	}
	return ran;
}

static void *run(void *arg)
{
	struct bst_scheduler *s = arg;
	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		pthread_mutex_unlock(&s->lock);
		bst_scheduler_run_due(s, bst_now_ms());
		pthread_mutex_lock(&s->lock);
		if (s->stopping)
			break;
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += BST_SCHEDULER_TICK_MS / 1000;
		until.tv_nsec += (BST_SCHEDULER_TICK_MS % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->wake, &s->lock, &until);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int bst_scheduler_start(struct bst_scheduler *s)
{
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		bst_log_error("scheduler: cannot start its thread");
		return -1;
	}
	s->started = true;
	return 0;
}

void bst_scheduler_stop(struct bst_scheduler *s)
{
	if (!s)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
