/* Platform destruction (see destroy.h). */
#include "ops/destroy.h"
#include "ops/backup_offsite.h"
#include "audit/trail.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/str.h"
#include "db/queries.h"
#include "ops/notice.h"
#include "tenant/platform.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Long enough for a running server's registry to see the platform gone. */
#define NOTICE_MS (BST_DB_WATCH_MAX_MS + 500)

struct tally {
	int64_t files, bytes;
};

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	if (remove(path) != 0 && errno != ENOENT) {
		bst_log_error("destroy: cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static struct tally tally_of(const char *dir)
{
	struct tally t = {0, 0};
	t.bytes = bst_dir_bytes(dir, &t.files);
	return t;
}

/* The size of one file, or -1. */
static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* BLAKE2b-256 of a file, in hex; "" when it cannot be read. */
static void file_hash(const char *path, char hex[65])
{
	hex[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	unsigned char buf[16384];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		crypto_generichash_update(&st, buf, n);
	bool ok = !ferror(f);
	fclose(f);
	unsigned char h[32];
	crypto_generichash_final(&st, h, sizeof h);
	if (ok)
		sodium_bin2hex(hex, 65, h, sizeof h);
}

/* The local backups of the platform: each with its manifest's hash. */
static json_t *backups_of(const char *dir)
{
	json_t *list = json_array();
	DIR *d = opendir(dir);
	if (!d)
		return list;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "objects") == 0)
			continue;
		char path[1200], hex[65];
		snprintf(path, sizeof path, "%s/%s/manifest.json", dir, e->d_name);
		file_hash(path, hex);
		if (hex[0])
			json_array_append_new(list, json_pack("{ss ss}", "backup", e->d_name,
							       "manifest_blake2b", hex));
	}
	closedir(d);
	return list;
}

static void mail_report(struct bst_install *in, const struct bst_notice_to *to, const char *slug,
			const char *name, const char *report, const char *signature,
			const char *pk, int64_t now)
{
	char subject[400];
	snprintf(subject, sizeof subject, "%s: the platform was destroyed", name);
	char *body = NULL;
	if (asprintf(&body,
		     "Hello,\n\nAs your contract ended, the platform \"%s\" (%s) was destroyed: "
		     "its databases, its documents, its backups and its data key. The signed "
		     "report follows.\n\nReport (canonical JSON):\n%s\n\nEd25519 signature "
		     "(hex): %s\nPublic key of the installation (hex): %s\n",
		     name, slug, report, signature, pk) < 0)
		return;
	bst_notice_send(in, to, subject, body, now);
	free(body);
}

/* Step 3b: the platform's copies on the off-site targets, and the key-store
 * replicas there without its key. One object per target for the report. */
static json_t *destroy_offsite(struct bst_install *in, const struct bst_config *cfg,
			       const char *slug)
{
	json_t *list = json_array();
	uint8_t pk[32];
	char why[800];
	bool have_pk = bst_audit_key_public(in->dir, pk, why, sizeof why) == 0;
	for (size_t i = 0; i < cfg->n_targets; i++) {
		const struct bst_target_conf *tc = &cfg->targets[i];
		struct bst_target *t = NULL;
		char backups[900], replica[900];
		size_t files = 0;
		if (!have_pk || bst_target_open(tc, pk, &t, why, sizeof why) != 0) {
			snprintf(backups, sizeof backups, "not reached (%s): removed later", why);
			snprintf(replica, sizeof replica, "not reached: replaced later");
		} else {
			if (bst_offsite_remove_scope(in, t, slug, &files, why, sizeof why) == 0)
				snprintf(backups, sizeof backups, "removed (%zu files)", files);
			else
				snprintf(backups, sizeof backups, "not removed (%s): removed later",
					 why);
			if (bst_offsite_keys_push(in, t, why, sizeof why) == 0)
				snprintf(replica, sizeof replica,
					 "replaced by the key store without the platform's key");
			else
				snprintf(replica, sizeof replica, "not replaced (%s): replaced later",
					 why);
		}
		bst_target_close(t);
		if (strncmp(backups, "removed", 7) != 0 || strncmp(replica, "replaced", 8) != 0)
			bst_log_error("DESTROY of %s: [target %s]: backups %s; key-store replica %s",
				      slug, tc->name, backups, replica);
		json_array_append_new(list, json_pack("{ss ss ss ss ss ss}", "target", tc->name,
						      "url", tc->url, "provider", tc->provider,
						      "region", tc->region, "backups", backups,
						      "key_store_replica", replica));
	}
	return list;
}

