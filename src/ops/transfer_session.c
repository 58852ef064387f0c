/* A session of SFTP operations (see transfer_session.h). Every request is
 * made on the session's one easy handle after curl_easy_reset, with the
 * same authentication and pinning, so libcurl keeps one SSH connection
 * for all of them. Removals and renames are SFTP quote commands ("rm",
 * "rmdir", "rename") carried by a request that only looks at the base
 * directory (NOBODY). */
#include "ops/transfer_session.h"
#include "core/fileio.h"
#include "core/log.h"
#include "ops/transfer_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Attempts of one operation, 1 s then 2 s apart: a connection lost
 * between two operations is made again. */
#define ATTEMPTS 3
/* Quote commands sent on one request. */
#define BATCH        64
#define PATH_MAX_LEN (BST_TRANSFER_PATH_MAX + 256)

struct bst_sftp {
	CURL *c;
	struct bst_transfer_url u;
	char key[512];
	char pubkey[520]; /* "<key>.pub" when it exists, else empty */
	char pin[44];
	char errbuf[CURL_ERROR_SIZE];
};

/* The path on the server: the base directory, then rel. */
static void full_path(const struct bst_sftp *s, const char *rel, char *out, size_t len)
{
	/* rel_ok bounds rel: PATH_MAX_LEN holds both */
	int n = snprintf(out, len, "%s%s", s->u.path, rel[0] ? "/" : "");
	if (n > 0 && (size_t)n < len)
		snprintf(out + n, len - (size_t)n, "%.250s", rel);
}

/* Resets the handle for a request on rel (a directory listing when slash). */
static void prepare(struct bst_sftp *s, const char *rel, bool slash)
{
	char path[PATH_MAX_LEN], url[PATH_MAX_LEN + BST_TRANSFER_HOST_MAX + 32];
	full_path(s, rel, path, sizeof path);
	snprintf(url, sizeof url, "sftp://%s:%u%s%s", s->u.host, s->u.port, path,
		 slash ? "/" : "");
	transfer_request(s->c, url, s->errbuf, s->u.user);
	transfer_sftp_auth(s->c, s->key, s->pubkey, s->pin);
}

static int failed(struct bst_sftp *s, CURLcode rc, const char *what, const char *rel,
		  char *err, size_t errlen)
{
	const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
	if (rc == CURLE_PEER_FAILED_VERIFICATION)
		snprintf(
		    err, errlen,
		    "%s: the server's host key is not the one pinned (%s): nothing done",
		    s->u.host, why);
	else if (rc == CURLE_LOGIN_DENIED)
		snprintf(err, errlen, "%s: the server refused the key (%s)", s->u.host,
			 why);
	else
		snprintf(err, errlen, "%s %s: %s", what, rel[0] ? rel : "the directory",
			 why);
	return -1;
}

/* Performs the prepared request, again after a transient failure (the
 * caller's prep prepares it anew each time). */
