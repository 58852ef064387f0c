/* The access-trace writer (see writer.h). Items are copied into one
 * allocation each at enqueue; the writer takes every waiting item at once
 * under the queue lock, then writes without holding it. */
#include "audit/writer.h"
#include "audit/syslog.h"
#include "audit/spill.h"
#include "audit/trail.h"
#include "core/clock.h"
#include "core/log.h"
#include "tenant/platform.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Enough entries waiting to write them now rather than at the next tick. */
#define BATCH_WAKE 4096
/* At most this many platforms' audit.db open in the writer at once. */
#define MAX_PLATFORMS 256

struct item {
	struct bst_trail_entry e;
	bool note_only; /* bst_audit_writer_note: no entry */
	char slug[BST_SLUG_MAX + 1];
	char text[]; /* the entry's strings, packed */
};

struct target {
	char slug[BST_SLUG_MAX + 1];
	bst_db *db;     /* NULL: closed after a failure, opened again on need */
	bool dirty;     /* appended to since its last checkpoint */
	bool failing;   /* its last write or open failed (said once in the log) */
	int64_t retry_at; /* its spill file is not replayed before then */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake, room;
	struct item **ring;
	size_t head, count;
	bool running, stopping;
	pthread_t thread;
	char data_dir[512];
	struct bst_audit_key key;
	struct target targets[MAX_PLATFORMS];
	size_t n_targets;
	uint64_t queued, written, dropped, failed, spilled, replayed;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .wake = PTHREAD_COND_INITIALIZER,
       .room = PTHREAD_COND_INITIALIZER};

static void fail(struct target *t, const char *what)
{
	if (!t->failing)
		bst_log_error("audit: the trail of platform %s CANNOT BE WRITTEN (%s): its "
			      "access traces go to %s/platforms/%s/" BST_SPILL_FILE
			      " until it can",
			      t->slug, what, w.data_dir, t->slug);
	t->failing = true;
	if (t->db) {
		/* a fresh connection later: this one may have fallen back to
		 * read-only, or be stuck after an I/O error */
		bst_db_close(t->db);
		t->db = NULL;
	}
}

/* Opens t's audit.db when it is closed: true when open. */
static bool open_target(struct target *t)
{
	if (t->db)
		return true;
	char path[700], err[600];
	snprintf(path, sizeof path, "%s/platforms/%s/audit.db", w.data_dir, t->slug);
	if (bst_db_open(path, BST_DB_AUDIT, &t->db, err, sizeof err) != 0) {
		t->db = NULL;
		if (!t->failing)
			bst_log_error("audit: cannot open the trail of platform %s: %s", t->slug,
				      err);
		fail(t, "cannot open");
		return false;
	}
	return true;
}

static struct target *target_of(const char *slug)
{
	for (size_t i = 0; i < w.n_targets; i++)
		if (strcmp(w.targets[i].slug, slug) == 0)
			return &w.targets[i];
	if (w.n_targets == MAX_PLATFORMS || !bst_slug_valid(slug))
		return NULL;
	struct target *t = &w.targets[w.n_targets++];
	memset(t, 0, sizeof *t);
	memcpy(t->slug, slug, strlen(slug)); /* a valid slug fits */
	open_target(t);
	return t;
}

/* Replays t's spill file when one waits and its retry time came (force:
 * whatever the time). Returns true when no spill file waits any more. */
static bool replay(struct target *t, int64_t now, bool force)
{
	if (!bst_spill_pending(t->slug))
		return true;
	if (!force && now < t->retry_at)
		return false;
	t->retry_at = now + BST_AUDIT_RETRY_MS;
	if (!open_target(t))
		return false;
	size_t n = 0;
	if (bst_spill_replay(t->db, t->slug, &n) != 0) {
		fail(t, "replay");
		return false;
	}
	if (t->failing)
		bst_log_warn("audit: the trail of platform %s can be written again", t->slug);
	t->failing = false;
	t->dirty = true;
	__atomic_add_fetch(&w.replayed, n, __ATOMIC_RELAXED);
	return true;
}

/* Platforms whose spill file waits without new entries to carry it. */
static void replay_pending(int64_t now, bool force)
{
	char slugs[MAX_PLATFORMS][BST_SLUG_MAX + 1];
	size_t n = bst_spill_pending_list(slugs, MAX_PLATFORMS);
	for (size_t i = 0; i < n; i++) {
		struct target *t = target_of(slugs[i]);
		if (t)
			replay(t, now, force);
	}
}

/* Appends e[0..m) to slug's chain, or to its spill file while the chain
 * cannot be written or older entries wait in that file. */
