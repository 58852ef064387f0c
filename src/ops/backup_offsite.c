/* Off-site copies (see backup_offsite.h). What is read back from a target
 * goes through the local store's own code: manifests are fetched into a
 * scratch directory laid out as a data directory (a "view" of the
 * installation whose dir is the scratch: same key store and master key,
 * the installation's public key copied beside), so listing, verifying
 * and reading them is bst_backup_list and bst_backup_verify themselves. */
#include "ops/backup_offsite.h"
#include "audit/trail.h"
#include "core/fileio.h"
#include "core/log.h"
#include "db/snapshot.h"
#include "ops/backup_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REL_MAX 600
/* A backup's own files (other than its objects) are small; objects are
 * bounded by the largest document (2 GB) once compressed and encrypted. */
#define FILE_MAX  ((uint64_t)1 << 40)
#define KEYS_DB   "keys.db"
#define AUDIT_KEY "audit.key"
#define AUDIT_PUB "audit.pub"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has(char **sorted, size_t n, const char *name)
{
	return n && bsearch(&name, sorted, n, sizeof *sorted, cmp_str);
}

/* Inserts a copy of name into the sorted array *v (of *n, room for *cap). */
static int insert_sorted(char ***v, size_t *n, size_t *cap, const char *name)
{
	size_t lo = 0, hi = *n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, (*v)[mid]);
		if (c == 0)
			return 0;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		char **g = realloc(*v, c * sizeof *g);
		if (!g)
			return -1;
		*v = g;
		*cap = c;
	}
	char *d = strdup(name);
	if (!d)
		return -1;
	memmove(*v + lo + 1, *v + lo, (*n - lo) * sizeof **v);
	(*v)[lo] = d;
	(*n)++;
	return 0;
}

/* The sorted names of directory rel on t. */
static int list_sorted(struct bst_target *t, const char *rel, char ***v, size_t *n,
		       char *err, size_t errlen)
{
	if (bst_target_list(t, rel, v, n, err, errlen) != 0)
		return -1;
	if (*n > 1)
		qsort(*v, *n, sizeof **v, cmp_str);
	return 0;
}

/* Removes directory rel of t and the files in it. */
static int remove_dir(struct bst_target *t, const char *rel, size_t *files, char *err,
		      size_t errlen)
{
	char **names = NULL;
	size_t n = 0;
	if (bst_target_list(t, rel, &names, &n, err, errlen) != 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *full = malloc(strlen(rel) + strlen(names[i]) + 2);
		if (!full) {
			rc = -1;
			snprintf(err, errlen, "out of memory");
			break;
		}
		sprintf(full, "%s/%s", rel, names[i]);
		free(names[i]);
		names[i] = full;
	}
	if (rc == 0 && n)
		rc = bst_target_remove(t, names, n, err, errlen);
	if (rc == 0)
		rc = bst_target_rmdir(t, rel, err, errlen);
	if (rc == 0 && files)
		*files += n;
	bst_target_names_free(names, n);
	return rc;
}

/* ---- a scratch view of the installation ---- */

struct view {
	struct bst_install in; /* dir: the scratch directory */
};

/* A scratch directory DATA/.scratch-<pid>-<what> that looks like a data
 * directory to the backup store: backups/ and the public key. */
static int view_open(struct bst_install *in, const char *what, struct view *v, char *err,
		     size_t errlen)
{
	v->in = *in;
	if (backup_scratch(in, what, v->in.dir, sizeof v->in.dir, err, errlen) != 0)
		return -1;
	uint8_t pk[32];
	char hex[66], path[sizeof v->in.dir + 16];
	if (bst_audit_key_public(in->dir, pk, err, errlen) != 0)
		return -1;
	sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
	strcat(hex, "\n");
	snprintf(path, sizeof path, "%s/" AUDIT_PUB, v->in.dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || bst_write_all(fd, hex, strlen(hex)) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void view_close(struct view *v)
{
	if (v->in.dir[0])
		bst_backup_rmtree(v->in.dir);
}

/* Copies the manifests of the given backups of scope from t into the
 * view's store: enough to list them and read what they refer to. */
static int fetch_manifests(struct view *v, struct bst_target *t, const char *scope,
			   char **ids, size_t n, char *err, size_t errlen)
{
	char dir[BACKUP_PATH_MAX], path[BACKUP_PATH_MAX + 32], rel[REL_MAX];
	snprintf(dir, sizeof dir, "%s/backups", v->in.dir);
	mkdir(dir, 0700);
	backup_path(&v->in, scope, NULL, dir, sizeof dir);
	mkdir(dir, 0700);
	static const char *const files[] = {MANIFEST_FILE, SIGNATURE_FILE};
	for (size_t i = 0; i < n; i++) {
		backup_path(&v->in, scope, ids[i], dir, sizeof dir);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", dir,
				 strerror(errno));
			return -1;
		}
		for (size_t j = 0; j < 2; j++) {
			snprintf(rel, sizeof rel, "%s/%s/%s", scope, ids[i], files[j]);
			snprintf(path, sizeof path, "%s/%s", dir, files[j]);
			/* a missing one: the listing says the backup is unreadable */
			if (bst_target_get(t, rel, path, BST_MANIFEST_MAX_BYTES, err,
					   errlen) < 0)
				return -1;
		}
	}
	return 0;
}

