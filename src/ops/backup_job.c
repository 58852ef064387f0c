/* Backups as a job (see backup_job.h). */
#include "ops/backup_job.h"
#include "audit/trail.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/q_backup_events.h"
#include "db/queries.h"
#include "ops/backup.h"
#include "ops/backup_internal.h"
#include "ops/backup_offsite.h"
#include "tenant/platform.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DAY_MS (24 * 3600 * 1000LL)
/* A copy to a target that failed is tried again after this long. */
#define COPY_RETRY_MS (3600 * 1000LL)
/* What the backups did is kept this long in the control database. */
#define EVENTS_KEPT_MS (400 * DAY_MS)

struct slugs {
	char (*v)[48];
	size_t n;
};

void bst_backup_retention_of(const struct bst_config *cfg, struct bst_retention *r)
{
	r->daily = cfg->backup_daily;
	r->weekly = cfg->backup_weekly;
	r->monthly = cfg->backup_monthly;
}

/* The scopes whose last backup failed, and when backups last succeeded
 * and failed, in this process. */
#define FAILING_MAX 256
static pthread_mutex_t health_lock = PTHREAD_MUTEX_INITIALIZER;
static char failing[FAILING_MAX][96]; /* "scope" or "scope@target" */
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

static void record(struct bst_install *in, const char *scope, const char *target,
		   const char *kind, const char *id, bool ok, uint64_t size,
		   uint64_t written, int64_t duration_ms, const char *problem)
{
	struct bst_backup_event e = {.at_ms = bst_now_ms(),
				     .ok = ok,
				     .size = (int64_t)size,
				     .written = (int64_t)written,
				     .duration_ms = duration_ms};
	snprintf(e.scope, sizeof e.scope, "%s", scope);
	snprintf(e.target, sizeof e.target, "%s", target ? target : "");
	snprintf(e.kind, sizeof e.kind, "%s", kind);
	snprintf(e.backup_id, sizeof e.backup_id, "%s", id ? id : "");
	snprintf(e.problem, sizeof e.problem, "%s", problem ? problem : "");
	if (bst_q_backup_event_add(in->control, &e) < 0)
		bst_log_warn(
		    "backup: cannot record a %s event of %s in the control database",
		    kind, scope);
}

/* ---- the targets of a run ---- */

struct targets {
	struct bst_target *t[BST_MAX_BACKUP_TARGETS];
	const struct bst_target_conf *conf[BST_MAX_BACKUP_TARGETS];
	char problem[BST_MAX_BACKUP_TARGETS][600]; /* why t[i] is NULL */
	size_t n;
};

/* Connects to every configured target (or only one); a target that
 * cannot be reached is kept with its problem, for the lines and events
 * of each scope. */
static void targets_open(struct bst_install *in, const struct bst_config *cfg,
			 const char *only, struct targets *ts)
{
	memset(ts, 0, sizeof *ts);
	uint8_t pk[32];
	char err[600];
	bool have_pk = bst_audit_key_public(in->dir, pk, err, sizeof err) == 0;
	for (size_t i = 0; i < cfg->n_targets; i++) {
		if (only && strcmp(cfg->targets[i].name, only) != 0)
			continue;
		size_t k = ts->n++;
		ts->conf[k] = &cfg->targets[i];
		if (!have_pk)
			snprintf(ts->problem[k], sizeof ts->problem[k], "%s", err);
		else if (bst_target_open(&cfg->targets[i], pk, &ts->t[k], ts->problem[k],
					 sizeof ts->problem[k]) != 0)
			bst_log_error("BACKUP TARGET UNREACHABLE: %s", ts->problem[k]);
	}
}

static void targets_close(struct targets *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		bst_target_close(ts->t[i]);
}

static void note_copy(const char *scope, const char *target, bool ok)
{
	char name[96];
	snprintf(name, sizeof name, "%s@%s", scope, target);
	note(name, ok);
}

/* The key-store replica on every open target. Returns the failures. */
static int replicate_keys(struct bst_install *in, struct targets *ts, FILE *out)
{
	int failed = 0;
	for (size_t i = 0; i < ts->n; i++) {
		char err[800];
		const char *name = ts->conf[i]->name;
		int64_t start = bst_now_ms();
		int rc =
		    ts->t[i] ? bst_offsite_keys_push(in, ts->t[i], err, sizeof err) : -1;
		if (!ts->t[i])
			snprintf(err, sizeof err, "%s", ts->problem[i]);
		record(in, BST_OFFSITE_KEYS_DIR, name, "keys", NULL, rc == 0, 0, 0,
		       bst_now_ms() - start, rc == 0 ? NULL : err);
		note_copy(BST_OFFSITE_KEYS_DIR, name, rc == 0);
		if (rc != 0) {
			failed++;
			bst_log_error("KEY-STORE REPLICA FAILED on [target %s]: %s", name,
				      err);
			if (out)
				fprintf(out, "key store: [target %s] FAILED: %s\n", name,
					err);
		} else if (out) {
			fprintf(out, "key store: replicated to [target %s]\n", name);
		}
	}
	return failed;
}

