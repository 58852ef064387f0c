/* Taking backups (see backup.h), and the helpers backup_store.c shares. */
#include "ops/backup_internal.h"
#include "audit/trail.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "core/log.h"
#include "db/snapshot.h"
#include "tenant/platform.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_FILE ".lock"
#define SCRATCH_PREFIX ".scratch-"
/* The progress line is redrawn at most this often. */
#define PROGRESS_EVERY_MS 200

/* ---- shared helpers ---- */

bool backup_scope_ok(const char *scope)
{
	return strcmp(scope, BST_BACKUP_CONTROL_SCOPE) == 0 || bst_slug_valid(scope);
}

int backup_path(struct bst_install *in, const char *scope, const char *sub, char *out,
		size_t len)
{
	int n = sub ? snprintf(out, len, "%s/backups/%s/%s", in->dir, scope, sub)
		    : snprintf(out, len, "%s/backups/%s", in->dir, scope);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

int backup_key(struct bst_install *in, const char *scope, uint8_t key[BST_KEY_BYTES],
	       char *err, size_t errlen)
{
	if (strcmp(scope, BST_BACKUP_CONTROL_SCOPE) == 0) {
		bst_backup_key_control(in->master, key);
		return 0;
	}
	uint8_t data_key[BST_KEY_BYTES];
	if (bst_install_key_load(in, scope, data_key, err, errlen) != 0)
		return -1;
	bst_backup_key_platform(data_key, key);
	sodium_memzero(data_key, sizeof data_key);
	return 0;
}

char *backup_read_file(const char *path, size_t max, size_t *len)
{
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

int backup_manifest_load(struct bst_install *in, const char *scope, const char *id,
			 const uint8_t pk[32], struct bst_manifest *m, char *err, size_t errlen)
{
	char dir[BACKUP_PATH_MAX];
	if (backup_path(in, scope, id, dir, sizeof dir) != 0) {
		memset(m, 0, sizeof *m);
		snprintf(err, errlen, "path too long");
		return -1;
	}
	return backup_manifest_load_dir(dir, scope, id, pk, m, err, errlen);
}

int backup_manifest_load_dir(const char *dir, const char *scope, const char *id,
			     const uint8_t pk[32], struct bst_manifest *m, char *err,
			     size_t errlen)
{
	memset(m, 0, sizeof *m);
	char path[BACKUP_PATH_MAX + 32];
	size_t len = 0, sig_len = 0;
	snprintf(path, sizeof path, "%s/" MANIFEST_FILE, dir);
	char *text = backup_read_file(path, BST_MANIFEST_MAX_BYTES, &len);
	if (!text) {
		snprintf(err, errlen, MANIFEST_FILE ": %s",
			 errno == ENOENT ? "missing" : strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/" SIGNATURE_FILE, dir);
	char *sig = backup_read_file(path, 1024, &sig_len);
	int rc = -1;
	if (!sig) {
		snprintf(err, errlen, SIGNATURE_FILE ": %s",
			 errno == ENOENT ? "missing" : strerror(errno));
	} else if (!bst_manifest_check(text, len, sig, sig_len, pk)) {
		snprintf(err, errlen,
			 MANIFEST_FILE ": the signature does not verify (the manifest was "
				       "altered, or another installation signed it)");
	} else if (bst_manifest_parse(text, len, m, err, errlen) != 0) {
		/* err says why */
	} else if (strcmp(m->scope, scope) != 0 || strcmp(m->id, id) != 0) {
		snprintf(err, errlen, MANIFEST_FILE ": it describes %s/%s, not this backup",
			 m->scope, m->id);
		bst_manifest_clear(m);
	} else {
		rc = 0;
	}
	free(text);
	free(sig);
	return rc;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

int backup_ids(struct bst_install *in, const char *scope, char (**ids)[BST_BACKUP_ID_LEN + 1],
	       size_t *n, char *err, size_t errlen)
{
	*ids = NULL;
	*n = 0;
	char dir[BACKUP_PATH_MAX];
	if (backup_path(in, scope, NULL, dir, sizeof dir) != 0) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	struct dirent *e;
	int64_t ms;
	while ((e = readdir(d))) {
		if (!bst_backup_id_parse(e->d_name, &ms))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			char(*g)[BST_BACKUP_ID_LEN + 1] = realloc(*ids, cap * sizeof **ids);
			if (!g) {
				closedir(d);
				free(*ids);
				*ids = NULL;
				*n = 0;
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			*ids = g;
		}
		memcpy((*ids)[(*n)++], e->d_name, BST_BACKUP_ID_LEN + 1); /* checked above */
	}
	closedir(d);
	if (*n)
		qsort(*ids, *n, sizeof **ids, cmp_id);
	return 0;
}

void bst_backup_rmtree(const char *path)
{
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		char sub[BACKUP_PATH_MAX + 300];
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
			struct stat st;
			if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				bst_backup_rmtree(sub);
			else
				unlink(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

int backup_scratch(struct bst_install *in, const char *what, char *out, size_t len, char *err,
		   size_t errlen)
{
	int n = snprintf(out, len, "%s/" SCRATCH_PREFIX "%ld-%s", in->dir, (long)getpid(), what);
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	bst_backup_rmtree(out);
	if (mkdir(out, 0700) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* A name "<prefix><pid>-..." left by a process that is gone. */
static bool stale(const char *name, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (strncmp(name, prefix, pl) != 0)
		return false;
	char *end;
	long pid = strtol(name + pl, &end, 10);
	if (end == name + pl || *end != '-' || pid <= 0)
		return false;
	return pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static void clean_dir(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[BACKUP_PATH_MAX + 300];
	while ((e = readdir(d))) {
		if (!stale(e->d_name, prefix))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		bst_log_warn("backup: removing %s, left by an interrupted run", path);
		bst_backup_rmtree(path);
	}
	closedir(d);
}

void backup_clean_stale(struct bst_install *in, const char *scope)
{
	char dir[BACKUP_PATH_MAX];
	clean_dir(in->dir, SCRATCH_PREFIX);
	if (backup_path(in, scope, NULL, dir, sizeof dir) == 0)
		clean_dir(dir, TMP_PREFIX);
	if (backup_path(in, scope, OBJECTS_DIR, dir, sizeof dir) == 0)
		clean_dir(dir, TMP_PREFIX);
}

int bst_backup_lock(struct bst_install *in, const char *scope, bool exclusive, char *err,
		    size_t errlen)
{
	char dir[BACKUP_PATH_MAX], path[BACKUP_PATH_MAX + 16];
	if (!backup_scope_ok(scope)) {
		snprintf(err, errlen, "invalid platform name '%s'", scope);
		return -1;
	}
	snprintf(dir, sizeof dir, "%s/backups", in->dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	backup_path(in, scope, NULL, dir, sizeof dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/" LOCK_FILE, dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
		snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* ---- progress on a terminal ---- */

struct progress {
	bool on;
	const char *scope;
	int64_t last_ms;
	uint64_t done_before; /* bytes of finished files */
	size_t files_done, files_total;
};

static void progress_draw(struct progress *pr, uint64_t bytes, bool force)
{
	if (!pr->on)
		return;
	int64_t now = bst_now_ms();
	if (!force && now - pr->last_ms < PROGRESS_EVERY_MS)
		return;
	pr->last_ms = now;
	fprintf(stderr, "\r  %s: %zu/%zu files, %.1f MB read ", pr->scope, pr->files_done,
		pr->files_total, (double)(pr->done_before + bytes) / 1e6);
	fflush(stderr);
}

static void on_progress(void *cls, uint64_t bytes)
{
	progress_draw(cls, bytes, false);
}

/* ---- taking a backup ---- */

/* Objects the scope's existing backups hold, by blob name and by chunk
 * keyed hash: what need not be copied again. */
struct known {
	struct bst_manifest_blob *v;
	size_t n;
	struct bst_manifest_chunk *c; /* by keyed hash, then object hash */
	size_t nc;
};

static int cmp_blob_name(const void *a, const void *b)
{
	return strcmp(((const struct bst_manifest_blob *)a)->name,
		      ((const struct bst_manifest_blob *)b)->name);
}

static int cmp_chunk_mac(const void *a, const void *b)
{
	return strcmp(((const struct bst_manifest_chunk *)a)->mac,
		      ((const struct bst_manifest_chunk *)b)->mac);
}

static int cmp_chunk(const void *a, const void *b)
{
	int c = cmp_chunk_mac(a, b);
	return c ? c : strcmp(((const struct bst_manifest_chunk *)a)->hash,
			      ((const struct bst_manifest_chunk *)b)->hash);
}

static void known_load(struct bst_install *in, const char *scope, const uint8_t pk[32],
		       struct known *k)
{
	char(*ids)[BST_BACKUP_ID_LEN + 1] = NULL;
	size_t n = 0;
	char err[300];
	struct bst_manifest all = {0};
	struct bst_manifest_db *chunks = &all.dbs[0];
	if (backup_ids(in, scope, &ids, &n, err, sizeof err) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct bst_manifest m;
		if (backup_manifest_load(in, scope, ids[i], pk, &m, err, sizeof err) != 0)
			continue; /* its objects are not trusted: copied again */
		for (size_t j = 0; j < m.n_blobs; j++)
			if (bst_manifest_add_blob(&all, &m.blobs[j]) != 0)
				break;
		for (size_t d = 0; d < m.n_dbs; d++)
			for (size_t j = 0; j < m.dbs[d].n_chunks; j++)
				if (bst_manifest_add_chunk(chunks, &m.dbs[d].chunks[j]) != 0)
					break;
		bst_manifest_clear(&m);
	}
	free(ids);
	if (all.n_blobs > 1)
		qsort(all.blobs, all.n_blobs, sizeof *all.blobs, cmp_blob_name);
	k->v = all.blobs;
	k->n = all.n_blobs;
	/* the same chunk in many backups: kept once */
	size_t nc = 0;
	if (chunks->n_chunks > 1)
		qsort(chunks->chunks, chunks->n_chunks, sizeof *chunks->chunks, cmp_chunk);
	for (size_t i = 0; i < chunks->n_chunks; i++)
		if (nc == 0 || cmp_chunk(&chunks->chunks[nc - 1], &chunks->chunks[i]) != 0)
			chunks->chunks[nc++] = chunks->chunks[i];
	k->c = chunks->chunks;
	k->nc = nc;
}

struct run {
	struct bst_install *in;
	const char *scope;
	uint8_t key[BST_KEY_BYTES];
	uint8_t mac_key[BST_BACKUP_MAC_KEY_BYTES];
	char bdir[BACKUP_PATH_MAX];   /* DATA/backups/<scope> */
	char tmp[BACKUP_PATH_MAX + 64]; /* its temporary backup directory */
	char scratch[BACKUP_PATH_MAX];
	struct bst_manifest m;
	struct known known;
	struct bst_manifest_db fresh; /* chunks this run wrote */
	struct progress pr;
	unsigned tmp_seq;
	char *err;
	size_t errlen;
	int failed;
};

#ifdef BST_TEST_CLOCK
/* Tests stop a run here, after its first new object, to kill it. */
static void test_stall(void)
{
	if (getenv("BASTIDE_TEST_BACKUP_STALL")) {
		fprintf(stderr, "backup: stalled for the test\n");
		for (;;)
			pause();
	}
}
#endif

/* An object present under DATA/backups/<scope>/objects at size bytes. */
static bool object_present(struct run *r, const char *hash, uint64_t size)
{
	char obj[BACKUP_PATH_MAX + 100];
	struct stat st;
	snprintf(obj, sizeof obj, "%s/" OBJECTS_DIR "/%s", r->bdir, hash);
	return stat(obj, &st) == 0 && (uint64_t)st.st_size == size;
}

/* Writes a new object from the file src, or from len bytes of data when
 * src is NULL, under the logical name label: into a temporary file, then
 * renamed to its hash. Fills *o and counts it as written. */
static int new_object(struct run *r, const char *src, const void *data, size_t len,
		      const char *label, struct bst_backup_obj *o)
{
	char tmp[BACKUP_PATH_MAX + 100], obj[BACKUP_PATH_MAX + 100];
	snprintf(tmp, sizeof tmp, "%s/" OBJECTS_DIR "/" TMP_PREFIX "%ld-%u", r->bdir,
		 (long)getpid(), r->tmp_seq++);
	int rc = src ? bst_backup_file_write(src, tmp, r->key, r->scope, label,
					     BST_BACKUP_ZSTD_LEVEL, on_progress, &r->pr, o,
					     r->err, r->errlen)
		     : bst_backup_file_write_mem(data, len, tmp, r->key, r->scope, label,
						 BST_BACKUP_ZSTD_LEVEL, o, r->err, r->errlen);
	if (rc != 0)
		return -1;
	snprintf(obj, sizeof obj, "%s/" OBJECTS_DIR "/%s", r->bdir, o->hash);
	if (rename(tmp, obj) != 0) {
		snprintf(r->err, r->errlen, "cannot rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	r->m.written += o->stored_size;
#ifdef BST_TEST_CLOCK
	test_stall();
#endif
	return 0;
}

/* An object already holding the chunk with keyed hash mac: one this run
 * wrote, or one an earlier backup lists that is present at its size. */
static const struct bst_manifest_chunk *chunk_find(struct run *r, const char *mac)
{
	for (size_t i = 0; i < r->fresh.n_chunks; i++)
		if (strcmp(r->fresh.chunks[i].mac, mac) == 0)
			return &r->fresh.chunks[i];
	struct bst_manifest_chunk key = {0};
	snprintf(key.mac, sizeof key.mac, "%s", mac);
	const struct bst_manifest_chunk *k =
		r->known.nc ? bsearch(&key, r->known.c, r->known.nc, sizeof *r->known.c,
				      cmp_chunk_mac)
			    : NULL;
	if (!k)
		return NULL;
	while (k > r->known.c && strcmp(k[-1].mac, mac) == 0)
		k--;
	for (; k < r->known.c + r->known.nc && strcmp(k->mac, mac) == 0; k++)
		if (object_present(r, k->hash, k->size))
			return k;
	return NULL;
}

static int add_chunk(struct run *r, struct bst_manifest_db *d, const unsigned char *data,
		     size_t len)
{
	struct bst_manifest_chunk c = {0};
	bst_backup_chunk_mac(r->mac_key, data, len, c.mac);
	const struct bst_manifest_chunk *k = chunk_find(r, c.mac);
	if (k) {
		c = *k; /* copied: adding to d may move r->fresh's array */
	} else {
		char label[80];
		snprintf(label, sizeof label, "chunk:%s", c.mac);
		struct bst_backup_obj o;
		if (new_object(r, NULL, data, len, label, &o) != 0)
			return -1;
		snprintf(c.hash, sizeof c.hash, "%s", o.hash);
		c.size = o.stored_size;
		if (bst_manifest_add_chunk(&r->fresh, &c) != 0)
			goto oom;
	}
	if (bst_manifest_add_chunk(d, &c) != 0)
		goto oom;
	return 0;
oom:
	snprintf(r->err, r->errlen, "out of memory");
	return -1;
}

/* The snapshot snap of a database, chunk by chunk, into the backup. */
static int add_db(struct run *r, const char *snap, const char *name)
{
	assert(r->m.n_dbs < BST_MANIFEST_MAX_DBS);
	struct bst_manifest_db *d = &r->m.dbs[r->m.n_dbs++];
	snprintf(d->name, sizeof d->name, "%s", name);
	d->chunk_size = BST_BACKUP_DB_CHUNK;
	int rc = -1;
	unsigned char *buf = sodium_malloc(BST_BACKUP_DB_CHUNK);
	int fd = open(snap, O_RDONLY | O_CLOEXEC);
	if (!buf || fd < 0) {
		snprintf(r->err, r->errlen, "cannot read %s: %s", snap,
			 buf ? strerror(errno) : "out of memory");
		goto cleanup;
	}
	for (;;) {
		ssize_t n = bst_read_full(fd, buf, BST_BACKUP_DB_CHUNK);
		if (n < 0) {
			snprintf(r->err, r->errlen, "cannot read %s: %s", snap, strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		d->plain_size += (uint64_t)n;
		if (add_chunk(r, d, buf, (size_t)n) != 0)
			goto cleanup;
		progress_draw(&r->pr, d->plain_size, false);
		if ((size_t)n < BST_BACKUP_DB_CHUNK)
			break;
	}
	r->pr.done_before += d->plain_size;
	r->pr.files_done++;
	rc = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	if (buf)
		sodium_free(buf); /* wipes the plaintext */
	return rc;
}

/* A snapshot of the live database at live into the scratch directory
 * (its path in snap), then into the backup. */
static int snapshot_db(struct run *r, const char *live, const char *name, char *snap,
		       size_t len)
{
	snprintf(snap, len, "%s/%s", r->scratch, name);
	return bst_db_file_page_copy(live, snap, r->err, r->errlen);
}

static bool blob_name_ok(const char *name)
{
	if (strlen(name) != 32)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* Hard links, in the scratch directory, to every file of the platform's
 * blob store, taken before the snapshot: the purge of deleted documents
 * removes a blob's row, then its file, at any time, and a snapshot taken
 * just before may list a blob whose file is gone by the time it is read.
 * A link keeps the file; the scratch directory goes at the end. Blobs are
 * immutable, so the link is the file the row describes. */
static int link_blobs(struct run *r)
{
	char dir[BACKUP_PATH_MAX], links[BACKUP_PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/platforms/%s/blobs", r->in->dir, r->scope);
	snprintf(links, sizeof links, "%s/blobs", r->scratch);
	if (mkdir(links, 0700) != 0) {
		snprintf(r->err, r->errlen, "cannot create %s: %s", links, strerror(errno));
		return -1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0; /* no document yet */
		snprintf(r->err, r->errlen, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	char from[BACKUP_PATH_MAX + 64], to[BACKUP_PATH_MAX + 80];
	while ((e = readdir(d))) {
		if (!blob_name_ok(e->d_name))
			continue;
		snprintf(from, sizeof from, "%s/%s", dir, e->d_name);
		snprintf(to, sizeof to, "%s/%s", links, e->d_name);
		if (link(from, to) != 0 && errno != ENOENT) {
			/* another file system: the blobs are read in place */
			if (errno != EXDEV)
				bst_log_warn("backup: cannot link %s: %s", from, strerror(errno));
			break;
		}
	}
	closedir(d);
	return 0;
}

static int add_blob(void *cls, const char *name, int64_t size)
{
	struct run *r = cls;
	(void)size;
	if (!blob_name_ok(name)) {
		snprintf(r->err, r->errlen, "the blobs table lists an invalid name");
		return -1;
	}
	struct bst_manifest_blob key = {0}, b = {0};
	snprintf(key.name, sizeof key.name, "%s", name);
	const struct bst_manifest_blob *k =
		r->known.n ? bsearch(&key, r->known.v, r->known.n, sizeof *r->known.v,
				     cmp_blob_name)
			   : NULL;
	if (k && object_present(r, k->hash, k->size)) {
		b = *k;
	} else {
		char src[BACKUP_PATH_MAX + 64], label[48];
		/* the link taken before the snapshot (a purge may have removed the
		 * file since), else the file itself (uploaded since the links) */
		snprintf(src, sizeof src, "%s/blobs/%s", r->scratch, name);
		if (access(src, F_OK) != 0)
			snprintf(src, sizeof src, "%s/platforms/%s/blobs/%s", r->in->dir, r->scope,
				 name);
		snprintf(label, sizeof label, "blob:%s", name);
		struct bst_backup_obj o;
		if (new_object(r, src, NULL, 0, label, &o) != 0)
			return -1;
		snprintf(b.name, sizeof b.name, "%s", name);
		b.size = o.stored_size;
		snprintf(b.hash, sizeof b.hash, "%s", o.hash);
		r->pr.done_before += o.plain_size;
	}
	if (bst_manifest_add_blob(&r->m, &b) != 0) {
		snprintf(r->err, r->errlen, "out of memory");
		return -1;
	}
	r->pr.files_done++;
	return 0;
}

static int count_blob(void *cls, const char *name, int64_t size)
{
	(void)name;
	(void)size;
	(*(size_t *)cls)++;
	return 0;
}

static int write_text(const char *path, const char *text, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t len = strlen(text), off = 0;
	while (fd >= 0 && off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (fd < 0 || off != len || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd) == 0 ? 0 : -1;
}

static int seal_manifest(struct run *r)
{
	struct bst_audit_key ak;
	int created = 0;
	if (bst_audit_key_ensure(r->in->dir, &ak, &created, r->err, r->errlen) != 0)
		return -1;
	char *text = bst_manifest_dump(&r->m);
	int rc = -1;
	if (!text) {
		snprintf(r->err, r->errlen, "out of memory");
		goto cleanup;
	}
	char sig[BST_MANIFEST_SIG_HEX + 1];
	bst_manifest_sign(text, strlen(text), ak.sk, sig);
	strcat(sig, "\n");
	char path[BACKUP_PATH_MAX + 160];
	snprintf(path, sizeof path, "%s/" MANIFEST_FILE, r->tmp);
	if (write_text(path, text, r->err, r->errlen) != 0)
		goto cleanup;
	snprintf(path, sizeof path, "%s/" SIGNATURE_FILE, r->tmp);
	if (write_text(path, sig, r->err, r->errlen) != 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(text);
	sodium_memzero(&ak, sizeof ak);
	return rc;
}

static int run_locked(struct run *r, struct bst_backup_result *res)
{
	struct bst_install *in = r->in;
	char path[BACKUP_PATH_MAX], final[BACKUP_PATH_MAX];
	int64_t start = bst_now_ms();
	bool control = strcmp(r->scope, BST_BACKUP_CONTROL_SCOPE) == 0;
	backup_clean_stale(in, r->scope);
	if (backup_key(in, r->scope, r->key, r->err, r->errlen) != 0)
		return -1;
	bst_backup_key_chunk_mac(r->key, r->mac_key);
	backup_path(in, r->scope, NULL, r->bdir, sizeof r->bdir);
	backup_path(in, r->scope, OBJECTS_DIR, path, sizeof path);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		snprintf(r->err, r->errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(r->m.scope, sizeof r->m.scope, "%s", r->scope);
	r->m.created_ms = start;
	bst_backup_id_format(start, r->m.id);
	snprintf(r->tmp, sizeof r->tmp, "%s/" TMP_PREFIX "%ld-%s", r->bdir, (long)getpid(),
		 r->m.id);
	if (backup_path(in, r->scope, r->m.id, final, sizeof final) != 0 ||
	    access(final, F_OK) == 0) {
		snprintf(r->err, r->errlen, "a backup %s/%s already exists (one per second)",
			 r->scope, r->m.id);
		return -1;
	}
	if (mkdir(r->tmp, 0700) != 0) {
		snprintf(r->err, r->errlen, "cannot create %s: %s", r->tmp, strerror(errno));
		return -1;
	}
	if (backup_scratch(in, r->scope, r->scratch, sizeof r->scratch, r->err, r->errlen) != 0)
		return -1;
	uint8_t pk[32];
	if (bst_audit_key_public(in->dir, pk, r->err, r->errlen) == 0)
		known_load(in, r->scope, pk, &r->known);
	char snap[BACKUP_PATH_MAX + 32];
	if (control) {
		r->pr.files_total = 1;
		snprintf(path, sizeof path, "%s/control.db", in->dir);
		if (snapshot_db(r, path, "control.db", snap, sizeof snap) != 0 ||
		    add_db(r, snap, "control.db") != 0)
			return -1;
		unlink(snap);
	} else {
		char main_snap[BACKUP_PATH_MAX + 32];
		if (link_blobs(r) != 0)
			return -1;
		snprintf(path, sizeof path, "%s/platforms/%s/main.db", in->dir, r->scope);
		/* the blobs listed by this very snapshot are the ones copied */
		if (snapshot_db(r, path, "main.db", main_snap, sizeof main_snap) != 0)
			return -1;
		size_t n_blobs = 0;
		if (bst_db_file_blobs(main_snap, count_blob, &n_blobs, r->err, r->errlen) != 0)
			return -1;
		r->pr.files_total = 2 + n_blobs;
		if (add_db(r, main_snap, "main.db") != 0)
			return -1;
		snprintf(path, sizeof path, "%s/platforms/%s/audit.db", in->dir, r->scope);
		if (snapshot_db(r, path, "audit.db", snap, sizeof snap) != 0 ||
		    add_db(r, snap, "audit.db") != 0)
			return -1;
		unlink(snap);
		char why[300] = "";
		if (bst_db_file_blobs(main_snap, add_blob, r, why, sizeof why) != 0) {
			if (!r->err[0])
				snprintf(r->err, r->errlen, "%s", why);
			return -1;
		}
		unlink(main_snap);
	}
	progress_draw(&r->pr, 0, true);
	r->m.duration_ms = bst_now_ms() - start;
	if (seal_manifest(r) != 0)
		return -1;
	backup_path(in, r->scope, OBJECTS_DIR, path, sizeof path);
	if (bst_fsync_dir(path) != 0 || bst_fsync_dir(r->tmp) != 0) {
		snprintf(r->err, r->errlen, "cannot sync %s: %s", r->tmp, strerror(errno));
		return -1;
	}
	/* the one step that makes it a backup */
	if (rename(r->tmp, final) != 0) {
		snprintf(r->err, r->errlen, "cannot rename %s: %s", r->tmp, strerror(errno));
		return -1;
	}
	bst_fsync_dir(r->bdir);
	snprintf(res->id, sizeof res->id, "%s", r->m.id);
	res->size = bst_manifest_size(&r->m);
	res->written = r->m.written;
	res->n_blobs = r->m.n_blobs;
	res->n_chunks = bst_manifest_n_chunks(&r->m);
	res->duration_ms = r->m.duration_ms;
	return 0;
}

int bst_backup_run(struct bst_install *in, const char *scope, bool progress,
		   struct bst_backup_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof *res);
	err[0] = '\0';
	int lock = bst_backup_lock(in, scope, true, err, errlen);
	if (lock < 0)
		return -1;
	struct run *r = sodium_malloc(sizeof *r);
	if (!r) {
		close(lock);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(r, 0, sizeof *r);
	r->in = in;
	r->scope = scope;
	r->err = err;
	r->errlen = errlen;
	r->pr.on = progress && isatty(STDERR_FILENO);
	r->pr.scope = scope;
	int rc = run_locked(r, res);
	if (r->pr.on)
		fputc('\n', stderr);
	if (rc != 0 && r->tmp[0])
		bst_backup_rmtree(r->tmp);
	if (r->scratch[0])
		bst_backup_rmtree(r->scratch);
	/* new objects of a failed run stay until prune: no manifest names
	 * them, so prune removes them (the next run may reuse none of them:
	 * only manifests say what an object holds) */
	size_t reused = 0;
	for (size_t i = 0; i < r->m.n_blobs; i++)
		for (size_t lo = 0, hi = r->known.n; lo < hi;) {
			size_t mid = (lo + hi) / 2;
			int c = strcmp(r->m.blobs[i].name, r->known.v[mid].name);
			if (c == 0) {
				reused += strcmp(r->m.blobs[i].hash, r->known.v[mid].hash) == 0;
				break;
			}
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	res->n_blobs_new = r->m.n_blobs - reused;
	res->n_chunks_new = r->fresh.n_chunks;
	bst_manifest_clear(&r->m);
	free(r->fresh.chunks);
	free(r->known.v);
	free(r->known.c);
	sodium_free(r); /* wipes the keys */
	close(lock);
	return rc;
}
