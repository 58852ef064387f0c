/* What the operator sees of the backups (see backup_status.h). */
#include "ops/backup_status.h"
#include "audit/trail.h"
#include "core/clock.h"
#include "db/queries.h"
#include "ops/backup.h"
#include "ops/backup_internal.h"
#include "ops/backup_offsite.h"
#include "ops/backup_target.h"

#include <stdlib.h>
#include <string.h>

/* A scope whose last success is older than this is late (a day and the
 * two hours a long backup of every platform may take). */
#define LATE_MS (26 * 3600 * 1000LL)

struct list {
	struct bst_backup_status *v;
	size_t n, cap;
};

static struct bst_backup_status *add(struct list *l, const char *scope)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct bst_backup_status *g = realloc(l->v, cap * sizeof *g);
		if (!g)
			return NULL;
		l->v = g;
		l->cap = cap;
	}
	struct bst_backup_status *s = &l->v[l->n++];
	memset(s, 0, sizeof *s);
	snprintf(s->scope, sizeof s->scope, "%s", scope);
	return s;
}

static void on_platform(void *cls, const struct bst_platform_row *row)
{
	add(cls, row->slug);
}

static void fill(struct bst_install *in, const struct bst_config *cfg,
		 struct bst_backup_status *s)
{
	bst_db *db = in->control;
	bool keys = strcmp(s->scope, BST_OFFSITE_KEYS_DIR) == 0;
	if (!keys) {
		s->has_backup = bst_q_backup_event_last(db, s->scope, "backup", "", true,
							&s->backup) == BST_QS_ONE_RESULT;
		struct bst_backup_event last;
		if (bst_q_backup_event_last(db, s->scope, "backup", "", false, &last) ==
			BST_QS_ONE_RESULT &&
		    !last.ok) {
			s->failure = last;
			s->has_failure = true;
		}
		s->has_verify = bst_q_backup_event_last(db, s->scope, "verify", "", false,
							&s->verify) == BST_QS_ONE_RESULT;
		char(*ids)[BST_BACKUP_ID_LEN + 1] = NULL;
		char err[300];
		if (backup_ids(in, s->scope, &ids, &s->n_local, err, sizeof err) != 0)
			s->n_local = 0;
		free(ids);
	}
	for (size_t i = 0; i < cfg->n_targets; i++) {
		struct bst_backup_status_target *t = &s->targets[i];
		const char *name = cfg->targets[i].name;
		t->has_copy =
		    bst_q_backup_event_last(db, s->scope, keys ? "keys" : "copy", name,
					    false, &t->copy) == BST_QS_ONE_RESULT;
		t->has_verify =
		    !keys && bst_q_backup_event_last(db, s->scope, "verify", name, false,
						     &t->verify) == BST_QS_ONE_RESULT;
	}
}

int bst_backup_status_get(struct bst_install *in, const struct bst_config *cfg,
			  struct bst_backup_status **out, size_t *n)
{
	struct list l = {0};
	*out = NULL;
	*n = 0;
	if (bst_q_platform_each(in->control, on_platform, &l) < 0) {
		free(l.v);
		return -1;
	}
	if (!add(&l, BST_BACKUP_CONTROL_SCOPE) ||
	    (cfg->n_targets && !add(&l, BST_OFFSITE_KEYS_DIR))) {
		free(l.v);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++)
		fill(in, cfg, &l.v[i]);
	*out = l.v;
	*n = l.n;
	return 0;
}

bool bst_backup_status_alarm(const struct bst_backup_status *s,
			     const struct bst_config *cfg, int64_t now, char *reason,
			     size_t len)
{
	reason[0] = '\0';
	bool keys = strcmp(s->scope, BST_OFFSITE_KEYS_DIR) == 0;
	if (!keys) {
		if (s->has_failure) {
			snprintf(reason, len, "the last backup failed: %s",
				 s->failure.problem);
			return true;
		}
		if (cfg->backup_enabled &&
		    (!s->has_backup || now - s->backup.at_ms > LATE_MS)) {
			snprintf(reason, len, "no backup in the last 26 hours");
			return true;
		}
		if (s->has_verify && !s->verify.ok) {
			snprintf(reason, len, "the last verification failed: %s",
				 s->verify.problem);
			return true;
		}
	}
	for (size_t i = 0; i < cfg->n_targets; i++) {
		const struct bst_backup_status_target *t = &s->targets[i];
		if (t->has_copy && !t->copy.ok) {
			snprintf(reason, len, "[target %s]: the last %s failed: %s",
				 cfg->targets[i].name, keys ? "replication" : "copy",
				 t->copy.problem);
			return true;
		}
		if (t->has_verify && !t->verify.ok) {
			snprintf(reason, len,
				 "[target %s]: the last verification failed: %s",
				 cfg->targets[i].name, t->verify.problem);
			return true;
		}
	}
	return false;
}