static void write_platform(const char *slug, struct bst_trail_entry **e, size_t m)
{
	struct target *t = target_of(slug);
	if (t && replay(t, bst_now_ms(), false) && open_target(t)) {
		if (m == 0 || bst_trail_append(t->db, e, m) == 0) {
			t->dirty = true;
			t->failing = false;
			__atomic_add_fetch(&w.written, m, __ATOMIC_RELAXED);
			bst_audit_syslog_send(slug, e, m);
			return;
		}
		fail(t, "append");
	}
	if (m == 0)
		return;
	if (t && bst_spill_append(slug, e, m, false) == 1) {
		__atomic_add_fetch(&w.spilled, m, __ATOMIC_RELAXED);
		bst_audit_syslog_send(slug, e, m);
		return;
	}
	bst_log_error("audit: %zu ACCESS TRACES LOST for platform %s", m, slug);
	__atomic_add_fetch(&w.failed, m, __ATOMIC_RELAXED);
}

static void checkpoint_all(const char *kind, int64_t now)
{
	for (size_t i = 0; i < w.n_targets; i++) {
		struct target *t = &w.targets[i];
		if ((!t->dirty && strcmp(kind, "periodic") == 0) || !t->db)
			continue;
		if (bst_checkpoint_write(t->db, t->slug, &w.key, kind, now) == 0)
			t->dirty = false;
	}
}

/* Writes items[0..n) platform by platform, each platform's in queue order,
 * then frees them. */
static void write_batch(struct item **items, size_t n, struct bst_trail_entry **scratch)
{
	for (size_t i = 0; i < n; i++) {
		if (!items[i])
			continue;
		const char *slug = items[i]->slug;
		size_t m = 0;
		for (size_t j = i; j < n; j++)
			if (items[j] && !items[j]->note_only &&
			    strcmp(items[j]->slug, slug) == 0)
				scratch[m++] = &items[j]->e;
		write_platform(slug, scratch, m);
		for (size_t j = i + 1; j < n; j++)
			if (items[j] && strcmp(items[j]->slug, slug) == 0) {
				free(items[j]);
				items[j] = NULL;
			}
		free(items[i]);
		items[i] = NULL;
	}
}

static void *writer_main(void *arg)
{
	(void)arg;
	struct item **items = malloc(BST_AUDIT_QUEUE_MAX * sizeof *items);
	struct bst_trail_entry **scratch = malloc(BST_AUDIT_QUEUE_MAX * sizeof *scratch);
	if (!items || !scratch) {
		bst_log_error(
		    "audit: the writer has no memory: ACCESS TRACES ARE NOT WRITTEN");
		free(items);
		free(scratch);
		return NULL;
	}
	int64_t next_checkpoint = bst_now_ms() + BST_AUDIT_CHECKPOINT_MS;
	pthread_mutex_lock(&w.lock);
	for (;;) {
		if (w.count < BATCH_WAKE && !w.stopping) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += BST_AUDIT_FLUSH_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&w.wake, &w.lock, &ts);
		}
		size_t n = 0;
		while (w.count > 0) {
			items[n++] = w.ring[w.head];
			w.head = (w.head + 1) % BST_AUDIT_QUEUE_MAX;
			w.count--;
		}
		bool stopping = w.stopping;
		pthread_cond_broadcast(&w.room);
		pthread_mutex_unlock(&w.lock);
		write_batch(items, n, scratch);
		int64_t now = bst_now_ms();
		replay_pending(now, stopping);
		if (now >= next_checkpoint) {
			checkpoint_all("periodic", now);
			next_checkpoint = now + BST_AUDIT_CHECKPOINT_MS;
		}
		pthread_mutex_lock(&w.lock);
		if (stopping && w.count == 0)
			break;
	}
	pthread_mutex_unlock(&w.lock);
	checkpoint_all("shutdown", bst_now_ms());
	free(items);
	free(scratch);
	return NULL;
}

int bst_audit_writer_start(const char *data_dir, char *err, size_t errlen)
{
	int created = 0;
	if (bst_audit_key_ensure(data_dir, &w.key, &created, err, errlen) != 0)
		return -1;
	if (created)
		bst_log_info("audit: new checkpoint key %s/audit.key", data_dir);
	snprintf(w.data_dir, sizeof w.data_dir, "%s", data_dir);
	bst_spill_init(data_dir);
	w.ring = calloc(BST_AUDIT_QUEUE_MAX, sizeof *w.ring);
	if (!w.ring) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w.head = w.count = 0;
	w.stopping = false;
	if (pthread_create(&w.thread, NULL, writer_main, NULL) != 0) {
		free(w.ring);
		w.ring = NULL;
		snprintf(err, errlen, "cannot start the audit writer thread");
		return -1;
	}
	pthread_mutex_lock(&w.lock);
	w.running = true;
	pthread_mutex_unlock(&w.lock);
	return 0;
}