int bst_platform_destroy(struct bst_install *in, const struct bst_config *cfg,
			 const char *data_dir, const char *slug, int64_t now_ms, char **report_out,
			 char *err, size_t errlen)
{
	*report_out = NULL;
	err[0] = '\0';
	struct bst_platform_row row;
	if (bst_q_platform_get(in->control, slug, &row) != BST_QS_ONE_RESULT) {
		snprintf(err, errlen, "there is no platform %s", slug);
		return -1;
	}
	struct bst_audit_key key;
	int created = 0;
	if (bst_audit_key_ensure(data_dir, &key, &created, err, errlen) != 0)
		return -1;
	char pdir[700], bdir[700];
	snprintf(pdir, sizeof pdir, "%s/platforms/%s", data_dir, slug);
	snprintf(bdir, sizeof bdir, "%s/backups/%s", data_dir, slug);

	/* what there is, before anything goes */
	struct bst_notice_to *admins = calloc(1, sizeof *admins);
	if (!admins) {
		snprintf(err, errlen, "out of memory");
		sodium_memzero(&key, sizeof key);
		return -1;
	}
	struct bst_platform *p = NULL;
	char perr[256];
	if (bst_platform_open(in, slug, &p, perr, sizeof perr) != 0)
		bst_log_warn("destroy: platform %s does not open (%s): its administrators get "
			     "no report by mail",
			     slug, perr);
	/* read now: the security contact goes with the platform's row */
	bst_notice_recipients(in, p, row.id, admins);
	if (p)
		bst_platform_close(p);
	char path[800];
	snprintf(path, sizeof path, "%s/main.db", pdir);
	int64_t main_bytes = file_size(path);
	snprintf(path, sizeof path, "%s/audit.db", pdir);
	int64_t audit_bytes = file_size(path);
	snprintf(path, sizeof path, "%s/blobs", pdir);
	struct tally blobs = tally_of(path);
	struct tally all = tally_of(pdir);
	struct tally backups = tally_of(bdir);
	json_t *backup_list = backups_of(bdir);

	int rc = -1;
	/* 1. the platform leaves the control plane: servers stop serving it */
	if (bst_q_platform_delete(in->control, row.id) < 0) {
		snprintf(err, errlen, "cannot remove platform %s from the control database", slug);
		goto out;
	}
	bst_sleep_ms(NOTICE_MS);
	/* 2. its key: from now on every copy of its data is unreadable */
	if (bst_q_key_delete(in->keys, slug) < 0) {
		snprintf(err, errlen, "cannot remove the data key of %s from the key store", slug);
		bst_log_error("DESTROY INCOMPLETE for %s: %s", slug, err);
		goto out;
	}
	bst_db_checkpoint(in->keys);
	bst_db_checkpoint(in->control);
	/* 3. its files */
	if ((nftw(pdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) ||
	    (nftw(bdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)) {
		snprintf(err, errlen, "cannot remove every file of %s (see the log)", slug);
		bst_log_error("DESTROY INCOMPLETE for %s: %s", slug, err);
		goto out;
	}

	/* 3b. its copies elsewhere, and the key-store replicas */
	json_t *offsite = destroy_offsite(in, cfg, slug);

	/* 4. the report, signed */
	char when[40];
	bst_time_format_iso(now_ms, when, sizeof when);
	json_t *r = json_pack(
	    "{ss s{ss ss sI} ss ss s{s{sI sI} s{sI sI} s{sI sI} s{so sI sI} s{ss ss}} so}",
	    "report", "platform destruction", "platform", "slug", slug, "name", row.name, "id",
	    (json_int_t)row.id, "destroyed_at", when, "installation", key.id, "destroyed",
	    "databases", "main_db_bytes", (json_int_t)main_bytes, "audit_db_bytes",
	    (json_int_t)audit_bytes, "documents", "files", (json_int_t)blobs.files, "bytes",
	    (json_int_t)blobs.bytes, "platform_directory", "files", (json_int_t)all.files,
	    "bytes", (json_int_t)all.bytes, "local_backups", "list", backup_list, "files",
	    (json_int_t)backups.files, "bytes", (json_int_t)backups.bytes, "data_key", "store",
	    "keys.db", "state", "deleted, overwritten (secure_delete), log checkpointed",
	    "off_site", offsite ? offsite : json_array());
	backup_list = NULL; /* stolen */
	char *text = r ? json_dumps(r, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(r);
	if (!text) {
		snprintf(err, errlen, "out of memory for the report");
		goto out;
	}
	unsigned char sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), key.sk);
	char sig_hex[2 * crypto_sign_BYTES + 1];
	sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
	int64_t id = 0;
	if (bst_q_destruction_insert(in->control, slug, now_ms, text, sig_hex, key.id, &id) !=
	    BST_QS_ONE_RESULT) {
		snprintf(err, errlen, "the platform is destroyed but its report could not be kept");
		bst_log_error("destroy: %s; the report was: %s (signature %s)", err, text, sig_hex);
		free(text);
		goto out;
	}
	mail_report(in, admins, slug, row.name, text, sig_hex, key.id, now_ms);
	bst_log_info("platform %s destroyed; report %lld", slug, (long long)id);
	*report_out = text;
	rc = 0;
out:
	json_decref(backup_list);
	free(admins);
	sodium_memzero(&key, sizeof key);
	return rc;
}

struct due {
	char slug[64][BST_SLUG_MAX + 1];
	size_t n;
};

static void due_one(void *cls, const char *slug)
{
	struct due *d = cls;
	if (d->n < 64 && slug)
		bst_str_copy(d->slug[d->n++], sizeof d->slug[0], slug);
}

void bst_offboard_run(struct bst_install *in, const struct bst_config *cfg, int64_t now)
{
	struct due d = {.n = 0};
	if (bst_q_platforms_due(in->control, now, due_one, &d) < 0) {
		bst_log_error("offboarding: cannot read the platforms whose notice ended");
		return;
	}
	for (size_t i = 0; i < d.n; i++) {
		char *report = NULL, err[300];
		bst_log_info("offboarding: the notice of platform %s ended: destroying it", d.slug[i]);
		if (bst_platform_destroy(in, cfg, in->dir, d.slug[i], now, &report, err,
					 sizeof err) != 0)
			bst_log_error("offboarding: DESTRUCTION OF %s FAILED: %s", d.slug[i], err);
		free(report);
	}
}