/* The backups of scope on t (valid ids, sorted), and the temporary
 * directories interrupted copies left (when tmps is not NULL). */
static int remote_ids(struct bst_target *t, const char *scope, char ***ids, size_t *n,
		      char ***tmps, size_t *n_tmps, char *err, size_t errlen)
{
	char **names = NULL;
	size_t count = 0;
	*ids = NULL;
	*n = 0;
	if (tmps) {
		*tmps = NULL;
		*n_tmps = 0;
	}
	if (list_sorted(t, scope, &names, &count, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		int64_t ms;
		if (bst_backup_id_parse(names[i], &ms)) {
			names[(*n)++] = names[i];
		} else if (tmps &&
			   strncmp(names[i], TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
			char **g = realloc(*tmps, (*n_tmps + 1) * sizeof *g);
			if (!g) {
				free(names[i]);
				continue;
			}
			*tmps = g;
			(*tmps)[(*n_tmps)++] = names[i];
		} else {
			free(names[i]);
		}
	}
	*ids = names;
	return 0;
}

/* ---- copying a backup to a target ---- */

struct push {
	struct bst_install *in;
	struct bst_target *t;
	const char *scope;
	char **objects; /* on the target, sorted */
	size_t n_objects, cap_objects;
	uint64_t bytes;
	char *err;
	size_t errlen;
};

static int push_object(void *cls, const char *hash, uint64_t size)
{
	struct push *p = cls;
	(void)size;
	if (has(p->objects, p->n_objects, hash))
		return 0;
	char local[BACKUP_PATH_MAX + 100], rel[REL_MAX];
	backup_path(p->in, p->scope, OBJECTS_DIR, local, BACKUP_PATH_MAX);
	snprintf(local + strlen(local), 100, "/%s", hash);
	snprintf(rel, sizeof rel, "%s/" OBJECTS_DIR "/%s", p->scope, hash);
	if (bst_target_put(p->t, local, rel, p->err, p->errlen) != 0)
		return -1;
	p->bytes += size;
	if (insert_sorted(&p->objects, &p->n_objects, &p->cap_objects, hash) != 0) {
		snprintf(p->err, p->errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* The objects first, then the backup's own files into .tmp-<id>/ with
 * the manifest last, then the rename that makes it a backup there. */
static int push_one(struct push *p, const char *id, const struct bst_manifest *m)
{
	p->err[0] = '\0';
	if (bst_manifest_each_object(m, push_object, p) != 0) {
		if (!p->err[0])
			snprintf(p->err, p->errlen, "out of memory");
		return -1;
	}
	char dir[BACKUP_PATH_MAX], local[BACKUP_PATH_MAX + 300], rel[2 * REL_MAX],
	    tmp[REL_MAX], final[REL_MAX];
	backup_path(p->in, p->scope, id, dir, sizeof dir);
	snprintf(tmp, sizeof tmp, "%s/" TMP_PREFIX "%s", p->scope, id);
	snprintf(final, sizeof final, "%s/%s", p->scope, id);
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(p->err, p->errlen, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, MANIFEST_FILE) == 0 ||
		    strcmp(e->d_name, SIGNATURE_FILE) == 0)
			continue;
		snprintf(local, sizeof local, "%s/%s", dir, e->d_name);
		snprintf(rel, sizeof rel, "%s/%s", tmp, e->d_name);
		struct stat st;
		if (stat(local, &st) == 0)
			p->bytes += (uint64_t)st.st_size;
		rc = bst_target_put(p->t, local, rel, p->err, p->errlen);
	}
	closedir(d);
	static const char *const last[] = {SIGNATURE_FILE, MANIFEST_FILE};
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		snprintf(local, sizeof local, "%s/%s", dir, last[i]);
		snprintf(rel, sizeof rel, "%s/%s", tmp, last[i]);
		rc = bst_target_put(p->t, local, rel, p->err, p->errlen);
	}
	if (rc == 0)
		rc = bst_target_rename(p->t, tmp, final, p->err, p->errlen);
	return rc;
}

int bst_offsite_push(struct bst_install *in, struct bst_target *t, const char *scope,
		     int *copied, uint64_t *bytes, char *err, size_t errlen)
{
	*copied = 0;
	*bytes = 0;
	int lock = bst_backup_lock(in, scope, true, err, errlen);
	if (lock < 0)
		return -1;
	struct push p = {.in = in, .t = t, .scope = scope, .err = err, .errlen = errlen};
	char **there = NULL;
	size_t n_there = 0;
	char(*ids)[BST_BACKUP_ID_LEN + 1] = NULL;
	size_t n = 0;
	uint8_t pk[32];
	char rel[REL_MAX];
	int rc = -1;
	if (bst_audit_key_public(in->dir, pk, err, errlen) != 0 ||
	    backup_ids(in, scope, &ids, &n, err, errlen) != 0 ||
	    remote_ids(t, scope, &there, &n_there, NULL, NULL, err, errlen) != 0)
		goto cleanup;
	snprintf(rel, sizeof rel, "%s/" OBJECTS_DIR, scope);
	if (list_sorted(t, rel, &p.objects, &p.n_objects, err, errlen) != 0)
		goto cleanup;
	p.cap_objects = p.n_objects;
	for (size_t i = 0; i < n; i++) {
		if (has(there, n_there, ids[i]))
			continue;
		struct bst_manifest m;
		char why[300];
		if (backup_manifest_load(in, scope, ids[i], pk, &m, why, sizeof why) !=
		    0) {
			/* never copy what does not verify: it would look like a backup */
			bst_log_error("backup %s/%s is not copied to [target %s]: %s",
				      scope, ids[i], bst_target_conf_of(t)->name, why);
			continue;
		}
		int one = push_one(&p, ids[i], &m);
		bst_manifest_clear(&m);
		if (one != 0)
			goto cleanup;
		(*copied)++;
	}
	rc = 0;
cleanup:
	*bytes = p.bytes;
	bst_target_names_free(p.objects, p.n_objects);
	bst_target_names_free(there, n_there);
	free(ids);
	close(lock);
	return rc;
}

/* ---- listing and pruning on a target ---- */

int bst_offsite_list(struct bst_install *in, struct bst_target *t, const char *scope,
		     const struct bst_retention *r, struct bst_backup_info **out,
		     size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	if (!backup_scope_ok(scope)) {
		snprintf(err, errlen, "invalid platform name '%s'", scope);
		return -1;
	}
	char what[64];
	snprintf(what, sizeof what, "list-%s", bst_target_conf_of(t)->name);
	struct view v = {0};
	char **ids = NULL;
	size_t count = 0;
	int rc = -1;
	if (view_open(in, what, &v, err, errlen) == 0 &&
	    remote_ids(t, scope, &ids, &count, NULL, NULL, err, errlen) == 0 &&
	    fetch_manifests(&v, t, scope, ids, count, err, errlen) == 0)
		rc = bst_backup_list(&v.in, scope, r, out, n, err, errlen);
	bst_target_names_free(ids, count);
	view_close(&v);
	return rc;
}

struct referenced {
	char **v;
	size_t n, cap;
};

static int add_referenced(void *cls, const char *hash, uint64_t size)
{
	(void)size;
	struct referenced *r = cls;
	return insert_sorted(&r->v, &r->n, &r->cap, hash);
}

int bst_offsite_prune(struct bst_install *in, struct bst_target *t, const char *scope,
		      const struct bst_retention *r, int *removed, int *objects_removed,
		      char *err, size_t errlen)
{
	*removed = 0;
	*objects_removed = 0;
	int lock = bst_backup_lock(in, scope, true, err, errlen);
	if (lock < 0)
		return -1;
	char what[64], rel[REL_MAX];
	snprintf(what, sizeof what, "prune-%s", bst_target_conf_of(t)->name);
	struct view v = {0};
	char **ids = NULL, **tmps = NULL, **objects = NULL, **keep = NULL;
	size_t n = 0, n_tmps = 0, n_objects = 0, n_keep = 0;
	int64_t *times = NULL;
	unsigned *kinds = NULL;
	struct referenced ref = {0};
	int rc = -1;
	if (view_open(in, what, &v, err, errlen) != 0 ||
	    remote_ids(t, scope, &ids, &n, &tmps, &n_tmps, err, errlen) != 0)
		goto cleanup;
	times = calloc(n ? n : 1, sizeof *times);
	kinds = calloc(n ? n : 1, sizeof *kinds);
	if (!times || !kinds) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		bst_backup_id_parse(ids[i], &times[i]);
	bst_retention_apply(times, n, r, kinds);
	/* what copies cut short left: this installation is the target's only
	 * writer, and it holds the scope's lock */
	for (size_t i = 0; i < n_tmps; i++) {
		snprintf(rel, sizeof rel, "%s/%s", scope, tmps[i]);
		if (remove_dir(t, rel, NULL, err, errlen) != 0)
			goto cleanup;
	}
	keep = calloc(n ? n : 1, sizeof *keep);
	if (!keep) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		if (kinds[i]) {
			keep[n_keep++] = ids[i];
			continue;
		}
		snprintf(rel, sizeof rel, "%s/%s", scope, ids[i]);
		if (remove_dir(t, rel, NULL, err, errlen) != 0)
			goto cleanup;
		bst_log_info("backup: %s/%s removed from [target %s] (retention)", scope,
			     ids[i], bst_target_conf_of(t)->name);
		(*removed)++;
	}
	/* the objects: only when every remaining manifest reads */
	if (fetch_manifests(&v, t, scope, keep, n_keep, err, errlen) != 0)
		goto cleanup;
	uint8_t pk[32];
	if (bst_audit_key_public(in->dir, pk, err, errlen) != 0)
		goto cleanup;
	for (size_t i = 0; i < n_keep; i++) {
		struct bst_manifest m;
		char why[300];
		if (backup_manifest_load(&v.in, scope, keep[i], pk, &m, why,
					 sizeof why) != 0) {
			bst_log_error(
			    "backup: %s/%s on [target %s] is unreadable (%s): no object "
			    "removed there",
			    scope, keep[i], bst_target_conf_of(t)->name, why);
			rc = 0;
			goto cleanup;
		}
		int added = bst_manifest_each_object(&m, add_referenced, &ref);
		bst_manifest_clear(&m);
		if (added != 0) {
			snprintf(err, errlen, "out of memory");
			goto cleanup;
		}
	}
	snprintf(rel, sizeof rel, "%s/" OBJECTS_DIR, scope);
	if (bst_target_list(t, rel, &objects, &n_objects, err, errlen) != 0)
		goto cleanup;
	size_t doomed = 0;
	for (size_t i = 0; i < n_objects; i++) {
		if (has(ref.v, ref.n, objects[i])) {
			free(objects[i]);
			continue;
		}
		char *full = malloc(strlen(rel) + strlen(objects[i]) + 2);
		if (!full) {
			free(objects[i]);
			continue;
		}
		sprintf(full, "%s/%s", rel, objects[i]);
		free(objects[i]);
		objects[doomed++] = full;
	}
	n_objects = doomed;
	if (doomed && bst_target_remove(t, objects, doomed, err, errlen) != 0)
		goto cleanup;
	*objects_removed = (int)doomed;
	rc = 0;
cleanup:
	bst_target_names_free(ids, n);
	free(keep);
	bst_target_names_free(tmps, n_tmps);
	bst_target_names_free(objects, n_objects);
	bst_target_names_free(ref.v, ref.n);
	free(times);
	free(kinds);
	view_close(&v);
	close(lock);
	return rc;
}

char **bst_offsite_scopes(struct bst_target *t, char *err, size_t errlen)
{
	char **names = NULL;
	size_t n = 0;
	if (list_sorted(t, "", &names, &n, err, errlen) != 0)
		return NULL;
	char **v = calloc(n + 1, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (v && backup_scope_ok(names[i]) &&
		    strcmp(names[i], BST_BACKUP_CONTROL_SCOPE) != 0) {
			v[k++] = names[i];
			names[i] = NULL;
		}
	}
	for (size_t i = 0; v && i < n; i++)
		if (names[i] && strcmp(names[i], BST_BACKUP_CONTROL_SCOPE) == 0) {
			v[k++] = names[i]; /* the control scope last */
			names[i] = NULL;
		}
	bst_target_names_free(names, n);
	if (!v)
		snprintf(err, errlen, "out of memory");
	return v;
}

/* ---- reading a backup back ---- */

static int blake2b_file(const char *path, char hex[BST_BACKUP_HASH_HEX])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, BST_BACKUP_HASH_BYTES);
	unsigned char buf[256 * 1024], h[BST_BACKUP_HASH_BYTES];
	ssize_t n;
	while ((n = bst_read_full(fd, buf, sizeof buf)) > 0)
		crypto_generichash_update(&st, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return -1;
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, BST_BACKUP_HASH_HEX, h, sizeof h);
	return 0;
}

