/* Background exports for the back office (see export_job.h). */
#include "ops/export_job.h"
#include "audit/audit.h"
#include "audit/trail.h"
#include "auth/authz.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/str.h"
#include "ops/export.h"
#include "ops/export_dest.h"
#include "ops/pgp.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JOBS_MAX 64

struct slot {
	char slug[BST_SLUG_MAX + 1];
	struct bst_export_job job;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[JOBS_MAX];
static size_t n_slots;
static int64_t next_id = 1;

struct run {
	struct bst_ctx ctx;
	char data_dir[512];
	char slug[BST_SLUG_MAX + 1];
	int64_t id;
	int64_t started_ms;
	bool push; /* to the destination, once ready */
	struct bst_pgp *pgp;
	int fd;
	char tmp[720], path[700];
	/* what ctx points to in the request, which ends before the export */
	char client_addr[64], user_agent[600], base_url[300];
};

static struct slot *slot_of(const char *slug)
{
	for (size_t i = 0; i < n_slots; i++)
		if (strcmp(slots[i].slug, slug) == 0)
			return &slots[i];
	return NULL;
}

/* The slot of r's job, locked; NULL (unlocked) when another job took it. */
static struct slot *lock_job(const struct run *r)
{
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(r->slug);
	if (s && s->job.id == r->id)
		return s;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int out_write(void *cls, const void *data, size_t len)
{
	struct run *r = cls;
	if (bst_pgp_write(r->pgp, data, len) != 0)
		return -1;
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(r->slug);
	if (s && s->job.id == r->id)
		s->job.bytes += (int64_t)len;
	pthread_mutex_unlock(&lock);
	return 0;
}

static void finish(struct run *r, bool ok, const char *why)
{
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(r->slug);
	if (s && s->job.id == r->id) {
		s->job.state = ok ? BST_EXPORT_READY : BST_EXPORT_FAILED;
		s->job.finished_ms = bst_now_ms();
		if (ok)
			bst_str_copy(s->job.path, sizeof s->job.path, r->path);
		else
			bst_str_copy(s->job.error, sizeof s->job.error, why);
	}
	pthread_mutex_unlock(&lock);
	r->ctx.now = bst_now_ms();
	bst_audit_record(&r->ctx, ok ? "platform.export.ready" : "platform.export.failed",
			 r->slug, json_pack("{sI ss}", "export", (json_int_t)r->id, "outcome",
					   ok ? "ready" : why));
}

static void on_push_progress(void *cls, int64_t done, int64_t total, int attempt, bool end)
{
	(void)end;
	struct slot *s = lock_job(cls);
	if (!s)
		return;
	s->job.push.sent = done;
	s->job.push.total = total;
	s->job.push.attempt = attempt;
	pthread_mutex_unlock(&lock);
}

/* The name of export r on the destination: the platform, the time it was
 * started (UTC) and its number, in the URL's small alphabet. */
static void remote_name(const struct run *r, char *out, size_t outlen)
{
	time_t t = (time_t)(r->started_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, outlen, "%s-export-%04d%02d%02d-%02d%02d%02d-%lld.tar.zst.gpg", r->slug,
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long long)r->id);
}

/* Pushes ready export r (its file r->path) to the platform's destination,
 * showing the progress in its slot; audited as platform.export.transfer. */
static void push(struct run *r)
{
	char name[BST_EXPORT_DEST_NAME_MAX], err[320] = "";
	struct bst_export_dest_push *dest = calloc(1, sizeof *dest);
	struct bst_transfer_result res = {0};
	remote_name(r, name, sizeof name);
	int rc = -1;
	if (!dest)
		snprintf(err, sizeof err, "out of memory");
	else if (bst_export_dest_prepare(&r->ctx, r->data_dir, name, dest, err, sizeof err) == 0)
		rc = 0;
	struct slot *s = lock_job(r);
	if (s) {
		s->job.push.state = BST_PUSH_RUNNING;
		if (dest)
			bst_str_copy(s->job.push.url, sizeof s->job.push.url, dest->display);
		pthread_mutex_unlock(&lock);
	}
	if (rc == 0)
		rc = bst_transfer_push_cb(r->path, &dest->url, &dest->auth, on_push_progress, r, &res,
					  err, sizeof err);
	if (rc != 0)
		bst_log_error("platform %s: export %lld not sent to %s: %s", r->slug,
			      (long long)r->id, dest && dest->display[0] ? dest->display : "its destination",
			      err);
	s = lock_job(r);
	if (s) {
		struct bst_export_push *p = &s->job.push;
		p->state = rc == 0 ? BST_PUSH_DELIVERED : BST_PUSH_FAILED;
		p->finished_ms = bst_now_ms();
		if (rc == 0) {
			p->sent = p->total = res.size;
			p->attempt = res.attempts;
			bst_str_copy(p->sha256, sizeof p->sha256, res.sha256);
		} else {
			bst_str_copy(p->error, sizeof p->error, err);
		}
		pthread_mutex_unlock(&lock);
	}
	json_t *d = json_pack("{sI ss ss}", "export", (json_int_t)r->id, "destination",
			      dest ? dest->display : "", "transfer", rc == 0 ? "delivered" : "failed");
	if (d && rc == 0) {
		json_object_set_new(d, "sha256", json_string(res.sha256));
		json_object_set_new(d, "size", json_integer(res.size));
		json_object_set_new(d, "resumed_from", json_integer(res.resumed_from));
		json_object_set_new(d, "attempts", json_integer(res.attempts));
	} else if (d) {
		json_object_set_new(d, "transfer_error", json_string(err));
	}
	r->ctx.now = bst_now_ms();
	bst_audit_record(&r->ctx, "platform.export.transfer", r->slug, d);
	if (dest) {
		bst_export_dest_release(dest);
		free(dest);
	}
}

static void *push_main(void *cls)
{
	struct run *r = cls;
	bst_arena *arena = bst_arena_new();
	r->ctx.arena = arena;
	push(r);
	bst_arena_free(arena);
	free(r);
	return NULL;
}

static void *job_main(void *cls)
{
	struct run *r = cls;
	bst_arena *arena = bst_arena_new();
	r->ctx.arena = arena;
	uint8_t pk[BST_AUDIT_PK_BYTES];
	char id[2 * BST_AUDIT_PK_BYTES + 1] = "", kerr[256], err[512];
	if (bst_audit_key_public(r->data_dir, pk, kerr, sizeof kerr) == 0)
		sodium_bin2hex(id, sizeof id, pk, sizeof pk);
	struct bst_export_stats st;
	int rc = arena ? bst_export_archive(&r->ctx, bst_now_ms(), id, out_write, r, &st, err,
					    sizeof err)
		       : -1;
	if (!arena)
		snprintf(err, sizeof err, "out of memory");
	char perr[256];
	if (bst_pgp_finish(r->pgp, perr, sizeof perr) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s", perr);
		rc = -1;
	}
	if (rc == 0 && (fsync(r->fd) != 0 || close(r->fd) != 0)) {
		snprintf(err, sizeof err, "cannot write the export: %s", strerror(errno));
		rc = -1;
	} else if (rc != 0) {
		close(r->fd);
	}
	if (rc == 0 && rename(r->tmp, r->path) != 0) {
		snprintf(err, sizeof err, "cannot keep the export: %s", strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		unlink(r->tmp);
		bst_log_error("platform %s: export %lld failed: %s", r->slug, (long long)r->id, err);
	}
	finish(r, rc == 0, err);
	if (r->push && rc == 0 && arena) {
		push(r);
	} else if (r->push) {
		struct slot *s = lock_job(r);
		if (s) {
			s->job.push.state = BST_PUSH_NONE; /* nothing to send */
			pthread_mutex_unlock(&lock);
		}
	}
	bst_arena_free(arena);
	free(r);
	return NULL;
}

/* A job's own copy of ctx and what it points to in the request, which
 * ends before the job; NULL when out of memory. */
static struct run *new_run(const struct bst_ctx *ctx, const char *data_dir)
{
	struct run *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->ctx = *ctx;
	bst_str_copy(r->client_addr, sizeof r->client_addr, ctx->client_addr);
	bst_str_copy(r->user_agent, sizeof r->user_agent, ctx->user_agent);
	bst_str_copy(r->base_url, sizeof r->base_url, ctx->base_url);
	r->ctx.client_addr = r->client_addr;
	r->ctx.user_agent = r->user_agent;
	r->ctx.base_url = r->base_url;
	r->ctx.arena = NULL; /* the thread makes its own */
	bst_str_copy(r->data_dir, sizeof r->data_dir, data_dir);
	bst_str_copy(r->slug, sizeof r->slug, ctx->platform->slug);
	r->fd = -1;
	return r;
}

/* An export being made or pushed (the caller holds the lock). */
static bool busy_locked(const struct slot *s)
{
	return s && (s->job.state == BST_EXPORT_RUNNING || s->job.push.state == BST_PUSH_WAITING ||
		     s->job.push.state == BST_PUSH_RUNNING);
}

static int detach(void *(*fn)(void *), void *cls)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &attr, fn, cls);
	pthread_attr_destroy(&attr);
	return rc;
}