typedef void (*prep_fn)(struct bst_sftp *s, void *cls);
static CURLcode perform(struct bst_sftp *s, prep_fn prep, void *cls)
{
	CURLcode rc = CURLE_OK;
	for (int i = 0; i < ATTEMPTS; i++) {
		if (i > 0) {
			bst_log_warn("sftp %s: %s; trying again", s->u.host,
				     s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
			struct timespec ts = {i, 0};
			nanosleep(&ts, NULL);
		}
		prep(s, cls);
		rc = curl_easy_perform(s->c);
		if (rc == CURLE_OK || !transfer_transient(rc))
			break;
	}
	return rc;
}

/* ---- quote commands ---- */

struct quote {
	struct curl_slist *cmds;
};

static void prep_quote(struct bst_sftp *s, void *cls)
{
	struct quote *q = cls;
	prepare(s, "", false);
	curl_easy_setopt(s->c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(s->c, CURLOPT_QUOTE, q->cmds);
}

static CURLcode run_quote(struct bst_sftp *s, struct curl_slist *cmds)
{
	struct quote q = {cmds};
	return perform(s, prep_quote, &q);
}

/* Appends "<verb> <path of rel>[ <path of rel2>]". */
static struct curl_slist *cmd(struct bst_sftp *s, struct curl_slist *l, const char *verb,
			      const char *rel, const char *rel2)
{
	char a[PATH_MAX_LEN], b[PATH_MAX_LEN], line[2 * PATH_MAX_LEN + 32];
	full_path(s, rel, a, sizeof a);
	if (rel2) {
		full_path(s, rel2, b, sizeof b);
		snprintf(line, sizeof line, "%s %s %s", verb, a, b);
	} else {
		snprintf(line, sizeof line, "%s %s", verb, a);
	}
	struct curl_slist *n = curl_slist_append(l, line);
	if (!n)
		curl_slist_free_all(l);
	return n;
}

/* ---- the session ---- */

static int list_raw(struct bst_sftp *s, const char *rel, char ***names, size_t *n,
		    bool *missing, char *err, size_t errlen);

int bst_sftp_open(const struct bst_transfer_url *u, const char *ssh_key,
		  const char *host_key_sha256, struct bst_sftp **out, char *err,
		  size_t errlen)
{
	*out = NULL;
	if (u->proto != BST_TRANSFER_SFTP) {
		snprintf(err, errlen, "a backup target is sftp:// or a local directory");
		return -1;
	}
	struct bst_sftp *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->u = *u;
	struct stat st;
	if (!transfer_host_pin(host_key_sha256, s->pin)) {
		snprintf(
		    err, errlen,
		    "host_key_sha256 must be the base64 of a SHA-256, as ssh-keygen -lf "
		    "prints it after \"SHA256:\"");
		goto fail;
	}
	if (snprintf(s->key, sizeof s->key, "%s", ssh_key) >= (int)sizeof s->key ||
	    access(s->key, R_OK) != 0) {
		snprintf(err, errlen, "cannot read the ssh key %s: %s", ssh_key,
			 strerror(errno));
		goto fail;
	}
	snprintf(s->pubkey, sizeof s->pubkey, "%s.pub", s->key);
	if (stat(s->pubkey, &st) != 0)
		s->pubkey[0] = '\0';
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(s->c = curl_easy_init())) {
		snprintf(err, errlen, "cannot start libcurl");
		goto fail;
	}
	/* the server, its host key and our key, checked at once (the base
	 * directory may not exist yet: the first file put makes it) */
	char **names = NULL;
	size_t n = 0;
	bool missing = false;
	if (list_raw(s, "", &names, &n, &missing, err, errlen) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	*out = s;
	return 0;
fail:
	bst_sftp_close(s);
	return -1;
}

void bst_sftp_close(struct bst_sftp *s)
{
	if (!s)
		return;
	if (s->c)
		curl_easy_cleanup(s->c);
	free(s);
}

/* ---- put ---- */

struct put {
	const char *rel;
	char part[300];
	FILE *f;
	curl_off_t size;
	struct curl_slist *post;
};

static void prep_put(struct bst_sftp *s, void *cls)
{
	struct put *p = cls;
	rewind(p->f);
	prepare(s, p->part, false);
	CURL *c = s->c;
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READDATA, p->f);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, p->size);
	curl_easy_setopt(c, CURLOPT_FTP_CREATE_MISSING_DIRS,
			 (long)CURLFTP_CREATE_DIR_RETRY);
	curl_easy_setopt(c, CURLOPT_POSTQUOTE, p->post);
}

int bst_sftp_put(struct bst_sftp *s, const char *local_path, const char *rel, char *err,
		 size_t errlen)
{
	if (!bst_sftp_rel_ok(rel)) {
		snprintf(err, errlen, "invalid name on the target: %s", rel);
		return -1;
	}
	struct put p = {.rel = rel};
	snprintf(p.part, sizeof p.part, "%s.part", rel);
	struct stat st;
	p.f = fopen(local_path, "rb");
	if (!p.f || fstat(fileno(p.f), &st) != 0) {
		snprintf(err, errlen, "cannot read %s: %s", local_path, strerror(errno));
		if (p.f)
			fclose(p.f);
		return -1;
	}
	p.size = st.st_size;
	/* "*rm": there may be nothing to replace */
	p.post = cmd(s, NULL, "*rm", rel, NULL);
	if (p.post)
		p.post = cmd(s, p.post, "rename", p.part, rel);
	int ret = 0;
	if (!p.post) {
		snprintf(err, errlen, "out of memory");
		ret = -1;
	} else {
		CURLcode rc = perform(s, prep_put, &p);
		if (rc != CURLE_OK)
			ret = failed(s, rc, "cannot send", rel, err, errlen);
	}
	curl_slist_free_all(p.post);
	fclose(p.f);
	return ret;
}

/* ---- get ---- */

struct get {
	const char *rel;
	int fd;
	uint64_t max, got;
	int err; /* errno of a failed write, or EFBIG */
};

static size_t write_fd(char *data, size_t size, size_t n, void *cls)
{
	struct get *g = cls;
	size_t len = size * n;
	if (g->got + len > g->max) {
		g->err = EFBIG;
		return 0;
	}
	if (bst_write_all(g->fd, data, len) != 0) {
		g->err = errno ? errno : EIO;
		return 0;
	}
	g->got += len;
	return len;
}

static void prep_get(struct bst_sftp *s, void *cls)
{
	struct get *g = cls;
	/* an attempt starts the file again */
	if (ftruncate(g->fd, 0) != 0 || lseek(g->fd, 0, SEEK_SET) != 0)
		g->err = errno;
	g->got = 0;
	prepare(s, g->rel, false);
	curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, write_fd);
	curl_easy_setopt(s->c, CURLOPT_WRITEDATA, g);
}

