/* Off-site backup targets (see backup_target.h): the local directory
 * kind here, the SFTP kind through the transfer module's session. */
#include "ops/backup_target.h"
#include "core/fileio.h"
#include "ops/transfer_session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Written once in a target's directory: whose copies it holds. */
#define MARKER_FILE "BASTIDE-TARGET"
#define MARKER_HEAD "Bastide backup target of the installation whose public key is "
#define PATH_LEN    1400

struct bst_target {
	const struct bst_target_conf *tc;
	struct bst_sftp *sftp; /* NULL: a local directory */
	char root[1200];
};

const char *bst_target_kind(const struct bst_target_conf *tc)
{
	return strncmp(tc->url, "sftp://", 7) == 0 ? "sftp" : "local";
}

int bst_target_check(const struct bst_target_conf *tc, char *err, size_t errlen)
{
	char why[300];
	if (strncmp(tc->url, "sftp://", 7) == 0) {
		struct bst_transfer_url u;
		struct bst_transfer_auth a = {
		    .ssh_key = tc->ssh_key[0] ? tc->ssh_key : NULL,
		    .host_key_sha256 =
			tc->host_key_sha256[0] ? tc->host_key_sha256 : NULL};
		if (bst_transfer_parse_url(tc->url, &u, why, sizeof why) != 0 ||
		    bst_transfer_check_auth(&u, &a, why, sizeof why) != 0) {
			/* the words of the CLI's options are the settings' here */
			snprintf(err, errlen, "[target %s]: %s", tc->name, why);
			return -1;
		}
		return 0;
	}
	if (tc->url[0] != '/' || strstr(tc->url, "/../") || strstr(tc->url, "/./")) {
		snprintf(
		    err, errlen,
		    "[target %s] url must be sftp://USER@HOST[:PORT]/DIR or an absolute "
		    "directory",
		    tc->name);
		return -1;
	}
	if (tc->ssh_key[0] || tc->host_key_sha256[0]) {
		snprintf(err, errlen,
			 "[target %s]: ssh_key and host_key_sha256 are for sftp://",
			 tc->name);
		return -1;
	}
	return 0;
}

