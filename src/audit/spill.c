/* The trail's spill file (see spill.h). */
#include "audit/spill.h"
#include "audit/trail.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/fileio.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Platforms with a spill file at once (the writer's MAX_PLATFORMS). */
#define MAX_PENDING 256
/* Entries appended to the chain per call while replaying. */
#define REPLAY_CHUNK 512

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char data_dir[512];
static char pending[MAX_PENDING][BST_SLUG_MAX + 1];
static size_t n_pending;

/* ---- the pending set ---------------------------------------------------- */

static ssize_t pending_index(const char *slug)
{
	for (size_t i = 0; i < n_pending; i++)
		if (strcmp(pending[i], slug) == 0)
			return (ssize_t)i;
	return -1;
}

static void pending_add(const char *slug)
{
	size_t len = strlen(slug);
	if (pending_index(slug) < 0 && n_pending < MAX_PENDING && len <= BST_SLUG_MAX) {
		memcpy(pending[n_pending], slug, len);
		pending[n_pending++][len] = '\0';
	}
}

static void pending_remove(const char *slug)
{
	ssize_t i = pending_index(slug);
	if (i >= 0)
		memcpy(pending[i], pending[--n_pending], sizeof pending[0]);
}

void bst_spill_init(const char *dir)
{
	pthread_mutex_lock(&lock);
	snprintf(data_dir, sizeof data_dir, "%s", dir);
	n_pending = 0;
	char path[700];
	snprintf(path, sizeof path, "%s/platforms", dir);
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!bst_slug_valid(de->d_name))
			continue;
		snprintf(path, sizeof path, "%s/platforms/%s/" BST_SPILL_FILE, dir, de->d_name);
		if (access(path, F_OK) == 0) {
			bst_log_warn("audit: platform %s has access traces waiting in %s: "
				     "they go into its trail as soon as it can be written",
				     de->d_name, path);
			pending_add(de->d_name);
		}
	}
	if (d)
		closedir(d);
	pthread_mutex_unlock(&lock);
}

bool bst_spill_pending(const char *slug)
{
	pthread_mutex_lock(&lock);
	bool p = pending_index(slug) >= 0;
	pthread_mutex_unlock(&lock);
	return p;
}

size_t bst_spill_pending_count(void)
{
	pthread_mutex_lock(&lock);
	size_t n = n_pending;
	pthread_mutex_unlock(&lock);
	return n;
}

size_t bst_spill_pending_list(char (*out)[BST_SLUG_MAX + 1], size_t max)
{
	pthread_mutex_lock(&lock);
	size_t n = n_pending < max ? n_pending : max;
	memcpy(out, pending, n * sizeof pending[0]);
	pthread_mutex_unlock(&lock);
	return n;
}

/* ---- appending ---------------------------------------------------------- */

static void spill_path(const char *slug, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/platforms/%s/" BST_SPILL_FILE, data_dir, slug);
}