int bst_export_job_start(struct bst_ctx *ctx, const char *data_dir, const char *passphrase,
			 const char *public_key, bool push, int64_t *id, char *err, size_t errlen)
{
	const char *slug = ctx->platform->slug;
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(slug);
	bool busy = busy_locked(s);
	pthread_mutex_unlock(&lock);
	if (busy)
		return 1;
	struct run *r = new_run(ctx, data_dir);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->push = push;
	char dir[600];
	snprintf(dir, sizeof dir, "%s/platforms/%s/exports", data_dir, slug);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		free(r);
		return -1;
	}
	pthread_mutex_lock(&lock);
	r->id = next_id++;
	pthread_mutex_unlock(&lock);
	snprintf(r->path, sizeof r->path, "%s/export-%lld.tar.zst.gpg", dir, (long long)r->id);
	snprintf(r->tmp, sizeof r->tmp, "%s.part", r->path);
	r->fd = open(r->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (r->fd < 0) {
		snprintf(err, errlen, "cannot write in %s: %s", dir, strerror(errno));
		free(r);
		return -1;
	}
	r->pgp = passphrase ? bst_pgp_with_passphrase_text(passphrase, r->fd, err, errlen)
			    : bst_pgp_to_key_data(public_key, strlen(public_key), r->fd, err, errlen);
	if (!r->pgp) {
		close(r->fd);
		unlink(r->tmp);
		free(r);
		return -1;
	}
	/* about what it will be: the database and the documents */
	struct stat st;
	char p[700];
	int64_t estimate = 0;
	snprintf(p, sizeof p, "%s/platforms/%s/main.db", data_dir, slug);
	if (stat(p, &st) == 0)
		estimate += st.st_size / 4; /* SQL compresses about fourfold */
	snprintf(p, sizeof p, "%s/platforms/%s/blobs", data_dir, slug);
	estimate += bst_dir_bytes(p, NULL);
	pthread_mutex_lock(&lock);
	s = slot_of(slug);
	if (!s && n_slots < JOBS_MAX) {
		s = &slots[n_slots++];
		bst_str_copy(s->slug, sizeof s->slug, slug);
	}
	char old[700] = "";
	if (s) {
		if (s->job.state == BST_EXPORT_READY)
			bst_str_copy(old, sizeof old, s->job.path); /* replaced */
		memset(&s->job, 0, sizeof s->job);
		s->job.id = r->id;
		s->job.state = BST_EXPORT_RUNNING;
		s->job.estimate = estimate > 0 ? estimate : 1;
		s->job.started_ms = bst_now_ms();
		s->job.push.state = push ? BST_PUSH_WAITING : BST_PUSH_NONE;
		bst_str_copy(s->job.by, sizeof s->job.by, ctx->user.email);
	}
	r->started_ms = s ? s->job.started_ms : bst_now_ms();
	pthread_mutex_unlock(&lock);
	if (old[0])
		unlink(old);
	*id = r->id;
	bst_audit_record(ctx, "platform.export.start", slug,
			 json_pack("{sI ss sb}", "export", (json_int_t)r->id, "encryption",
				   passphrase ? "openpgp-passphrase" : "openpgp-key", "push", push));
	if (detach(job_main, r) != 0) {
		char perr[128];
		bst_pgp_finish(r->pgp, perr, sizeof perr);
		close(r->fd);
		unlink(r->tmp);
		r->ctx.arena = ctx->arena; /* still the request's */
		r->push = false;
		finish(r, false, "the export could not start");
		if ((s = lock_job(r))) {
			s->job.push.state = BST_PUSH_NONE;
			pthread_mutex_unlock(&lock);
		}
		free(r);
		snprintf(err, errlen, "the export could not start");
		return -1;
	}
	return 0;
}