static int rel_path(const struct bst_target *t, const char *rel, char *out, size_t len)
{
	int n = snprintf(out, len, "%s%s%s", t->root, rel[0] ? "/" : "", rel);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* mkdir -p of the directories above path. */
static int make_parents(char *path)
{
	for (char *p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		int rc = mkdir(path, 0700);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static int copy_fd(int in, int out)
{
	char buf[256 * 1024];
	for (;;) {
		ssize_t n = bst_read_full(in, buf, sizeof buf);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (bst_write_all(out, buf, (size_t)n) != 0)
			return -1;
	}
}

static int local_put(struct bst_target *t, const char *src, const char *rel, char *err,
		     size_t errlen)
{
	char dst[PATH_LEN], part[PATH_LEN + 8];
	if (rel_path(t, rel, dst, sizeof dst) != 0) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	snprintf(part, sizeof part, "%s.part", dst);
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		snprintf(err, errlen, "cannot read %s: %s", src, strerror(errno));
		return -1;
	}
	int out = -1, rc = -1;
	if (make_parents(part) != 0 ||
	    (out = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
	    copy_fd(in, out) != 0 || fsync(out) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", part, strerror(errno));
		goto cleanup;
	}
	if (close(out) != 0 || rename(part, dst) != 0) {
		out = -1;
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
		goto cleanup;
	}
	out = -1;
	*strrchr(dst, '/') = '\0';
	bst_fsync_dir(dst);
	rc = 0;
cleanup:
	close(in);
	if (out >= 0)
		close(out);
	if (rc != 0)
		unlink(part);
	return rc;
}

int bst_target_put(struct bst_target *t, const char *local_path, const char *rel,
		   char *err, size_t errlen)
{
	if (t->sftp)
		return bst_sftp_put(t->sftp, local_path, rel, err, errlen);
	return local_put(t, local_path, rel, err, errlen);
}

int bst_target_get(struct bst_target *t, const char *rel, const char *local_path,
		   uint64_t max, char *err, size_t errlen)
{
	int out = open(local_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		snprintf(err, errlen, "cannot create %s: %s", local_path,
			 strerror(errno));
		return -1;
	}
	int rc;
	if (t->sftp) {
		rc = bst_sftp_get(t->sftp, rel, out, max, err, errlen);
	} else {
		char src[PATH_LEN];
		struct stat st;
		int in = rel_path(t, rel, src, sizeof src) == 0
			     ? open(src, O_RDONLY | O_CLOEXEC)
			     : -1;
		if (in < 0 && errno == ENOENT) {
			rc = 0;
		} else if (in < 0 || fstat(in, &st) != 0 || (uint64_t)st.st_size > max ||
			   copy_fd(in, out) != 0) {
			snprintf(err, errlen, "cannot read %s: %s", src,
				 in >= 0 && (uint64_t)st.st_size > max
				     ? "larger than expected"
				     : strerror(errno));
			rc = -1;
		} else {
			rc = 1;
		}
		if (in >= 0)
			close(in);
	}
	if (rc == 1 && fsync(out) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", local_path, strerror(errno));
		rc = -1;
	}
	close(out);
	if (rc != 1)
		unlink(local_path);
	return rc;
}

void bst_target_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int bst_target_list(struct bst_target *t, const char *rel, char ***names, size_t *n,
		    char *err, size_t errlen)
{
	if (t->sftp)
		return bst_sftp_list(t->sftp, rel, names, n, err, errlen);
	*names = NULL;
	*n = 0;
	char dir[PATH_LEN];
	rel_path(t, rel, dir, sizeof dir);
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot list %s: %s", dir, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			char **g = realloc(*names, cap * sizeof **names);
			if (!g)
				goto oom;
			*names = g;
		}
		if (!((*names)[*n] = strdup(e->d_name)))
			goto oom;
		(*n)++;
	}
	closedir(d);
	return 0;
oom:
	closedir(d);
	bst_target_names_free(*names, *n);
	*names = NULL;
	*n = 0;
	snprintf(err, errlen, "out of memory");
	return -1;
}

int bst_target_remove(struct bst_target *t, char *const *rels, size_t n, char *err,
		      size_t errlen)
{
	if (t->sftp)
		return bst_sftp_remove(t->sftp, rels, n, err, errlen);
	char path[PATH_LEN];
	for (size_t i = 0; i < n; i++) {
		rel_path(t, rels[i], path, sizeof path);
		if (unlink(path) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove %s: %s", path,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

int bst_target_rmdir(struct bst_target *t, const char *rel, char *err, size_t errlen)
{
	if (t->sftp)
		return bst_sftp_rmdir(t->sftp, rel, err, errlen);
	char path[PATH_LEN];
	rel_path(t, rel, path, sizeof path);
	if (rmdir(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int bst_target_rename(struct bst_target *t, const char *from, const char *to, char *err,
		      size_t errlen)
{
	if (t->sftp)
		return bst_sftp_rename(t->sftp, from, to, err, errlen);
	char a[PATH_LEN], b[PATH_LEN];
	rel_path(t, from, a, sizeof a);
	rel_path(t, to, b, sizeof b);
	if (access(b, F_OK) == 0 || rename(a, b) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", a, b,
			 access(b, F_OK) == 0 ? "it exists" : strerror(errno));
		return -1;
	}
	return 0;
}

/* The mark: whose target this is. */
static int check_mark(struct bst_target *t, const uint8_t mark[32], char *err,
		      size_t errlen)
{
	char want[sizeof MARKER_HEAD + 70], hex[65], tmp[] = "/tmp/bastide-mark-XXXXXX";
	sodium_bin2hex(hex, sizeof hex, mark, 32);
	snprintf(want, sizeof want, MARKER_HEAD "%s\n", hex);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	close(fd);
	int rc = bst_target_get(t, MARKER_FILE, tmp, 4096, err, errlen);
	if (rc == 1) {
		char have[sizeof want] = "";
		fd = open(tmp, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? bst_read_full(fd, have, sizeof have - 1) : -1;
		if (fd >= 0)
			close(fd);
		have[n > 0 ? n : 0] = '\0';
		rc = strcmp(have, want) == 0 ? 0 : -1;
		if (rc != 0)
			snprintf(
			    err, errlen,
			    "[target %s] holds the copies of another installation (its "
			    "%s says so): not used, so that neither prunes the other's",
			    t->tc->name, MARKER_FILE);
	} else if (rc == 0) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		rc = fd >= 0 && bst_write_all(fd, want, strlen(want)) == 0 ? 0 : -1;
		if (fd >= 0)
			close(fd);
		if (rc != 0)
			snprintf(err, errlen, "cannot write %s: %s", tmp,
				 strerror(errno));
		else
			rc = bst_target_put(t, tmp, MARKER_FILE, err, errlen);
	}
	unlink(tmp);
	return rc;
}

int bst_target_open(const struct bst_target_conf *tc, const uint8_t *mark,
		    struct bst_target **out, char *err, size_t errlen)
{
	*out = NULL;
	if (bst_target_check(tc, err, errlen) != 0)
		return -1;
	struct bst_target *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->tc = tc;
	char why[600];
	if (strncmp(tc->url, "sftp://", 7) == 0) {
		struct bst_transfer_url u;
		bst_transfer_parse_url(tc->url, &u, why, sizeof why); /* checked above */
		if (bst_sftp_open(&u, tc->ssh_key, tc->host_key_sha256, &t->sftp, why,
				  sizeof why) != 0) {
			snprintf(err, errlen, "[target %s]: %s", tc->name, why);
			free(t);
			return -1;
		}
	} else {
		snprintf(t->root, sizeof t->root, "%s", tc->url);
		size_t n = strlen(t->root);
		while (n > 1 && t->root[n - 1] == '/')
			t->root[--n] = '\0';
		struct stat st;
		if (stat(t->root, &st) != 0 &&
		    (errno != ENOENT || mkdir(t->root, 0700) != 0)) {
			snprintf(err, errlen, "[target %s]: cannot use %s: %s", tc->name,
				 t->root, strerror(errno));
			free(t);
			return -1;
		}
	}
	if (mark && check_mark(t, mark, err, errlen) != 0) {
		bst_target_close(t);
		return -1;
	}
	*out = t;
	return 0;
}

void bst_target_close(struct bst_target *t)
{
	if (!t)
		return;
	bst_sftp_close(t->sftp);
	free(t);
}

const struct bst_target_conf *bst_target_conf_of(const struct bst_target *t)
{
	return t->tc;
}
