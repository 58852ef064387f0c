/* Backups as a job (see backup_job.h). */
#include "ops/backup_job.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/queries.h"
#include "ops/backup.h"
#include "ops/backup_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24 * 3600 * 1000LL)

void bst_backup_retention_of(const struct bst_config *cfg, struct bst_retention *r)
{
	r->daily = cfg->backup_daily;
	r->weekly = cfg->backup_weekly;
	r->monthly = cfg->backup_monthly;
}

struct slugs {
	char (*v)[48];
	size_t n, cap;
};

static void on_platform(void *cls, const struct bst_platform_row *row)
{
	struct slugs *s = cls;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		char(*g)[48] = realloc(s->v, cap * sizeof *s->v);
		if (!g)
			return;
		s->v = g;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], sizeof *s->v, "%s", row->slug);
}

/* The scopes whose last backup failed, and when backups last succeeded
 * and failed, in this process. */
#define FAILING_MAX 256
static pthread_mutex_t health_lock = PTHREAD_MUTEX_INITIALIZER;
static char failing[FAILING_MAX][48];
static int n_failing;
static int64_t last_success_ms, last_failure_ms;

static void note(const char *scope, bool ok)
{
	pthread_mutex_lock(&health_lock);
	int at = -1;
	for (int i = 0; i < n_failing; i++)
		if (strcmp(failing[i], scope) == 0)
			at = i;
	if (ok) {
		last_success_ms = bst_now_ms();
		if (at >= 0)
			memcpy(failing[at], failing[--n_failing], sizeof failing[0]);
	} else {
		last_failure_ms = bst_now_ms();
		if (at < 0 && n_failing < FAILING_MAX)
			snprintf(failing[n_failing++], sizeof failing[0], "%s", scope);
	}
	pthread_mutex_unlock(&health_lock);
}

void bst_backup_health(struct bst_backup_health *out)
{
	pthread_mutex_lock(&health_lock);
	out->failing = n_failing;
	out->last_success_ms = last_success_ms;
	out->last_failure_ms = last_failure_ms;
	pthread_mutex_unlock(&health_lock);
}

static int one(struct bst_install *in, const struct bst_config *cfg, const char *scope,
	       bool progress, bool prune, FILE *out)
{
	struct bst_backup_result res;
	char err[800];
	if (bst_backup_run(in, scope, progress, &res, err, sizeof err) != 0) {
		bst_log_error("BACKUP FAILED for %s: %s (earlier backups are intact)", scope, err);
		note(scope, false);
		if (out)
			fprintf(out, "%s: FAILED: %s\n", scope, err);
		return -1;
	}
	note(scope, true);
	bst_log_info("backup %s/%s: %zu blobs (%zu new), %zu chunks (%zu new), %llu bytes, "
		     "%llu written, %lld ms",
		     scope, res.id, res.n_blobs, res.n_blobs_new, res.n_chunks, res.n_chunks_new,
		     (unsigned long long)res.size, (unsigned long long)res.written,
		     (long long)res.duration_ms);
	if (out)
		fprintf(out,
			"%s: backup %s, %zu blobs (%zu new), %zu chunks (%zu new), %.1f MB, "
			"%.1f MB written, %.1f s\n",
			scope, res.id, res.n_blobs, res.n_blobs_new, res.n_chunks, res.n_chunks_new,
			(double)res.size / 1e6, (double)res.written / 1e6,
			(double)res.duration_ms / 1000);
	if (!prune)
		return 0;
	struct bst_retention r;
	bst_backup_retention_of(cfg, &r);
	int removed = 0, objects = 0;
	if (bst_backup_prune(in, scope, &r, &removed, &objects, err, sizeof err) != 0) {
		bst_log_error("BACKUP PRUNE FAILED for %s: %s", scope, err);
		if (out)
			fprintf(out, "%s: prune FAILED: %s\n", scope, err);
		return -1;
	}
	if (removed || objects)
		bst_log_info("backup prune %s: %d backups and %d objects removed", scope, removed,
			     objects);
	if (out && (removed || objects))
		fprintf(out, "%s: pruned %d backups, %d objects\n", scope, removed, objects);
	return 0;
}

int bst_backup_job_run(struct bst_install *in, const struct bst_config *cfg, const char *only,
		       bool progress, bool prune, FILE *out)
{
	if (only)
		return one(in, cfg, only, progress, prune, out) != 0;
	struct slugs s = {0};
	if (bst_q_platform_each(in->control, on_platform, &s) < 0) {
		bst_log_error("BACKUP FAILED: cannot list the platforms");
		if (out)
			fprintf(out, "FAILED: cannot list the platforms\n");
		free(s.v);
		return 1;
	}
	int failed = 0;
	for (size_t i = 0; i < s.n; i++)
		failed += one(in, cfg, s.v[i], progress, prune, out) != 0;
	failed += one(in, cfg, BST_BACKUP_CONTROL_SCOPE, progress, prune, out) != 0;
	free(s.v);
	return failed;
}

/* Has scope a backup taken at or after since_ms? (Names only: this runs
 * every minute.) */
static bool done_since(struct bst_install *in, const char *scope, int64_t since_ms)
{
	char(*ids)[BST_BACKUP_ID_LEN + 1] = NULL;
	size_t n = 0;
	char err[300];
	int64_t at = 0;
	bool done = false;
	if (backup_ids(in, scope, &ids, &n, err, sizeof err) == 0 && n > 0)
		done = bst_backup_id_parse(ids[n - 1], &at) && at >= since_ms;
	free(ids);
	return done;
}

void bst_backup_scheduled(struct bst_install *in, const struct bst_config *cfg, int64_t now)
{
	if (!cfg->backup_enabled)
		return;
	int64_t slot = now / DAY_MS * DAY_MS +
		       ((int64_t)cfg->backup_hour * 60 + cfg->backup_minute) * 60 * 1000;
	if (slot > now)
		slot -= DAY_MS;
	struct slugs s = {0};
	if (bst_q_platform_each(in->control, on_platform, &s) < 0) {
		bst_log_error("BACKUP FAILED: cannot list the platforms");
		free(s.v);
		return;
	}
	for (size_t i = 0; i <= s.n; i++) {
		const char *scope = i < s.n ? s.v[i] : BST_BACKUP_CONTROL_SCOPE;
		if (!done_since(in, scope, slot))
			one(in, cfg, scope, false, true, NULL);
	}
	free(s.v);
}
