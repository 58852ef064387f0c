/* What exists in the backup store: listing, retention, verification and
 * extraction for a restore (see backup.h). */
#include "ops/backup_internal.h"
#include "audit/trail.h"
#include "core/fileio.h"
#include "core/log.h"
#include "db/snapshot.h"
#include "db/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int bst_backup_list(struct bst_install *in, const char *scope, const struct bst_retention *r,
		    struct bst_backup_info **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	if (!backup_scope_ok(scope)) {
		snprintf(err, errlen, "invalid platform name '%s'", scope);
		return -1;
	}
	uint8_t pk[32];
	bool have_pk = bst_audit_key_public(in->dir, pk, err, errlen) == 0;
	char(*ids)[BST_BACKUP_ID_LEN + 1] = NULL;
	size_t count = 0;
	if (backup_ids(in, scope, &ids, &count, err, errlen) != 0)
		return -1;
	struct bst_backup_info *v = calloc(count ? count : 1, sizeof *v);
	int64_t *times = calloc(count ? count : 1, sizeof *times);
	unsigned *kinds = calloc(count ? count : 1, sizeof *kinds);
	if (!v || !times || !kinds) {
		free(ids);
		free(v);
		free(times);
		free(kinds);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		struct bst_backup_info *b = &v[i];
		snprintf(b->id, sizeof b->id, "%s", ids[i]);
		bst_backup_id_parse(b->id, &b->at_ms);
		times[i] = b->at_ms;
		struct bst_manifest m;
		if (!have_pk) {
			snprintf(b->problem, sizeof b->problem, "no public key to check it with");
		} else if (backup_manifest_load(in, scope, b->id, pk, &m, b->problem,
						sizeof b->problem) == 0) {
			b->readable = true;
			b->size = bst_manifest_size(&m);
			b->written = m.written;
			b->n_blobs = m.n_blobs;
			b->n_chunks = bst_manifest_n_chunks(&m);
			b->duration_ms = m.duration_ms;
			bst_manifest_clear(&m);
		}
	}
	if (r) {
		bst_retention_apply(times, count, r, kinds);
		for (size_t i = 0; i < count; i++)
			v[i].kinds = kinds[i];
	}
	free(ids);
	free(times);
	free(kinds);
	*out = v;
	*n = count;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **bst_backup_scopes(struct bst_install *in)
{
	char dir[BACKUP_PATH_MAX];
	snprintf(dir, sizeof dir, "%s/backups", in->dir);
	size_t n = 0, cap = 8;
	char **v = calloc(cap + 1, sizeof *v);
	DIR *d = opendir(dir);
	if (!v || !d) {
		if (d)
			closedir(d);
		return v;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!backup_scope_ok(e->d_name))
			continue;
		if (n == cap) {
			char **g = realloc(v, (2 * cap + 1) * sizeof *v);
			if (!g)
				break;
			v = g;
			cap *= 2;
		}
		v[n++] = strdup(e->d_name);
		v[n] = NULL;
		if (!v[n - 1]) {
			n--;
			break;
		}
	}
	closedir(d);
	/* "_control" sorts before letters: platforms first, control last */
	qsort(v, n, sizeof *v, cmp_str);
	if (n && strcmp(v[0], BST_BACKUP_CONTROL_SCOPE) == 0) {
		char *c = v[0];
		memmove(v, v + 1, (n - 1) * sizeof *v);
		v[n - 1] = c;
	}
	v[n] = NULL;
	return v;
}

void bst_backup_scopes_free(char **scopes)
{
	for (char **p = scopes; p && *p; p++)
		free(*p);
	free(scopes);
}

/* ---- verification ---- */

/* Object hashes already checked in this call (one object serves many
 * backups: it is read once). v[0..sorted) is sorted. */
struct seen {
	char (*v)[BST_BACKUP_HASH_HEX];
	size_t n, cap, sorted;
};