struct fetch {
	struct bst_install *in;
	struct bst_target *t;
	const char *scope;
	char objects[BACKUP_PATH_MAX];
	unsigned seq;
	char *err;
	size_t errlen;
};

/* An object the local store lacks, received under a temporary name and
 * renamed once its size and hash are the manifest's. */
static int fetch_object(void *cls, const char *hash, uint64_t size)
{
	struct fetch *f = cls;
	char path[BACKUP_PATH_MAX + 100], tmp[BACKUP_PATH_MAX + 100], rel[REL_MAX],
	    got[BST_BACKUP_HASH_HEX];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", f->objects, hash);
	if (stat(path, &st) == 0 && (uint64_t)st.st_size == size)
		return 0;
	snprintf(tmp, sizeof tmp, "%s/" TMP_PREFIX "%ld-f%u", f->objects, (long)getpid(),
		 f->seq++);
	snprintf(rel, sizeof rel, "%s/" OBJECTS_DIR "/%s", f->scope, hash);
	int rc = bst_target_get(f->t, rel, tmp, size, f->err, f->errlen);
	if (rc == 0)
		snprintf(f->err, f->errlen, "%s: missing on [target %s]", rel,
			 bst_target_conf_of(f->t)->name);
	if (rc != 1)
		return -1;
	if (stat(tmp, &st) != 0 || (uint64_t)st.st_size != size ||
	    blake2b_file(tmp, got) != 0 || strcmp(got, hash) != 0) {
		snprintf(
		    f->err, f->errlen,
		    "%s on [target %s] is not the object its manifest lists (size or "
		    "BLAKE2b differs)",
		    rel, bst_target_conf_of(f->t)->name);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(f->err, f->errlen, "cannot rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int bst_offsite_fetch(struct bst_install *in, struct bst_target *t, const char *scope,
		      const char *id, char *err, size_t errlen)
{
	int lock = bst_backup_lock(in, scope, true, err, errlen);
	if (lock < 0)
		return -1;
	char final[BACKUP_PATH_MAX], tmp[BACKUP_PATH_MAX + 64],
	    path[BACKUP_PATH_MAX + 320], rel[REL_MAX];
	struct fetch f = {.in = in, .t = t, .scope = scope, .err = err, .errlen = errlen};
	struct bst_manifest m = {0};
	char **names = NULL;
	size_t n = 0;
	int rc = -1;
	uint8_t pk[32];
	backup_path(in, scope, id, final, sizeof final);
	if (access(final, F_OK) == 0) {
		close(lock);
		return 0; /* here already */
	}
	backup_clean_stale(in, scope);
	backup_path(in, scope, OBJECTS_DIR, f.objects, sizeof f.objects);
	backup_path(in, scope, NULL, tmp, BACKUP_PATH_MAX);
	snprintf(tmp + strlen(tmp), 64, "/" TMP_PREFIX "%ld-%s", (long)getpid(), id);
	bst_backup_rmtree(tmp);
	if ((mkdir(f.objects, 0700) != 0 && errno != EEXIST) || mkdir(tmp, 0700) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		goto cleanup;
	}
	/* every file of the backup's directory, the manifest among them */
	snprintf(rel, sizeof rel, "%s/%s", scope, id);
	if (bst_target_list(t, rel, &names, &n, err, errlen) != 0)
		goto cleanup;
	if (n == 0) {
		snprintf(err, errlen, "no backup %s/%s on [target %s]", scope, id,
			 bst_target_conf_of(t)->name);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		if (names[i][0] == '.' || strchr(names[i], '/')) {
			snprintf(err, errlen, "%s/%s on [target %s]: unexpected file %s",
				 scope, id, bst_target_conf_of(t)->name, names[i]);
			goto cleanup;
		}
		snprintf(rel, sizeof rel, "%s/%s/%s", scope, id, names[i]);
		snprintf(path, sizeof path, "%s/%s", tmp, names[i]);
		if (bst_target_get(t, rel, path, FILE_MAX, err, errlen) != 1) {
			if (!err[0])
				snprintf(err, errlen, "%s vanished from the target", rel);
			goto cleanup;
		}
	}
	if (bst_audit_key_public(in->dir, pk, err, errlen) != 0)
		goto cleanup;
	char why[400];
	if (backup_manifest_load_dir(tmp, scope, id, pk, &m, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s/%s on [target %s]: %s", scope, id,
			 bst_target_conf_of(t)->name, why);
		goto cleanup;
	}
	err[0] = '\0';
	if (bst_manifest_each_object(&m, fetch_object, &f) != 0) {
		if (!err[0])
			snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	if (bst_fsync_dir(f.objects) != 0 || bst_fsync_dir(tmp) != 0 ||
	    rename(tmp, final) != 0) {
		snprintf(err, errlen, "cannot move %s into place: %s", tmp,
			 strerror(errno));
		goto cleanup;
	}
	backup_path(in, scope, NULL, path, sizeof path);
	bst_fsync_dir(path);
	rc = 0;
cleanup:
	if (rc != 0)
		bst_backup_rmtree(tmp);
	bst_manifest_clear(&m);
	bst_target_names_free(names, n);
	close(lock);
	return rc;
}

int bst_offsite_latest(struct bst_target *t, const char *scope, int64_t at_ms,
		       char id[BST_BACKUP_ID_LEN + 1], char *err, size_t errlen)
{
	char **ids = NULL;
	size_t n = 0;
	id[0] = '\0';
	if (remote_ids(t, scope, &ids, &n, NULL, NULL, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t ms;
		bst_backup_id_parse(ids[i], &ms);
		if (ms <= at_ms)
			snprintf(id, BST_BACKUP_ID_LEN + 1, "%s", ids[i]);
	}
	bst_target_names_free(ids, n);
	return 0;
}

int bst_offsite_verify(struct bst_install *in, struct bst_target *t, const char *scope,
		       const char *id, char out_id[BST_BACKUP_ID_LEN + 1], char *err,
		       size_t errlen)
{
	out_id[0] = '\0';
	if (!backup_scope_ok(scope)) {
		snprintf(err, errlen, "invalid platform name '%s'", scope);
		return -1;
	}
	if (id) {
		snprintf(out_id, BST_BACKUP_ID_LEN + 1, "%s", id);
	} else if (bst_offsite_latest(t, scope, INT64_MAX, out_id, err, errlen) != 0) {
		return -1;
	} else if (!out_id[0]) {
		snprintf(err, errlen, "no backup of %s on [target %s]", scope,
			 bst_target_conf_of(t)->name);
		return -1;
	}
	/* against a prune of the target running meanwhile */
	int lock = bst_backup_lock(in, scope, false, err, errlen);
	if (lock < 0)
		return -1;
	char what[64];
	snprintf(what, sizeof what, "verify-%s", bst_target_conf_of(t)->name);
	struct view v = {0};
	int checked = 0, rc = -1;
	char why[1200];
	if (view_open(in, what, &v, err, errlen) == 0) {
		if (bst_offsite_fetch(&v.in, t, scope, out_id, why, sizeof why) != 0 ||
		    bst_backup_verify(&v.in, scope, out_id, &checked, why, sizeof why) !=
			0)
			snprintf(err, errlen, "[target %s]: %s",
				 bst_target_conf_of(t)->name, why);
		else
			rc = 0;
	}
	view_close(&v);
	close(lock);
	return rc;
}

int bst_offsite_fetch_latest(struct bst_install *in, const struct bst_config *cfg,
			     const char *scope, int64_t at_ms, char *err, size_t errlen)
{
	char best[BST_BACKUP_ID_LEN + 1] = "", why[600];
	if (bst_backup_find(in, scope, at_ms, best, why, sizeof why) == -1)
		best[0] = '\0';
	const struct bst_target_conf *from = NULL;
	for (size_t i = 0; i < cfg->n_targets; i++) {
		struct bst_target *t;
		char id[BST_BACKUP_ID_LEN + 1];
		if (bst_target_open(&cfg->targets[i], NULL, &t, why, sizeof why) != 0) {
			bst_log_warn("restore: %s", why);
			continue;
		}
		if (bst_offsite_latest(t, scope, at_ms, id, why, sizeof why) != 0)
			bst_log_warn("restore: [target %s]: %s", cfg->targets[i].name,
				     why);
		else if (id[0] && strcmp(id, best) > 0) {
			snprintf(best, sizeof best, "%s", id);
			from = &cfg->targets[i];
		}
		bst_target_close(t);
	}
	if (!from)
		return 0; /* the local store has the latest (or nobody has one) */
	struct bst_target *t;
	if (bst_target_open(from, NULL, &t, err, errlen) != 0)
		return -1;
	bst_log_info("restore: fetching %s/%s from [target %s]", scope, best, from->name);
	int rc = bst_offsite_fetch(in, t, scope, best, err, errlen);
	bst_target_close(t);
	return rc;
}

/* ---- the key-store replica ---- */

int bst_offsite_keys_push(struct bst_install *in, struct bst_target *t, char *err,
			  size_t errlen)
{
	char scratch[BACKUP_PATH_MAX], src[BACKUP_PATH_MAX + 32],
	    dst[BACKUP_PATH_MAX + 32], what[64];
	snprintf(what, sizeof what, "keys-%s", bst_target_conf_of(t)->name);
	if (backup_scratch(in, what, scratch, sizeof scratch, err, errlen) != 0)
		return -1;
	uint8_t key[BST_KEY_BYTES];
	bst_backup_key_replica(in->master, key);
	struct bst_backup_obj o;
	int rc = -1;
	/* VACUUM INTO: a compact copy, where a removed key is in no free page */
	snprintf(src, sizeof src, "%s/" KEYS_DB, in->dir);
	snprintf(dst, sizeof dst, "%s/" KEYS_DB, scratch);
	if (bst_db_file_snapshot(src, dst, err, errlen) != 0)
		goto cleanup;
	snprintf(src, sizeof src, "%s/" KEYS_DB ".bst", scratch);
	if (bst_backup_file_write(dst, src, key, BST_OFFSITE_KEYS_DIR, KEYS_DB,
				  BST_BACKUP_ZSTD_LEVEL, NULL, NULL, &o, err,
				  errlen) != 0)
		goto cleanup;
	unlink(dst);
	if (bst_target_put(t, src, BST_OFFSITE_KEYS_DIR "/" KEYS_DB ".bst", err,
			   errlen) != 0)
		goto cleanup;
	snprintf(src, sizeof src, "%s/" AUDIT_KEY, in->dir);
	snprintf(dst, sizeof dst, "%s/" AUDIT_KEY ".bst", scratch);
	if (bst_backup_file_write(src, dst, key, BST_OFFSITE_KEYS_DIR, AUDIT_KEY,
				  BST_BACKUP_ZSTD_LEVEL, NULL, NULL, &o, err,
				  errlen) != 0 ||
	    bst_target_put(t, dst, BST_OFFSITE_KEYS_DIR "/" AUDIT_KEY ".bst", err,
			   errlen) != 0)
		goto cleanup;
	snprintf(src, sizeof src, "%s/" AUDIT_PUB, in->dir);
	if (bst_target_put(t, src, BST_OFFSITE_KEYS_DIR "/" AUDIT_PUB, err, errlen) != 0)
		goto cleanup;
	rc = 0;
cleanup:
	sodium_memzero(key, sizeof key);
	bst_backup_rmtree(scratch);
	return rc;
}

/* Receives _keys/<name>.bst from t and decrypts it into dst. */
static int fetch_sealed(struct bst_target *t, const char *scratch, const char *name,
			const char *dst, const uint8_t key[BST_KEY_BYTES], char *err,
			size_t errlen)
{
	char rel[REL_MAX], tmp[BACKUP_PATH_MAX + 64];
	snprintf(rel, sizeof rel, BST_OFFSITE_KEYS_DIR "/%s.bst", name);
	snprintf(tmp, sizeof tmp, "%s/%s.bst", scratch, name);
	int got = bst_target_get(t, rel, tmp, 1u << 30, err, errlen);
	if (got == 0)
		snprintf(err, errlen,
			 "[target %s] holds no %s: no key-store replica there",
			 bst_target_conf_of(t)->name, rel);
	if (got != 1)
		return -1;
	struct bst_backup_obj o;
	char why[300];
	if (bst_backup_file_read(tmp, dst, key, BST_OFFSITE_KEYS_DIR, name, &o, why,
				 sizeof why) != 0) {
		snprintf(err, errlen,
			 "%s on [target %s] does not decrypt under this master key: %s",
			 rel, bst_target_conf_of(t)->name, why);
		return -1;
	}
	return 0;
}

int bst_offsite_keys_fetch(struct bst_install *in, struct bst_target *t, char *err,
			   size_t errlen)
{
	char scratch[BACKUP_PATH_MAX], path[BACKUP_PATH_MAX + 32],
	    live[BACKUP_PATH_MAX + 32];
	if (backup_scratch(in, "keys-fetch", scratch, sizeof scratch, err, errlen) != 0)
		return -1;
	uint8_t key[BST_KEY_BYTES];
	bst_backup_key_replica(in->master, key);
	int rc = -1;
	snprintf(path, sizeof path, "%s/" KEYS_DB, scratch);
	snprintf(live, sizeof live, "%s/" KEYS_DB, in->dir);
	if (fetch_sealed(t, scratch, KEYS_DB, path, key, err, errlen) != 0 ||
	    bst_db_file_check(path, err, errlen) != 0 ||
	    bst_db_file_replace(path, live, err, errlen) != 0)
		goto cleanup;
	/* the installation's signing key: the manifests and checkpoints were
	 * signed with it */
	snprintf(path, sizeof path, "%s/" AUDIT_KEY, scratch);
	snprintf(live, sizeof live, "%s/" AUDIT_KEY, in->dir);
	if (fetch_sealed(t, scratch, AUDIT_KEY, path, key, err, errlen) != 0)
		goto cleanup;
	if (rename(path, live) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", live, strerror(errno));
		goto cleanup;
	}
	snprintf(live, sizeof live, "%s/" AUDIT_PUB, in->dir);
	unlink(live); /* derived again from the key */
	struct bst_audit_key ak;
	int created;
	if (bst_audit_key_ensure(in->dir, &ak, &created, err, errlen) != 0)
		goto cleanup;
	sodium_memzero(&ak, sizeof ak);
	bst_fsync_dir(in->dir);
	rc = 0;
cleanup:
	sodium_memzero(key, sizeof key);
	bst_backup_rmtree(scratch);
	return rc;
}

/* ---- destruction ---- */

int bst_offsite_remove_scope(struct bst_install *in, struct bst_target *t,
			     const char *scope, size_t *files, char *err, size_t errlen)
{
	*files = 0;
	int lock = bst_backup_lock(in, scope, true, err, errlen);
	if (lock < 0)
		return -1;
	char **names = NULL;
	size_t n = 0;
	char rel[REL_MAX];
	int rc = -1;
	if (bst_target_list(t, scope, &names, &n, err, errlen) != 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof rel, "%s/%s", scope, names[i]);
		/* backups, objects/ and .tmp-…/ are directories of files; a file
		 * here (none is written) is removed as one */
		char *one = rel;
		if (remove_dir(t, rel, files, err, errlen) != 0 &&
		    bst_target_remove(t, &one, 1, err, errlen) != 0)
			goto cleanup;
	}
	if (bst_target_rmdir(t, scope, err, errlen) != 0)
		goto cleanup;
	/* nothing left */
	bst_target_names_free(names, n);
	names = NULL;
	if (bst_target_list(t, scope, &names, &n, err, errlen) != 0)
		goto cleanup;
	if (n) {
		snprintf(err, errlen, "%s on [target %s] still holds %zu entries", scope,
			 bst_target_conf_of(t)->name, n);
		goto cleanup;
	}
	rc = 0;
cleanup:
	bst_target_names_free(names, n);
	close(lock);
	return rc;
}