void bst_backup_status_when(int64_t ms, char out[32])
{
	if (!ms) {
		snprintf(out, 32, "never");
		return;
	}
	bst_time_format_iso(ms, out, 32);
	out[16] = 'Z';
	out[17] = '\0';
}

int bst_backup_status_print(struct bst_install *in, const struct bst_config *cfg,
			    FILE *out)
{
	struct bst_backup_status *v;
	size_t n;
	if (bst_backup_status_get(in, cfg, &v, &n) != 0) {
		fprintf(out, "FAILED: cannot read the control database\n");
		return 1;
	}
	int problems = 0;
	int64_t now = bst_now_ms();
	for (size_t i = 0; i < n; i++) {
		const struct bst_backup_status *s = &v[i];
		char a[32], b[32], reason[600];
		bool alarm = bst_backup_status_alarm(s, cfg, now, reason, sizeof reason);
		problems += alarm;
		if (strcmp(s->scope, BST_OFFSITE_KEYS_DIR) == 0) {
			fprintf(out, "key store%s%s\n", alarm ? ": ATTENTION: " : "",
				reason);
		} else {
			bst_backup_status_when(s->has_backup ? s->backup.at_ms : 0, a);
			fprintf(out, "%s: last backup %s", s->scope, a);
			if (s->has_backup)
				fprintf(out,
					" (%.1f h ago), %.1f MB, %.1f MB written, %.1f s",
					(double)(now - s->backup.at_ms) / 3.6e6,
					(double)s->backup.size / 1e6,
					(double)s->backup.written / 1e6,
					(double)s->backup.duration_ms / 1000);
			fprintf(out, ", %zu kept here", s->n_local);
			if (s->has_verify) {
				bst_backup_status_when(s->verify.at_ms, b);
				fprintf(out, ", verified %s %s", b,
					s->verify.ok ? "ok" : "FAILED");
			}
			fprintf(out, "%s%s\n", alarm ? ": ATTENTION: " : "", reason);
		}
		for (size_t j = 0; j < cfg->n_targets; j++) {
			const struct bst_backup_status_target *t = &s->targets[j];
			bst_backup_status_when(t->has_copy ? t->copy.at_ms : 0, a);
			bst_backup_status_when(t->has_verify ? t->verify.at_ms : 0, b);
			fprintf(out, "  [target %s] %s, %s: %s %s %s",
				cfg->targets[j].name, cfg->targets[j].provider,
				cfg->targets[j].region,
				strcmp(s->scope, BST_OFFSITE_KEYS_DIR) == 0 ? "replicated"
									    : "copied",
				a, t->has_copy ? (t->copy.ok ? "ok" : "FAILED") : "");
			if (strcmp(s->scope, BST_OFFSITE_KEYS_DIR) != 0)
				fprintf(out, ", verified %s %s", b,
					t->has_verify ? (t->verify.ok ? "ok" : "FAILED")
						      : "");
			fputc('\n', out);
		}
	}
	free(v);
	return problems;
}

int bst_backup_targets_print(struct bst_install *in, const struct bst_config *cfg,
			     FILE *out)
{
	if (cfg->n_targets == 0) {
		fprintf(
		    out,
		    "no [target] in the configuration: backups stay on this machine\n");
		return 0;
	}
	uint8_t pk[32];
	char err[800];
	bool have_pk = bst_audit_key_public(in->dir, pk, err, sizeof err) == 0;
	int failed = 0;
	for (size_t i = 0; i < cfg->n_targets; i++) {
		const struct bst_target_conf *tc = &cfg->targets[i];
		struct bst_target *t = NULL;
		int rc = have_pk ? bst_target_open(tc, pk, &t, err, sizeof err) : -1;
		char **scopes = rc == 0 ? bst_offsite_scopes(t, err, sizeof err) : NULL;
		size_t n = 0;
		for (char **p = scopes; p && *p; p++)
			n++;
		fprintf(out, "[target %s] %s %s, provider %s, region %s: ", tc->name,
			bst_target_kind(tc), tc->url, tc->provider, tc->region);
		if (rc == 0 && scopes)
			fprintf(out, "ok, %zu scopes there\n", n);
		else
			fprintf(out, "FAILED: %s\n", err);
		failed += rc != 0 || !scopes;
		bst_backup_scopes_free(scopes);
		bst_target_close(t);
	}
	return failed;
}
