/* Restoring a platform (see restore.h). */
#include "ops/restore.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/queries.h"
#include "db/snapshot.h"
#include "ops/backup.h"
#include "ops/backup_offsite.h"
#include "tenant/context.h"
#include "tenant/platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PATH_LEN 1024
/* After suspending the platform, how long before its files are touched:
 * a running server re-reads the control database at the latest after
 * BST_DB_WATCH_MAX_MS, and requests that had already begun finish. */
#define NOTICE_MS (BST_DB_WATCH_MAX_MS + 500)

static bool blob_name(const char *s)
{
	if (strlen(s) != 32)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The blob names in dir, sorted (the caller frees each and the array). */
static char **names_in(const char *dir, size_t *n)
{
	*n = 0;
	size_t cap = 64;
	char **v = malloc(cap * sizeof *v);
	DIR *d = opendir(dir);
	if (!d || !v) {
		if (d)
			closedir(d);
		return v;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!blob_name(e->d_name))
			continue;
		if (*n == cap) {
			char **g = realloc(v, 2 * cap * sizeof *v);
			if (!g)
				break;
			v = g;
			cap *= 2;
		}
		if ((v[*n] = strdup(e->d_name)))
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmp_name);
	return v;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Moves the staged blobs into the live store, replaces the databases,
 * then removes the live blobs the restored database does not know. */
static int swap_in(struct bst_install *in, const char *target, const char *stage,
		   size_t *n_blobs, char *err, size_t errlen)
{
	char live[PATH_LEN], from[PATH_LEN + 64], to[PATH_LEN + 64];
	snprintf(live, sizeof live, "%s/platforms/%s/blobs", in->dir, target);
	if (mkdir(live, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", live, strerror(errno));
		return -1;
	}
	snprintf(from, sizeof from, "%s/blobs", stage);
	size_t n = 0;
	char **staged = names_in(from, &n);
	*n_blobs = n;
	int rc = -1;
	/* blobs are immutable and their names random: one present in both
	 * places is the same file; moving it in first means no restored row
	 * ever points at a missing file */
	for (size_t i = 0; i < n; i++) {
		snprintf(from, sizeof from, "%s/blobs/%s", stage, staged[i]);
		snprintf(to, sizeof to, "%s/%s", live, staged[i]);
		if (rename(from, to) != 0) {
			snprintf(err, errlen, "cannot move %s into place: %s", staged[i],
				 strerror(errno));
			goto cleanup;
		}
	}
	static const char *const dbs[] = {"main.db", "audit.db"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(from, sizeof from, "%s/%s", stage, dbs[i]);
		snprintf(to, sizeof to, "%s/platforms/%s/%s", in->dir, target, dbs[i]);
		if (bst_db_file_replace(from, to, err, errlen) != 0)
			goto cleanup;
	}
	/* what was uploaded after the backup: no row refers to it now */
	size_t n_live = 0;
	char **now = names_in(live, &n_live);
	for (size_t i = 0; now && i < n_live; i++) {
		if (n && bsearch(&now[i], staged, n, sizeof *staged, cmp_name))
			continue;
		snprintf(to, sizeof to, "%s/%s", live, now[i]);
		unlink(to);
	}
	free_names(now, n_live);
	rc = 0;
cleanup:
	free_names(staged, n);
	return rc;
}

static void record(struct bst_install *in, const char *target, const char *from_slug,
		   const char *id)
{
	struct bst_platform *p = NULL;
	char err[300];
	if (bst_platform_open(in, target, &p, err, sizeof err) != 0) {
		bst_log_error("restore of %s: cannot record it in its trail: %s", target, err);
		return;
	}
	struct bst_ctx x = {.install = in,
			    .platform = p,
			    .actor = BST_ACTOR_OPERATOR,
			    .client_addr = "cli",
			    .user_agent = "bastide-cli",
			    .now = bst_now_ms()};
	bst_audit_record(&x, "backup.restore", id,
			 json_pack("{s:s, s:s}", "platform", from_slug, "backup", id));
	bst_platform_close(p);
}

int bst_restore_platform(struct bst_install *in, const char *slug, int64_t at_ms,
			 const char *as_slug, const char *as_host,
			 struct bst_restore_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof *res);
	const char *target = as_slug ? as_slug : slug;
	struct bst_platform_row row;
	bool exists = bst_q_platform_get(in->control, target, &row) == BST_QS_ONE_RESULT;
	if (as_slug && exists) {
		snprintf(err, errlen, "platform %s already exists", as_slug);
		return -1;
	}
	if (!as_slug && !exists) {
		snprintf(err, errlen,
			 "no platform named %s (use --as NEWSLUG --host HOST to restore it "
			 "under a new name)",
			 slug);
		return -1;
	}
	if (as_slug && !bst_slug_valid(as_slug)) {
		snprintf(err, errlen, "invalid platform name '%s'", as_slug);
		return -1;
	}
	char why[1400];
	switch (bst_backup_find(in, slug, at_ms, res->id, why, sizeof why)) {
	case 0:
		break;
	case -2:
		snprintf(err, errlen, "the backup does not verify, nothing restored: %s", why);
		return -1;
	default:
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	char stage[PATH_LEN];
	snprintf(stage, sizeof stage, "%s/platforms/.restore-%ld-%s", in->dir, (long)getpid(),
		 target);
	bst_backup_rmtree(stage);
	int rc = -1;
	bool suspended_here = false;
	uint8_t key[BST_KEY_BYTES];
	if (bst_backup_extract(in, slug, res->id, stage, why, sizeof why) != 0) {
		snprintf(err, errlen, "backup %s/%s does not verify, nothing restored: %s", slug,
			 res->id, why);
		goto cleanup;
	}
	if (as_slug) {
		struct bst_platform_row src;
		char name[BST_PLATFORM_NAME_MAX + 1];
		if (bst_q_platform_get(in->control, slug, &src) != BST_QS_ONE_RESULT)
			snprintf(src.name, sizeof src.name, "%s", slug);
		snprintf(name, sizeof name, "%.150s (restored %s)", src.name, res->id);
		if (bst_install_key_load(in, slug, key, err, errlen) != 0)
			goto cleanup;
		const char *hosts[] = {as_host};
		if (bst_platform_create_keyed(in, as_slug, name, hosts, 1, key, err, errlen) != 0)
			goto cleanup;
		row.suspended = false;
	}
	if (!row.suspended) {
		if (bst_q_platform_set_status(in->control, target, true, bst_now_ms()) < 0) {
			snprintf(err, errlen, "cannot suspend platform %s", target);
			goto cleanup;
		}
		suspended_here = true;
		if (!as_slug)
			bst_sleep_ms(NOTICE_MS);
	}
	if (swap_in(in, target, stage, &res->n_blobs, why, sizeof why) != 0) {
		snprintf(err, errlen, "restore of %s failed: %s", target, why);
		bst_log_error("RESTORE FAILED for platform %s from backup %s/%s: %s", target, slug,
			      res->id, why);
		goto cleanup;
	}
	record(in, target, slug, res->id);
	rc = 0;
cleanup:
	if (suspended_here &&
	    bst_q_platform_set_status(in->control, target, false, bst_now_ms()) < 0)
		bst_log_error("restore of %s: it stays suspended, resume it with `bastide platform "
			      "resume %s`",
			      target, target);
	sodium_memzero(key, sizeof key);
	bst_backup_rmtree(stage);
	return rc;
}

/* An empty file for a database the restore replaces the content of. */
static int empty_db(const char *dir, const char *name)
{
	char path[PATH_LEN + 16];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	return fd >= 0 ? close(fd) : -1;
}

/* The control database from its latest backup on t. */
static int restore_control(struct bst_install *in, struct bst_target *t, FILE *out, char *err,
			   size_t errlen)
{
	char id[BST_BACKUP_ID_LEN + 1], stage[PATH_LEN], from[PATH_LEN + 32], to[PATH_LEN];
	if (bst_offsite_latest(t, BST_BACKUP_CONTROL_SCOPE, INT64_MAX, id, err, errlen) != 0)
		return -1;
	if (!id[0]) {
		snprintf(err, errlen, "no backup of the control database on the target");
		return -1;
	}
	if (bst_offsite_fetch(in, t, BST_BACKUP_CONTROL_SCOPE, id, err, errlen) != 0)
		return -1;
	snprintf(stage, sizeof stage, "%s/.restore-%ld-control", in->dir, (long)getpid());
	bst_backup_rmtree(stage);
	int rc = -1;
	char why[1200];
	snprintf(from, sizeof from, "%s/control.db", stage);
	snprintf(to, sizeof to, "%s/control.db", in->dir);
	if (bst_backup_extract(in, BST_BACKUP_CONTROL_SCOPE, id, stage, why, sizeof why) != 0)
		snprintf(err, errlen, "the control database's backup %s does not verify: %s", id,
			 why);
	else if (bst_db_file_replace(from, to, err, errlen) == 0)
		rc = 0;
	bst_backup_rmtree(stage);
	if (rc == 0 && out)
		fprintf(out, "control database: restored from backup %s\n", id);
	return rc;
}

int bst_restore_all(struct bst_install *in, const struct bst_config *cfg, const char *target,
		    FILE *out, char *err, size_t errlen)
{
	const struct bst_target_conf *tc = bst_config_target(cfg, target);
	if (!tc) {
		snprintf(err, errlen, "no [target %s] in the configuration", target);
		return -1;
	}
	struct {
		char (*v)[48];
		size_t n;
	} have = {0}, all = {0};
	if (bst_platform_slugs(in, &have.v, &have.n) != 0 || have.n > 0) {
		snprintf(err, errlen,
			 have.n ? "this installation has platforms already (%s, ...): --all "
				  "rebuilds an empty one"
				: "cannot read the control database%s",
			 have.n ? have.v[0] : "");
		free(have.v);
		return -1;
	}
	free(have.v);
	struct bst_target *t;
	if (bst_target_open(tc, NULL, &t, err, errlen) != 0)
		return -1;
	int rc = -1;
	char why[1400];
	if (bst_offsite_keys_fetch(in, t, err, errlen) != 0)
		goto cleanup;
	if (out)
		fprintf(out, "key store and signing key: restored from [target %s]\n", tc->name);
	if (restore_control(in, t, out, err, errlen) != 0)
		goto cleanup;
	if (bst_platform_slugs(in, &all.v, &all.n) != 0) {
		snprintf(err, errlen, "cannot read the restored control database");
		goto cleanup;
	}
	int failed = 0;
	for (size_t i = 0; i < all.n; i++) {
		const char *slug = all.v[i];
		char id[BST_BACKUP_ID_LEN + 1], dir[PATH_LEN];
		struct bst_restore_result res;
		snprintf(dir, sizeof dir, "%s/platforms", in->dir);
		mkdir(dir, 0700);
		snprintf(dir, sizeof dir, "%s/platforms/%s", in->dir, slug);
		/* destroyed after the control database's backup: its key is gone
		 * from the replica, and so is the platform */
		uint8_t key[BST_KEY_BYTES];
		if (bst_install_key_load(in, slug, key, why, sizeof why) != 0) {
			struct bst_platform_row row;
			if (bst_q_platform_get(in->control, slug, &row) == BST_QS_ONE_RESULT)
				bst_q_platform_delete(in->control, row.id);
			if (out)
				fprintf(out, "%s: not restored: its data key is not in the key store "
					     "(the platform was destroyed)\n",
					slug);
			continue;
		}
		sodium_memzero(key, sizeof key);
		if (bst_offsite_latest(t, slug, INT64_MAX, id, why, sizeof why) != 0 || !id[0] ||
		    (mkdir(dir, 0700) != 0 && errno != EEXIST) || empty_db(dir, "main.db") != 0 ||
		    empty_db(dir, "audit.db") != 0 ||
		    bst_offsite_fetch(in, t, slug, id, why, sizeof why) != 0 ||
		    bst_restore_platform(in, slug, INT64_MAX, NULL, NULL, &res, why, sizeof why) !=
			0) {
			if (!id[0])
				snprintf(why, sizeof why, "no backup of it on the target");
			bst_log_error("RESTORE FAILED for platform %s: %s", slug, why);
			if (out)
				fprintf(out, "%s: FAILED: %s\n", slug, why);
			failed++;
			continue;
		}
		if (out)
			fprintf(out, "%s: restored from backup %s (%zu documents' blobs)\n", slug,
				res.id, res.n_blobs);
	}
	if (failed) {
		snprintf(err, errlen, "%d of %zu platforms could not be restored (see above)", failed,
			 all.n);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(all.v);
	bst_target_close(t);
	return rc;
}