void bst_audit_writer_stop(void)
{
	pthread_mutex_lock(&w.lock);
	if (!w.ring) {
		pthread_mutex_unlock(&w.lock);
		return;
	}
	w.stopping = true;
	pthread_cond_signal(&w.wake);
	pthread_mutex_unlock(&w.lock);
	pthread_join(w.thread, NULL);
	pthread_mutex_lock(&w.lock);
	w.running = false;
	while (w.count > 0) { /* enqueued after the writer's last look */
		free(w.ring[w.head]);
		w.head = (w.head + 1) % BST_AUDIT_QUEUE_MAX;
		w.count--;
		w.dropped++;
	}
	free(w.ring);
	w.ring = NULL;
	pthread_cond_broadcast(&w.room);
	pthread_mutex_unlock(&w.lock);
	for (size_t i = 0; i < w.n_targets; i++)
		if (w.targets[i].db)
			bst_db_close(w.targets[i].db);
	w.n_targets = 0;
	sodium_memzero(&w.key, sizeof w.key);
}

static void push(struct item *it)
{
	pthread_mutex_lock(&w.lock);
	if (w.running && w.count == BST_AUDIT_QUEUE_MAX) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += BST_AUDIT_FULL_WAIT_MS / 1000;
		pthread_cond_signal(&w.wake);
		while (w.running && w.count == BST_AUDIT_QUEUE_MAX &&
		       pthread_cond_timedwait(&w.room, &w.lock, &ts) != ETIMEDOUT)
			;
	}
	if (!w.running || w.stopping || w.count == BST_AUDIT_QUEUE_MAX) {
		bool was_running = w.running;
		if (was_running)
			w.dropped++;
		pthread_mutex_unlock(&w.lock);
		if (was_running)
			bst_log_error(
			    "audit: the queue is full: an ACCESS TRACE WAS DROPPED");
		free(it);
		return;
	}
	w.ring[(w.head + w.count) % BST_AUDIT_QUEUE_MAX] = it;
	w.count++;
	w.queued++;
	if (w.count == BATCH_WAKE)
		pthread_cond_signal(&w.wake);
	pthread_mutex_unlock(&w.lock);
}

static char *pack(char **at, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *out = *at;
	if (n)
		memcpy(out, s, n);
	out[n] = '\0';
	*at += n + 1;
	return out;
}

void bst_audit_enqueue(const char *slug, const struct bst_trail_entry *e)
{
	const char *texts[] = {e->actor,  e->session_ref, e->client_addr,
			       e->method, e->path,        e->user_agent,
			       e->event,  e->target,      e->details};
	size_t len = 0;
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		len += (texts[i] ? strlen(texts[i]) : 0) + 1;
	struct item *it = malloc(sizeof *it + len);
	if (!it) {
		bst_log_error("audit: out of memory: an ACCESS TRACE WAS DROPPED");
		return;
	}
	it->e = *e;
	it->note_only = false;
	snprintf(it->slug, sizeof it->slug, "%s", slug);
	char *at = it->text;
	it->e.actor = pack(&at, e->actor);
	it->e.session_ref = pack(&at, e->session_ref);
	it->e.client_addr = pack(&at, e->client_addr);
	it->e.method = pack(&at, e->method);
	it->e.path = pack(&at, e->path);
	it->e.user_agent = pack(&at, e->user_agent);
	it->e.event = pack(&at, e->event);
	it->e.target = pack(&at, e->target);
	it->e.details = pack(&at, e->details);
	push(it);
}

void bst_audit_writer_note(const char *slug)
{
	struct item *it = calloc(1, sizeof *it);
	if (!it)
		return;
	it->note_only = true;
	snprintf(it->slug, sizeof it->slug, "%s", slug);
	push(it);
}

void bst_audit_writer_stats(struct bst_audit_writer_stats *out)
{
	pthread_mutex_lock(&w.lock);
	out->queued = w.queued;
	out->written = __atomic_load_n(&w.written, __ATOMIC_RELAXED);
	out->dropped = w.dropped;
	out->failed = __atomic_load_n(&w.failed, __ATOMIC_RELAXED);
	out->waiting = w.count;
	out->spilled = __atomic_load_n(&w.spilled, __ATOMIC_RELAXED);
	out->replayed = __atomic_load_n(&w.replayed, __ATOMIC_RELAXED);
	out->running = w.running;
	pthread_mutex_unlock(&w.lock);
	out->spilling = bst_spill_pending_count();
}