int bst_spill_append(const char *slug, struct bst_trail_entry *const *e, size_t n,
		     bool only_if_pending)
{
	pthread_mutex_lock(&lock);
	if (!data_dir[0] || !bst_slug_valid(slug)) {
		pthread_mutex_unlock(&lock);
		return -1; /* not serving (a CLI command): nowhere to spill */
	}
	if (only_if_pending && pending_index(slug) < 0) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	char path[700];
	spill_path(slug, path, sizeof path);
	int rc = -1, fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	bst_buf b;
	bst_buf_init(&b);
	if (fd < 0 || fstat(fd, &st) != 0)
		goto cleanup;
	if (st.st_size == 0) {
		uint8_t id[BST_SPILL_ID_BYTES];
		bst_random(id, sizeof id);
		if (bst_spill_put_header(&b, id) != 0)
			goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		if (bst_spill_put_record(&b, e[i]) != 0)
			goto cleanup;
	if (bst_write_all(fd, b.data, b.len) != 0 || fsync(fd) != 0) {
		int saved = errno;
		/* a torn record would hide every later one from the replay */
		if (ftruncate(fd, st.st_size) != 0)
			bst_log_error("audit: cannot cut %s back after a failed write", path);
		errno = saved;
		goto cleanup;
	}
	if (st.st_size == 0) {
		char dir[700];
		snprintf(dir, sizeof dir, "%s/platforms/%s", data_dir, slug);
		bst_fsync_dir(dir);
	}
	pending_add(slug);
	rc = 1;
cleanup:
	if (rc < 0)
		bst_log_error("audit: cannot write %zu entries to the spill file %s: %s", n,
			      path, strerror(errno));
	if (fd >= 0)
		close(fd);
	bst_buf_free(&b);
	pthread_mutex_unlock(&lock);
	return rc;
}

/* ---- replaying ---------------------------------------------------------- */

struct replay {
	FILE *f;
	size_t n;
	bool damaged, seen;
	long damaged_at;
};

static enum bst_qs replay_txn(bst_db *db, void *cls)
{
	struct replay *r = cls;
	r->n = 0;
	r->damaged = r->seen = false;
	rewind(r->f);
	uint8_t id[BST_SPILL_ID_BYTES];
	if (bst_spill_read_header(r->f, id) != 0) {
		r->damaged = true;
		r->damaged_at = 0;
		return BST_QS_NO_RESULTS;
	}
	int seen = 0;
	enum bst_qs qs = bst_q_spill_seen(db, id, &seen);
	if (qs < 0)
		return qs;
	if (seen) {
		r->seen = true;
		return BST_QS_NO_RESULTS;
	}
	struct bst_spill_entry *chunk[REPLAY_CHUNK];
	for (;;) {
		size_t m = 0;
		int got = 1;
		long before = ftell(r->f);
		while (m < REPLAY_CHUNK &&
		       (got = bst_spill_read_record(r->f, &chunk[m])) == 1) {
			m++;
			before = ftell(r->f);
		}
		if (got < 0) {
			r->damaged = true;
			r->damaged_at = before;
		}
		int rc = m ? bst_trail_append(db, (struct bst_trail_entry *const *)chunk, m) : 0;
		for (size_t i = 0; i < m; i++)
			free(chunk[i]);
		if (rc != 0)
			return BST_QS_HARD_ERROR;
		r->n += m;
		if (got != 1)
			break;
	}
	return bst_q_spill_done(db, id, (int64_t)r->n, bst_now_ms());
}

int bst_spill_replay(bst_db *db, const char *slug, size_t *n)
{
	*n = 0;
	pthread_mutex_lock(&lock);
	char path[700];
	spill_path(slug, path, sizeof path);
	struct replay r = {.f = fopen(path, "rbe")};
	int rc = -1;
	if (!r.f) {
		if (errno == ENOENT) {
			pending_remove(slug);
			rc = 0;
		} else {
			bst_log_error("audit: cannot read the spill file %s: %s", path,
				      strerror(errno));
		}
		goto cleanup;
	}
	if (bst_db_transaction(db, replay_txn, &r) < 0)
		goto cleanup; /* logged by the append; the file stays */
	if (r.seen)
		bst_log_warn("audit: %s was already in the trail of platform %s: removed", path,
			     slug);
	if (r.damaged) {
		char aside[760];
		snprintf(aside, sizeof aside, "%s.damaged.%lld", path, (long long)bst_now_ms());
		bst_log_error("audit: the spill file of platform %s is DAMAGED after byte %ld: "
			      "%zu entries before it replayed, the rest LOST; kept as %s",
			      slug, r.damaged_at, r.n, aside);
		if (rename(path, aside) != 0)
			unlink(path);
	} else if (unlink(path) != 0) {
		bst_log_error("audit: cannot remove %s: %s", path, strerror(errno));
	}
	char dir[700];
	snprintf(dir, sizeof dir, "%s/platforms/%s", data_dir, slug);
	bst_fsync_dir(dir);
	if (r.n)
		bst_log_warn("audit: %zu access traces of platform %s replayed from its spill "
			     "file into its trail",
			     r.n, slug);
	pending_remove(slug);
	*n = r.n;
	rc = 0;
cleanup:
	if (r.f)
		fclose(r.f);
	pthread_mutex_unlock(&lock);
	return rc;
}