struct destroyed {
	char (*v)[48];
	size_t n;
};

static void on_report(void *cls, const struct bst_destruction_row *r)
{
	struct destroyed *d = cls;
	char(*g)[48] = realloc(d->v, (d->n + 1) * sizeof *d->v);
	if (!g)
		return;
	d->v = g;
	snprintf(d->v[d->n++], sizeof *d->v, "%s", r->slug);
}

/* The copies of destroyed platforms that a target could not be reached to
 * remove at the time (the destruction report says so): removed now. */
static void purge_destroyed(struct bst_install *in, struct targets *ts, FILE *out)
{
	struct destroyed d = {0};
	if (bst_q_destruction_each(in->control, NULL, on_report, &d) < 0 || d.n == 0) {
		free(d.v);
		return;
	}
	for (size_t i = 0; i < ts->n; i++) {
		char err[800];
		char **scopes =
		    ts->t[i] ? bst_offsite_scopes(ts->t[i], err, sizeof err) : NULL;
		for (char **p = scopes; p && *p; p++) {
			struct bst_platform_row row;
			bool gone = false;
			for (size_t j = 0; j < d.n && !gone; j++)
				gone = strcmp(d.v[j], *p) == 0;
			if (!gone || bst_q_platform_get(in->control, *p, &row) ==
					 BST_QS_ONE_RESULT)
				continue; /* a new platform of the same name is not the
					     old one */
			size_t files = 0;
			if (bst_offsite_remove_scope(in, ts->t[i], *p, &files, err,
						     sizeof err) != 0) {
				bst_log_error(
				    "DESTROY of %s: its copies on [target %s] remain: %s",
				    *p, ts->conf[i]->name, err);
				continue;
			}
			bst_log_info("destroy of %s: its copies on [target %s] removed "
				     "(%zu files)",
				     *p, ts->conf[i]->name, files);
			if (out)
				fprintf(
				    out,
				    "%s (destroyed): its copies on [target %s] removed\n",
				    *p, ts->conf[i]->name);
		}
		bst_backup_scopes_free(scopes);
	}
	free(d.v);
}

/* Copies scope's backups to every target, then prunes them there when
 * asked. Returns the failures. */
static int copy_scope(struct bst_install *in, const struct bst_config *cfg,
		      const char *scope, struct targets *ts, bool prune, FILE *out)
{
	int failed = 0;
	struct bst_retention r;
	bst_backup_retention_of(cfg, &r);
	for (size_t i = 0; i < ts->n; i++) {
		const char *name = ts->conf[i]->name;
		char err[800];
		int copied = 0;
		uint64_t bytes = 0;
		int64_t start = bst_now_ms();
		int rc = -1;
		if (!ts->t[i])
			snprintf(err, sizeof err, "%s", ts->problem[i]);
		else
			rc = bst_offsite_push(in, ts->t[i], scope, &copied, &bytes, err,
					      sizeof err);
		int removed = 0, objects = 0;
		if (rc == 0 && prune &&
		    bst_offsite_prune(in, ts->t[i], scope, &r, &removed, &objects, err,
				      sizeof err) != 0)
			rc = -1;
		record(in, scope, name, "copy", NULL, rc == 0, 0, bytes,
		       bst_now_ms() - start, rc == 0 ? NULL : err);
		note_copy(scope, name, rc == 0);
		if (rc != 0) {
			failed++;
			bst_log_error("BACKUP COPY FAILED for %s to [target %s]: %s",
				      scope, name, err);
			if (out)
				fprintf(out, "%s: copy to [target %s] FAILED: %s\n",
					scope, name, err);
			continue;
		}
		bst_log_info(
		    "backup %s: %d copied to [target %s] (%llu bytes), %d pruned there",
		    scope, copied, name, (unsigned long long)bytes, removed);
		if (out)
			fprintf(out, "%s: %d copied to [target %s], %.1f MB sent%s\n",
				scope, copied, name, (double)bytes / 1e6,
				removed ? ", pruned there" : "");
	}
	return failed;
}

