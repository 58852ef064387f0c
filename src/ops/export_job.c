/* Background exports for the back office (see export_job.h). */
#include "ops/export_job.h"
#include "audit/audit.h"
#include "audit/trail.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/str.h"
#include "ops/export.h"
#include "ops/pgp.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	bst_arena_free(arena);
	free(r);
	return NULL;
}

int bst_export_job_start(struct bst_ctx *ctx, const char *data_dir, const char *passphrase,
			 const char *public_key, int64_t *id, char *err, size_t errlen)
{
	const char *slug = ctx->platform->slug;
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(slug);
	bool busy = s && s->job.state == BST_EXPORT_RUNNING;
	pthread_mutex_unlock(&lock);
	if (busy)
		return 1;
	struct run *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->ctx = *ctx;
	bst_str_copy(r->client_addr, sizeof r->client_addr, ctx->client_addr);
	bst_str_copy(r->user_agent, sizeof r->user_agent, ctx->user_agent);
	bst_str_copy(r->base_url, sizeof r->base_url, ctx->base_url);
	r->ctx.client_addr = r->client_addr;
	r->ctx.user_agent = r->user_agent;
	r->ctx.base_url = r->base_url;
	r->ctx.arena = NULL; /* the thread makes its own */
	bst_str_copy(r->data_dir, sizeof r->data_dir, data_dir);
	bst_str_copy(r->slug, sizeof r->slug, slug);
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
		bst_str_copy(s->job.by, sizeof s->job.by, ctx->user.email);
	}
	pthread_mutex_unlock(&lock);
	if (old[0])
		unlink(old);
	*id = r->id;
	bst_audit_record(ctx, "platform.export.start", slug,
			 json_pack("{sI ss}", "export", (json_int_t)r->id, "encryption",
				   passphrase ? "openpgp-passphrase" : "openpgp-key"));
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &attr, job_main, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		char perr[128];
		bst_pgp_finish(r->pgp, perr, sizeof perr);
		close(r->fd);
		unlink(r->tmp);
		r->ctx.arena = ctx->arena; /* still the request's */
		finish(r, false, "the export could not start");
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