int bst_sftp_get(struct bst_sftp *s, const char *rel, int fd, uint64_t max, char *err,
		 size_t errlen)
{
	if (!bst_sftp_rel_ok(rel)) {
		snprintf(err, errlen, "invalid name on the target: %s", rel);
		return -1;
	}
	struct get g = {rel, fd, max, 0, 0};
	CURLcode rc = perform(s, prep_get, &g);
	if (rc == CURLE_REMOTE_FILE_NOT_FOUND)
		return 0;
	if (g.err) {
		snprintf(err, errlen, "cannot receive %s: %s", rel,
			 g.err == EFBIG ? "larger than expected" : strerror(g.err));
		return -1;
	}
	if (rc != CURLE_OK)
		return failed(s, rc, "cannot receive", rel, err, errlen);
	return 1;
}

/* ---- list ---- */

struct listing {
	char *buf;
	size_t len, cap;
};

static size_t write_list(char *data, size_t size, size_t n, void *cls)
{
	struct listing *l = cls;
	size_t len = size * n;
	if (l->len + len + 1 > l->cap) {
		size_t cap = l->cap ? l->cap : 4096;
		while (cap < l->len + len + 1)
			cap *= 2;
		if (cap > (64u << 20))
			return 0; /* a directory of millions of names is not ours */
		char *g = realloc(l->buf, cap);
		if (!g)
			return 0;
		l->buf = g;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, data, len);
	l->len += len;
	return len;
}

struct list_req {
	const char *rel;
	struct listing *l;
};

static void prep_list(struct bst_sftp *s, void *cls)
{
	struct list_req *q = cls;
	q->l->len = 0;
	prepare(s, q->rel, true);
	curl_easy_setopt(s->c, CURLOPT_DIRLISTONLY, 1L);
	curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, write_list);
	curl_easy_setopt(s->c, CURLOPT_WRITEDATA, q->l);
}

static int list_raw(struct bst_sftp *s, const char *rel, char ***names, size_t *n,
		    bool *missing, char *err, size_t errlen)
{
	*names = NULL;
	*n = 0;
	*missing = false;
	if (rel[0] && !bst_sftp_rel_ok(rel)) {
		snprintf(err, errlen, "invalid name on the target: %s", rel);
		return -1;
	}
	struct listing l = {0};
	struct list_req q = {rel, &l};
	CURLcode rc = perform(s, prep_list, &q);
	if (rc == CURLE_REMOTE_FILE_NOT_FOUND) {
		free(l.buf);
		*missing = true;
		return 0;
	}
	if (rc != CURLE_OK) {
		free(l.buf);
		return failed(s, rc, "cannot list", rel, err, errlen);
	}
	int parsed = bst_sftp_parse_listing(l.buf, l.len, names, n);
	free(l.buf);
	if (parsed != 0)
		snprintf(err, errlen, "out of memory");
	return parsed;
}

int bst_sftp_list(struct bst_sftp *s, const char *rel, char ***names, size_t *n,
		  char *err, size_t errlen)
{
	bool missing;
	return list_raw(s, rel, names, n, &missing, err, errlen);
}

/* ---- remove, rmdir, rename ---- */

int bst_sftp_remove(struct bst_sftp *s, char *const *rels, size_t n, char *err,
		    size_t errlen)
{
	for (size_t i = 0; i < n; i += BATCH) {
		struct curl_slist *l = NULL;
		for (size_t j = i; j < n && j < i + BATCH; j++) {
			if (!bst_sftp_rel_ok(rels[j])) {
				curl_slist_free_all(l);
				snprintf(err, errlen, "invalid name on the target: %s",
					 rels[j]);
				return -1;
			}
			/* "*": a file already gone is fine */
			if (!(l = cmd(s, l, "*rm", rels[j], NULL))) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
		CURLcode rc = run_quote(s, l);
		curl_slist_free_all(l);
		if (rc != CURLE_OK)
			return failed(s, rc, "cannot remove", rels[i], err, errlen);
	}
	return 0;
}

int bst_sftp_rmdir(struct bst_sftp *s, const char *rel, char *err, size_t errlen)
{
	if (!bst_sftp_rel_ok(rel)) {
		snprintf(err, errlen, "invalid name on the target: %s", rel);
		return -1;
	}
	struct curl_slist *l = cmd(s, NULL, "rmdir", rel, NULL);
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	CURLcode rc = run_quote(s, l);
	curl_slist_free_all(l);
	if (rc == CURLE_OK)
		return 0;
	/* a directory that is not there is removed; one that is, is not */
	char **names;
	size_t n;
	bool missing = false;
	char why[300];
	if (list_raw(s, rel, &names, &n, &missing, why, sizeof why) == 0) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		if (missing)
			return 0;
	}
	return failed(s, rc, "cannot remove the directory", rel, err, errlen);
}

int bst_sftp_rename(struct bst_sftp *s, const char *from, const char *to, char *err,
		    size_t errlen)
{
	if (!bst_sftp_rel_ok(from) || !bst_sftp_rel_ok(to)) {
		snprintf(err, errlen, "invalid name on the target: %s",
			 bst_sftp_rel_ok(from) ? to : from);
		return -1;
	}
	struct curl_slist *l = cmd(s, NULL, "rename", from, to);
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	CURLcode rc = run_quote(s, l);
	curl_slist_free_all(l);
	return rc == CURLE_OK ? 0 : failed(s, rc, "cannot rename", from, err, errlen);
}