int bst_export_job_get(const char *slug, int64_t id, struct bst_export_job *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(slug);
	bool found = s && s->job.id && (id == 0 || s->job.id == id);
	if (found)
		*out = s->job;
	pthread_mutex_unlock(&lock);
	return found ? 0 : -1;
}

int bst_export_job_push(struct bst_ctx *ctx, const char *data_dir, int64_t id)
{
	if (!bst_authz_admin(ctx))
		return -1;
	struct run *r = new_run(ctx, data_dir);
	if (!r)
		return -1;
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(r->slug);
	int rc = 0;
	if (busy_locked(s))
		rc = 1;
	else if (!s || s->job.id != id || s->job.state != BST_EXPORT_READY)
		rc = -1;
	if (rc == 0) {
		r->id = id;
		r->started_ms = s->job.started_ms;
		bst_str_copy(r->path, sizeof r->path, s->job.path);
		memset(&s->job.push, 0, sizeof s->job.push);
		s->job.push.state = BST_PUSH_WAITING;
	}
	pthread_mutex_unlock(&lock);
	if (rc != 0) {
		free(r);
		return rc;
	}
	if (detach(push_main, r) != 0) {
		if ((s = lock_job(r))) {
			s->job.push.state = BST_PUSH_FAILED;
			bst_str_copy(s->job.push.error, sizeof s->job.push.error,
				     "the transfer could not start");
			pthread_mutex_unlock(&lock);
		}
		free(r);
		return -1;
	}
	return 0;
}