static int cmp_hash(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool seen_has(const struct seen *s, const char *hash)
{
	return s->sorted && bsearch(hash, s->v, s->sorted, sizeof *s->v, cmp_hash);
}

/* Returns 0, or -1 when out of memory (hash not added). */
static int seen_add(struct seen *s, const char *hash)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		char(*g)[BST_BACKUP_HASH_HEX] = realloc(s->v, cap * sizeof *s->v);
		if (!g)
			return -1;
		s->v = g;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], BST_BACKUP_HASH_HEX, "%s", hash);
	return 0;
}

static void seen_sort(struct seen *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof *s->v, cmp_hash);
	s->sorted = s->n;
}

static int compare(const char *what, const struct bst_backup_obj *o, uint64_t size,
		   const char *hash, uint64_t plain_size, bool check_plain, char *err,
		   size_t errlen)
{
	if (o->stored_size != size) {
		snprintf(err, errlen, "%s: %llu bytes, the manifest says %llu", what,
			 (unsigned long long)o->stored_size, (unsigned long long)size);
		return -1;
	}
	if (strcmp(o->hash, hash) != 0) {
		snprintf(err, errlen, "%s: its BLAKE2b differs from the manifest's", what);
		return -1;
	}
	if (check_plain && o->plain_size != plain_size) {
		snprintf(err, errlen, "%s: decompresses to %llu bytes, the manifest says %llu", what,
			 (unsigned long long)o->plain_size, (unsigned long long)plain_size);
		return -1;
	}
	return 0;
}

/* The databases a backup of scope must hold. */
static const char *const platform_files[] = {"main.db", "audit.db", NULL};
static const char *const control_files[] = {"control.db", NULL};

/* Where a database is reassembled while its chunks are read: the file,
 * and the keyed hash of the chunk being read. */
struct assembly {
	int fd;
	const char *path;
	crypto_generichash_state mac;
};

static int assemble(void *cls, const void *p, size_t len, char *err, size_t errlen)
{
	struct assembly *a = cls;
	crypto_generichash_update(&a->mac, p, len);
	if (bst_write_all(a->fd, p, len) == 0)
		return 0;
	snprintf(err, errlen, "cannot write %s: %s", a->path, strerror(errno));
	return -1;
}

/* Reads every chunk of database d from the scope's objects, checking each
 * (present, its size and BLAKE2b, decrypts, decompresses to its size, its
 * keyed hash), and writes them in order to the new file dst, which is
 * then checked with PRAGMA integrity_check. Returns 0, or -1 with the
 * problem in why (dst removed). */