static int one(struct bst_install *in, const struct bst_config *cfg, const char *scope,
	       bool progress, bool prune, FILE *out)
{
	struct bst_backup_result res;
	char err[800];
	int64_t start = bst_now_ms();
	if (bst_backup_run(in, scope, progress, &res, err, sizeof err) != 0) {
		bst_log_error("BACKUP FAILED for %s: %s (earlier backups are intact)",
			      scope, err);
		note(scope, false);
		record(in, scope, NULL, "backup", NULL, false, 0, 0, bst_now_ms() - start,
		       err);
		if (out)
			fprintf(out, "%s: FAILED: %s\n", scope, err);
		return -1;
	}
	note(scope, true);
	record(in, scope, NULL, "backup", res.id, true, res.size, res.written,
	       res.duration_ms, NULL);
	bst_log_info(
	    "backup %s/%s: %zu blobs (%zu new), %zu chunks (%zu new), %llu bytes, "
	    "%llu written, %lld ms",
	    scope, res.id, res.n_blobs, res.n_blobs_new, res.n_chunks, res.n_chunks_new,
	    (unsigned long long)res.size, (unsigned long long)res.written,
	    (long long)res.duration_ms);
	if (out)
		fprintf(
		    out,
		    "%s: backup %s, %zu blobs (%zu new), %zu chunks (%zu new), %.1f MB, "
		    "%.1f MB written, %.1f s\n",
		    scope, res.id, res.n_blobs, res.n_blobs_new, res.n_chunks,
		    res.n_chunks_new, (double)res.size / 1e6, (double)res.written / 1e6,
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
		bst_log_info("backup prune %s: %d backups and %d objects removed", scope,
			     removed, objects);
	if (out && (removed || objects))
		fprintf(out, "%s: pruned %d backups, %d objects\n", scope, removed,
			objects);
	return 0;
}

/* One pass over the targets, connected to once: the key-store replica
 * first (a copy is of use only with its key replicated; *keys_failed says
 * whether that failed), then a backup of each scope of backup[] followed
 * by its copy, then the copy of each scope of copy[] (a retry), then, when
 * purge is set, what destructions left on the targets. Returns the
 * failures. */
static int pass(struct bst_install *in, const struct bst_config *cfg, char (*backup)[48],
		size_t n_backup, char (*copy)[48], size_t n_copy, bool progress,
		bool prune, bool purge, int *keys_failed, FILE *out)
{
	struct targets ts;
	targets_open(in, cfg, NULL, &ts);
	int failed = *keys_failed = replicate_keys(in, &ts, out);
	for (size_t i = 0; i < n_backup; i++) {
		if (one(in, cfg, backup[i], progress, prune, out) != 0)
			failed++;
		else
			failed += copy_scope(in, cfg, backup[i], &ts, prune, out);
	}
	for (size_t i = 0; i < n_copy; i++)
		failed += copy_scope(in, cfg, copy[i], &ts, prune, out);
	if (purge)
		purge_destroyed(in, &ts, out);
	targets_close(&ts);
	if (n_backup)
		bst_q_backup_events_prune(in->control, bst_now_ms() - EVENTS_KEPT_MS);
	return failed;
}

/* Every platform's slug, then the control scope. */
static int all_scopes(struct bst_install *in, struct slugs *s)
{
	if (bst_platform_slugs(in, &s->v, &s->n) != 0)
		return -1;
	char(*g)[48] = realloc(s->v, (s->n + 1) * sizeof *s->v);
	if (!g)
		return -1;
	s->v = g;
	snprintf(s->v[s->n++], sizeof *s->v, "%s", BST_BACKUP_CONTROL_SCOPE);
	return 0;
}

int bst_backup_job_run(struct bst_install *in, const struct bst_config *cfg,
		       const char *only, bool progress, bool prune, FILE *out)
{
	struct slugs s = {0};
	char single[1][48];
	if (only) {
		snprintf(single[0], sizeof single[0], "%s", only);
	} else if (all_scopes(in, &s) != 0) {
		bst_log_error("BACKUP FAILED: cannot list the platforms");
		if (out)
			fprintf(out, "FAILED: cannot list the platforms\n");
		free(s.v);
		return 1;
	}
	int keys_failed;
	int failed = pass(in, cfg, only ? single : s.v, only ? 1 : s.n, NULL, 0, progress,
			  prune, !only, &keys_failed, out);
	free(s.v);
	return failed;
}

int bst_backup_job_copy(struct bst_install *in, const struct bst_config *cfg,
			const char *only, const char *target, bool prune, FILE *out)
{
	struct targets ts;
	targets_open(in, cfg, target, &ts);
	int failed = replicate_keys(in, &ts, out);
	char **scopes = bst_backup_scopes(in);
	for (size_t i = 0; scopes && scopes[i]; i++)
		if (!only || strcmp(only, scopes[i]) == 0)
			failed += copy_scope(in, cfg, scopes[i], &ts, prune, out);
	bst_backup_scopes_free(scopes);
	if (!only)
		purge_destroyed(in, &ts, out);
	targets_close(&ts);
	return failed;
}

int bst_backup_job_verify(struct bst_install *in, const struct bst_config *cfg,
			  const char *scope, const char *target, const char *id,
			  FILE *out)
{
	struct targets ts;
	targets_open(in, cfg, target, &ts);
	int failed = 0;
	char **scopes = NULL;
	for (size_t i = 0; i < ts.n; i++) {
		char err[1500], got[BST_BACKUP_ID_LEN + 1] = "";
		const char *name = ts.conf[i]->name;
		if (!ts.t[i]) {
			failed++;
			if (out)
				fprintf(out, "[target %s]: FAILED: %s\n", name,
					ts.problem[i]);
			continue;
		}
		char *single[2] = {(char *)scope, NULL};
		scopes = scope ? NULL : bst_offsite_scopes(ts.t[i], err, sizeof err);
		char **each = scope ? single : scopes;
		if (!each) {
			failed++;
			if (out)
				fprintf(out, "[target %s]: FAILED: %s\n", name, err);
			continue;
		}
		for (size_t j = 0; each[j]; j++) {
			int64_t start = bst_now_ms();
			int rc = bst_offsite_verify(in, ts.t[i], each[j], id, got, err,
						    sizeof err);
			record(in, each[j], name, "verify", got, rc == 0, 0, 0,
			       bst_now_ms() - start, rc == 0 ? NULL : err);
			if (rc != 0) {
				failed++;
				bst_log_error("BACKUP VERIFICATION FAILED for %s on "
					      "[target %s]: %s",
					      each[j], name, err);
			}
			if (out)
				fprintf(
				    out,
				    rc == 0
					? "%s: ok on [target %s], backup %s verified\n"
					: "%s: FAILED on [target %s]: %s\n",
				    each[j], name, rc == 0 ? got : err);
		}
		bst_backup_scopes_free(scopes);
		scopes = NULL;
	}
	targets_close(&ts);
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

/* keys.db's state as the file system shows it: a change means a key was
 * added or removed (the key store is written only then). */
static bool keys_changed(struct bst_install *in, char sig[128])
{
	char path[600], now[128];
	struct stat a = {0}, b = {0};
	snprintf(path, sizeof path, "%s/keys.db", in->dir);
	stat(path, &a);
	snprintf(path, sizeof path, "%s/keys.db-wal", in->dir);
	stat(path, &b);
	snprintf(now, sizeof now, "%lld.%ld/%lld/%lld.%ld/%lld",
		 (long long)a.st_mtim.tv_sec, a.st_mtim.tv_nsec, (long long)a.st_size,
		 (long long)b.st_mtim.tv_sec, b.st_mtim.tv_nsec, (long long)b.st_size);
	if (strcmp(now, sig) == 0)
		return false;
	snprintf(sig, 128, "%s", now);
	return true;
}

int bst_backup_keys_replicate(struct bst_install *in, const struct bst_config *cfg,
			      FILE *out)
{
	struct targets ts;
	targets_open(in, cfg, NULL, &ts);
	int failed = replicate_keys(in, &ts, out);
	targets_close(&ts);
	return failed;
}

static bool drill_due(const struct bst_backup_event *last, int64_t period, int64_t now)
{
	/* a failed drill is tried again as a failed copy is: it may have
	 * failed for want of a copy made since */
	return now - last->at_ms >= (last->ok ? period : COPY_RETRY_MS);
}

/* The restore drill: the latest backup of scope read back from each target
 * (from the local store when there is none) and verified, every
 * drill_days. */
static void drill(struct bst_install *in, const struct bst_config *cfg, const char *scope,
		  int64_t now)
{
	int64_t period = (int64_t)cfg->backup_drill_days * DAY_MS;
	struct bst_backup_event e;
	char err[1500], got[BST_BACKUP_ID_LEN + 1];
	if (cfg->n_targets == 0) {
		if (bst_q_backup_event_last(in->control, scope, "verify", "", false,
					    &e) == BST_QS_ONE_RESULT &&
		    !drill_due(&e, period, now))
			return;
		int checked = 0;
		char(*ids)[BST_BACKUP_ID_LEN + 1] = NULL;
		size_t n = 0;
		if (backup_ids(in, scope, &ids, &n, err, sizeof err) != 0 || n == 0) {
			free(ids);
			return;
		}
		snprintf(got, sizeof got, "%s", ids[n - 1]);
		free(ids);
		int64_t start = bst_now_ms();
		int rc = bst_backup_verify(in, scope, got, &checked, err, sizeof err);
		record(in, scope, NULL, "verify", got, rc == 0, 0, 0,
		       bst_now_ms() - start, rc == 0 ? NULL : err);
		note_copy("drill", scope, rc == 0);
		if (rc != 0)
			bst_log_error("RESTORE DRILL FAILED for %s: %s", scope, err);
		else
			bst_log_info("restore drill %s/%s: ok", scope, got);
		return;
	}
	for (size_t i = 0; i < cfg->n_targets; i++) {
		const char *name = cfg->targets[i].name;
		if (bst_q_backup_event_last(in->control, scope, "verify", name, false,
					    &e) == BST_QS_ONE_RESULT &&
		    !drill_due(&e, period, now))
			continue;
		char drilled[64];
		snprintf(drilled, sizeof drilled, "drill:%s", scope);
		bool ok = bst_backup_job_verify(in, cfg, scope, name, NULL, NULL) == 0;
		note_copy(drilled, name, ok);
		if (!ok) {
			bst_log_error(
			    "RESTORE DRILL FAILED for %s on [target %s] (see above)",
			    scope, name);
		} else {
			bst_log_info("restore drill %s on [target %s]: ok", scope, name);
		}
	}
}

/* Whether a copy of scope to a target failed and is due again. */
static bool copy_due(struct bst_install *in, const struct bst_config *cfg,
		     const char *scope, int64_t now)
{
	for (size_t i = 0; i < cfg->n_targets; i++) {
		struct bst_backup_event e;
		if (bst_q_backup_event_last(in->control, scope, "copy",
					    cfg->targets[i].name, false,
					    &e) == BST_QS_ONE_RESULT &&
		    !e.ok && now - e.at_ms >= COPY_RETRY_MS)
			return true;
	}
	return false;
}

void bst_backup_scheduled(struct bst_install *in, const struct bst_config *cfg,
			  int64_t now)
{
	if (!cfg->backup_enabled)
		return;
	int64_t slot = now / DAY_MS * DAY_MS +
		       ((int64_t)cfg->backup_hour * 60 + cfg->backup_minute) * 60 * 1000;
	if (slot > now)
		slot -= DAY_MS;
	struct slugs s = {0};
	if (all_scopes(in, &s) != 0) {
		bst_log_error("BACKUP FAILED: cannot list the platforms");
		free(s.v);
		return;
	}
	/* what is due: a backup (then its copy), or a copy to try again */
	char(*backup)[48] = calloc(s.n, sizeof *backup),
	(*copy)[48] = calloc(s.n, sizeof *copy);
	bool *busy = calloc(s.n, sizeof *busy);
	if (!backup || !copy || !busy) {
		bst_log_error("BACKUP FAILED: out of memory");
		goto cleanup;
	}
	size_t n_backup = 0, n_copy = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (!done_since(in, s.v[i], slot))
			memcpy(backup[n_backup++], s.v[i], sizeof *backup);
		else if (copy_due(in, cfg, s.v[i], now))
			memcpy(copy[n_copy++], s.v[i], sizeof *copy);
		else
			continue;
		busy[i] = true;
	}
	static char keys_sig[128];
	bool keys_stale = cfg->n_targets && keys_changed(in, keys_sig);
	int keys_failed = 0;
	/* once a day, with the control scope's backup (the last one): what
	 * destructions left on the targets */
	bool purge =
	    n_backup && strcmp(backup[n_backup - 1], BST_BACKUP_CONTROL_SCOPE) == 0;
	if (n_backup || n_copy)
		pass(in, cfg, backup, n_backup, copy, n_copy, false, true, purge,
		     &keys_failed, NULL);
	else if (keys_stale)
		keys_failed = bst_backup_keys_replicate(in, cfg, NULL);
	if (keys_failed)
		keys_sig[0] = '\0'; /* again at the next look */
	for (size_t i = 0; cfg->backup_drill_days && i < s.n; i++)
		if (!busy[i])
			drill(in, cfg, s.v[i], now);
cleanup:
	free(backup);
	free(copy);
	free(busy);
	free(s.v);
}