static int check_db(struct bst_install *in, const char *scope, const struct bst_manifest_db *d,
		    const uint8_t key[BST_KEY_BYTES], const uint8_t mac_key[BST_BACKUP_MAC_KEY_BYTES],
		    const char *dst, char *why, size_t whylen)
{
	char src[BACKUP_PATH_MAX + 100], label[80], what[160], problem[BACKUP_PATH_MAX + 200];
	struct assembly a = {open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), dst};
	if (a.fd < 0) {
		snprintf(why, whylen, "cannot create %s: %s", dst, strerror(errno));
		return -1;
	}
	int rc = -1;
	for (size_t j = 0; j < d->n_chunks; j++) {
		const struct bst_manifest_chunk *c = &d->chunks[j];
		uint64_t off = (uint64_t)j * d->chunk_size;
		uint64_t plain = d->plain_size - off < d->chunk_size ? d->plain_size - off
								     : d->chunk_size;
		snprintf(label, sizeof label, "chunk:%s", c->mac);
		snprintf(what, sizeof what, "%s: chunk %zu, object %s", d->name, j, c->hash);
		backup_path(in, scope, OBJECTS_DIR, src, sizeof src);
		size_t l = strlen(src);
		snprintf(src + l, sizeof src - l, "/%s", c->hash);
		crypto_generichash_init(&a.mac, mac_key, BST_BACKUP_MAC_KEY_BYTES,
					BST_BACKUP_HASH_BYTES);
		struct bst_backup_obj o;
		if (bst_backup_file_read_to(src, key, scope, label, assemble, &a, &o, problem,
					    sizeof problem) != 0) {
			/* "chunk:<mac>: missing": what says which, shorter */
			size_t skip = strncmp(problem, label, strlen(label)) == 0 ? strlen(label) + 2 : 0;
			snprintf(why, whylen, "%s: %s", what, problem + skip);
			goto cleanup;
		}
		if (compare(what, &o, c->size, c->hash, plain, true, why, whylen) != 0)
			goto cleanup;
		unsigned char digest[BST_BACKUP_HASH_BYTES];
		char mac[BST_BACKUP_HASH_HEX];
		crypto_generichash_final(&a.mac, digest, sizeof digest);
		bst_hex(digest, sizeof digest, mac);
		if (strcmp(mac, c->mac) != 0) {
			snprintf(why, whylen, "%s: its content is not the chunk the manifest names",
				 what);
			goto cleanup;
		}
	}
	if (fsync(a.fd) != 0) {
		snprintf(why, whylen, "cannot write %s: %s", dst, strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (close(a.fd) != 0 && rc == 0) {
		snprintf(why, whylen, "cannot write %s: %s", dst, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && bst_db_file_check(dst, problem, sizeof problem) != 0) {
		snprintf(why, whylen, "%s: %s", d->name, problem);
		rc = -1;
	}
	if (rc != 0)
		unlink(dst);
	return rc;
}

/* Checks one backup; with stage, leaves the decrypted files there. */
static int check_one(struct bst_install *in, const char *scope, const char *id,
		     const uint8_t key[BST_KEY_BYTES], const uint8_t pk[32], const char *stage,
		     struct seen *seen, char *err, size_t errlen)
{
	struct bst_manifest m;
	char why[BACKUP_PATH_MAX + 600]; /* room for a path and a problem */
	char src[BACKUP_PATH_MAX + 100], dst[BACKUP_PATH_MAX + 100];
	char scratch[BACKUP_PATH_MAX] = "";
	uint8_t mac_key[BST_BACKUP_MAC_KEY_BYTES];
	int rc = -1;
	if (backup_manifest_load(in, scope, id, pk, &m, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s/%s: %s", scope, id, why);
		return -1;
	}
	bst_backup_key_chunk_mac(key, mac_key);
	const char *const *need =
		strcmp(scope, BST_BACKUP_CONTROL_SCOPE) == 0 ? control_files : platform_files;
	for (const char *const *f = need; *f; f++) {
		bool found = false;
		for (size_t i = 0; i < m.n_dbs; i++)
			found |= strcmp(m.dbs[i].name, *f) == 0;
		if (!found) {
			snprintf(err, errlen, "%s/%s: the manifest lacks %s", scope, id, *f);
			goto cleanup;
		}
	}
	const char *out_dir = stage;
	if (!out_dir) {
		if (backup_scratch(in, "verify", scratch, sizeof scratch, err, errlen) != 0)
			goto cleanup;
		out_dir = scratch;
	}
	for (size_t i = 0; i < m.n_dbs; i++) {
		snprintf(dst, sizeof dst, "%s/%s", out_dir, m.dbs[i].name);
		if (check_db(in, scope, &m.dbs[i], key, mac_key, dst, why, sizeof why) != 0) {
			snprintf(err, errlen, "%s/%s: %s", scope, id, why);
			goto cleanup;
		}
		if (!stage)
			unlink(dst);
	}
	if (stage && m.n_blobs) {
		snprintf(dst, sizeof dst, "%s/blobs", stage);
		if (mkdir(dst, 0700) != 0) {
			snprintf(err, errlen, "cannot create %s: %s", dst, strerror(errno));
			goto cleanup;
		}
	}
	for (size_t i = 0; i < m.n_blobs; i++) {
		const struct bst_manifest_blob *b = &m.blobs[i];
		if (!stage && seen_has(seen, b->hash))
			continue;
		char label[64];
		snprintf(label, sizeof label, "blob:%s", b->name);
		backup_path(in, scope, OBJECTS_DIR, src, sizeof src);
		size_t l = strlen(src);
		snprintf(src + l, sizeof src - l, "/%s", b->hash);
		snprintf(dst, sizeof dst, "%s/blobs/%s", stage ? stage : "", b->name);
		struct bst_backup_obj o;
		if (bst_backup_file_read(src, stage ? dst : NULL, key, scope, label, &o, why,
					 sizeof why) != 0 ||
		    compare(label, &o, b->size, b->hash, 0, false, why, sizeof why) != 0) {
			snprintf(err, errlen, "%s/%s: object %s (%s)", scope, id, b->hash, why);
			goto cleanup;
		}
		if (!stage)
			seen_add(seen, b->hash);
	}
	rc = 0;
cleanup:
	if (scratch[0])
		bst_backup_rmtree(scratch);
	sodium_memzero(mac_key, sizeof mac_key);
	bst_manifest_clear(&m);
	return rc;
}

int bst_backup_verify(struct bst_install *in, const char *scope, const char *id, int *checked,
		      char *err, size_t errlen)
{
	*checked = 0;
	uint8_t key[BST_KEY_BYTES], pk[32];
	if (bst_audit_key_public(in->dir, pk, err, errlen) != 0)
		return -1;
	int lock = bst_backup_lock(in, scope, false, err, errlen);
	if (lock < 0)
		return -1;
	char(*ids)[BST_BACKUP_ID_LEN + 1] = NULL;
	size_t n = 0;
	int rc = -1;
	struct seen seen = {0};
	if (backup_key(in, scope, key, err, errlen) != 0)
		goto cleanup;
	if (backup_ids(in, scope, &ids, &n, err, errlen) != 0)
		goto cleanup;
	rc = 0;
	for (size_t i = n; i-- > 0 && rc == 0;) { /* the newest first */
		if (id && strcmp(ids[i], id) != 0)
			continue;
		rc = check_one(in, scope, ids[i], key, pk, NULL, &seen, err, errlen);
		seen_sort(&seen);
		(*checked)++;
	}
	if (rc == 0 && id && *checked == 0) {
		snprintf(err, errlen, "no backup %s/%s", scope, id);
		rc = -1;
	}
cleanup:
	sodium_memzero(key, sizeof key);
	free(ids);
	free(seen.v);
	close(lock);
	return rc;
}

int bst_backup_extract(struct bst_install *in, const char *scope, const char *id,
		       const char *stage, char *err, size_t errlen)
{
	uint8_t key[BST_KEY_BYTES], pk[32];
	if (bst_audit_key_public(in->dir, pk, err, errlen) != 0)
		return -1;
	int lock = bst_backup_lock(in, scope, false, err, errlen);
	if (lock < 0)
		return -1;
	int rc = -1;
	if (mkdir(stage, 0700) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", stage, strerror(errno));
		goto cleanup;
	}
	if (backup_key(in, scope, key, err, errlen) != 0)
		goto cleanup;
	rc = check_one(in, scope, id, key, pk, stage, NULL, err, errlen);
	/* a backup from before a migration: brought to the current schema,
	 * then checked again */
	const char *const *files =
		strcmp(scope, BST_BACKUP_CONTROL_SCOPE) == 0 ? control_files : platform_files;
	static const enum bst_db_kind kinds[] = {BST_DB_PLATFORM, BST_DB_AUDIT};
	for (size_t i = 0; rc == 0 && files[i]; i++) {
		char path[BACKUP_PATH_MAX + 32], why[400];
		snprintf(path, sizeof path, "%s/%s", stage, files[i]);
		bst_db *db = NULL;
		enum bst_db_kind kind = files == control_files ? BST_DB_CONTROL : kinds[i];
		if (bst_db_open(path, kind, &db, why, sizeof why) != 0 ||
		    (bst_db_close(db), bst_db_file_check(path, why, sizeof why)) != 0) {
			snprintf(err, errlen, "%s/%s: %s: %s", scope, id, files[i], why);
			rc = -1;
		}
	}
cleanup:
	sodium_memzero(key, sizeof key);
	close(lock);
	return rc;
}

int bst_backup_find(struct bst_install *in, const char *scope, int64_t at_ms,
		    char id[BST_BACKUP_ID_LEN + 1], char *err, size_t errlen)
{
	id[0] = '\0';
	struct bst_backup_info *v = NULL;
	size_t n = 0;
	if (bst_backup_list(in, scope, NULL, &v, &n, err, errlen) != 0)
		return -1;
	for (size_t i = n; i-- > 0;)
		if (v[i].at_ms <= at_ms) {
			if (v[i].readable) {
				snprintf(id, BST_BACKUP_ID_LEN + 1, "%s", v[i].id);
			} else {
				/* the one asked for is damaged: say so rather than
				 * silently going further back */
				snprintf(err, errlen, "%s/%s: %s", scope, v[i].id, v[i].problem);
				free(v);
				return -2;
			}
			break;
		}
	free(v);
	if (!id[0]) {
		snprintf(err, errlen, "no backup of %s taken at or before that date", scope);
		return -1;
	}
	return 0;
}

/* ---- retention ---- */

static int keep_add(void *cls, const char *hash, uint64_t size)
{
	(void)size;
	return seen_add(cls, hash);
}

int bst_backup_prune(struct bst_install *in, const char *scope, const struct bst_retention *r,
		     int *removed, int *objects_removed, char *err, size_t errlen)
{
	*removed = 0;
	*objects_removed = 0;
	int lock = bst_backup_lock(in, scope, true, err, errlen);
	if (lock < 0)
		return -1;
	backup_clean_stale(in, scope);
	struct bst_backup_info *v = NULL;
	size_t n = 0;
	int rc = -1;
	struct seen keep = {0};
	bool all_read = true;
	uint8_t pk[32];
	if (bst_audit_key_public(in->dir, pk, err, errlen) != 0 ||
	    bst_backup_list(in, scope, r, &v, &n, err, errlen) != 0)
		goto cleanup;
	char path[BACKUP_PATH_MAX];
	for (size_t i = 0; i < n; i++) {
		if (v[i].kinds)
			continue;
		backup_path(in, scope, v[i].id, path, sizeof path);
		/* renamed first: a crash part-way leaves a temporary directory
		 * (cleaned next time), not a backup with files missing */
		char doomed[BACKUP_PATH_MAX + 64];
		backup_path(in, scope, NULL, doomed, sizeof doomed);
		size_t l = strlen(doomed);
		snprintf(doomed + l, sizeof doomed - l, "/" TMP_PREFIX "%ld-prune-%s",
			 (long)getpid(), v[i].id);
		if (rename(path, doomed) != 0) {
			snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
			goto cleanup;
		}
		bst_backup_rmtree(doomed);
		(*removed)++;
	}
	/* the objects every remaining backup refers to */
	for (size_t i = 0; i < n; i++) {
		if (!v[i].kinds)
			continue;
		struct bst_manifest m;
		char why[300];
		if (backup_manifest_load(in, scope, v[i].id, pk, &m, why, sizeof why) != 0) {
			bst_log_error("backup prune %s: %s/%s is unreadable (%s): no object is "
				      "removed",
				      scope, scope, v[i].id, why);
			all_read = false;
			continue;
		}
		if (bst_manifest_each_object(&m, keep_add, &keep) != 0)
			all_read = false; /* out of memory: nothing removed */
		bst_manifest_clear(&m);
	}
	if (all_read) {
		seen_sort(&keep);
		backup_path(in, scope, OBJECTS_DIR, path, sizeof path);
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (strlen(e->d_name) != 2 * BST_BACKUP_HASH_BYTES)
				continue;
			if (seen_has(&keep, e->d_name))
				continue;
			char obj[BACKUP_PATH_MAX + 100];
			snprintf(obj, sizeof obj, "%s/%s", path, e->d_name);
			if (unlink(obj) == 0)
				(*objects_removed)++;
		}
		if (d)
			closedir(d);
	}
	rc = 0;
cleanup:
	free(v);
	free(keep.v);
	close(lock);
	return rc;
}
