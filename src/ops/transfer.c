/* Uploads over SFTP and FTPS with libcurl (see transfer.h). One easy
 * handle per transfer, reset between its requests so that each carries
 * exactly its own options while the connection is reused:
 *   1. the final name must not exist;
 *   2. "<name>.part": its size, and when it is there and not longer than
 *      the file, its first bytes compared with the file's (a partial copy
 *      of another export, encrypted with other random keys, differs from
 *      its first bytes on): equal, the upload resumes from its end;
 *   3. the rest of the file appended to "<name>.part" (FTP APPE, SFTP
 *      open with append), or the whole file written over it;
 *   4. its size checked; "<name>.sha256" written; "<name>.part" renamed
 *      (SFTP "rename", FTP RNFR/RNTO, as post-quote commands of a request
 *      that checks the size once more); the final size checked.
 * A step that fails on a transient error starts again at 2, after a
 * back-off; anything else stops the transfer. */
#include "ops/transfer.h"
#include "ops/transfer_internal.h"
#include "core/sha256.h"
#include "core/fileio.h"
#include "core/log.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Attempts of the whole upload, and the back-off between them: 2, 4, 8,
 * 16 s (30 s in all at most), enough to ride out a server restart or a
 * short network cut without holding an export for long. */
#define MAX_ATTEMPTS     5
#define FIRST_BACKOFF_MS 2000
#define MAX_BACKOFF_MS   16000
/* Connecting may take this long; a transfer that moves less than 1 byte
 * a second for STALL_S is abandoned (and retried): no overall timeout, an
 * archive may take hours on a slow line. */
#define CONNECT_TIMEOUT_S 30L
#define STALL_S           60L
/* How much of a partial copy is compared with the file before resuming. */
#define HEAD_CHECK_BYTES (64 * 1024)
/* The password file's first line: a longer one is a wrong file. */
#define PASSWORD_MAX 256
/* TLS 1.2 at least (ANSSI guide TLS, R3). */
#define MIN_TLS CURL_SSLVERSION_TLSv1_2

struct session {
	CURL *c;
	const struct bst_transfer_url *u;
	const struct bst_transfer_auth *auth;
	char password[PASSWORD_MAX + 1];
	char pubkey[4096]; /* "<ssh key>.pub" when it exists, else empty */
	char pin[64];      /* the host key pin without "SHA256:" */
	char errbuf[CURL_ERROR_SIZE];
	bst_transfer_progress_fn progress;
	void *progress_cls;
	int attempt;
	long max_speed; /* bytes/s, tests only; 0 = unlimited */
	int64_t progress_base, progress_total, progress_done, progress_last_ms;
};

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "sha256//" + the base64 of 32 bytes (44 characters, padded). */
static bool pin_ok(const char *s, size_t n)
{
	unsigned char bin[32];
	size_t len;
	return n == 8 + 44 && strncmp(s, "sha256//", 8) == 0 &&
	       sodium_base642bin(bin, sizeof bin, s + 8, 44, NULL, &len, NULL,
				 sodium_base64_VARIANT_ORIGINAL) == 0 &&
	       len == 32;
}

bool transfer_host_pin(const char *s, char out[44])
{
	if (strncmp(s, "SHA256:", 7) == 0)
		s += 7;
	size_t n = strlen(s);
	if (n == 44 && s[43] == '=')
		n = 43;
	unsigned char bin[32];
	size_t len;
	if (n != 43 ||
	    sodium_base642bin(bin, sizeof bin, s, n, NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
	    len != 32)
		return false;
	memcpy(out, s, 43);
	out[43] = '\0';
	return true;
}

int bst_transfer_check_auth(const struct bst_transfer_url *u,
			    const struct bst_transfer_auth *a, char *err, size_t errlen)
{
	char pin[44];
	if (u->proto == BST_TRANSFER_SFTP) {
		if (a->password_file || a->password || a->ca_file || a->pinned_key) {
			snprintf(
			    err, errlen,
			    "--password-file, --ca-file and --pinned-key are for "
			    "ftps://; sftp:// takes --ssh-key and --host-key-sha256");
			return -1;
		}
		if (!a->ssh_key) {
			snprintf(err, errlen,
				 "sftp:// needs --ssh-key FILE (a private key, ed25519)");
			return -1;
		}
		if (!a->host_key_sha256) {
			snprintf(err, errlen,
				 "sftp:// needs the server's host key pinned: "
				 "--host-key-sha256 FP, "
				 "as `ssh-keygen -lf KEY.pub` prints it (without a pin "
				 "the server's "
				 "identity would not be checked)");
			return -1;
		}
		if (!transfer_host_pin(a->host_key_sha256, pin)) {
			snprintf(err, errlen,
				 "--host-key-sha256 must be the base64 of a SHA-256, as "
				 "ssh-keygen -lf prints it after \"SHA256:\"");
			return -1;
		}
		return 0;
	}
	if (a->ssh_key || a->host_key_sha256) {
		snprintf(err, errlen,
			 "--ssh-key and --host-key-sha256 are for sftp://; ftps:// "
			 "takes --password-file and --ca-file or --pinned-key");
		return -1;
	}
	if (!a->password_file && !a->password) {
		snprintf(err, errlen, "ftps:// needs --password-file FILE");
		return -1;
	}
	if (!a->ca_file && !a->pinned_key) {
		snprintf(err, errlen,
			 "ftps:// needs the server's certificate checked: --ca-file FILE "
			 "(its CA "
			 "certificates) or --pinned-key sha256//BASE64 (its public key)");
		return -1;
	}
	if (a->pinned_key) {
		const char *s = a->pinned_key;
		for (;;) {
			const char *semi = strchr(s, ';');
			size_t n = semi ? (size_t)(semi - s) : strlen(s);
			if (!pin_ok(s, n)) {
				snprintf(
				    err, errlen,
				    "--pinned-key must be sha256//BASE64 (the base64 of "
				    "the SHA-256 of "
				    "the server's public key), several separated by ';'");
				return -1;
			}
			if (!semi)
				break;
			s = semi + 1;
		}
	}
	return 0;
}

static int read_password(const char *path, char out[PASSWORD_MAX + 1], char *err,
			 size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	char buf[PASSWORD_MAX + 2];
	ssize_t n = bst_read_full(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	size_t len = strcspn(buf, "\r\n");
	int rc = 0;
	if (len == 0 || len > PASSWORD_MAX) {
		snprintf(err, errlen,
			 "%s: the password must be its first line (1 to %d bytes)", path,
			 PASSWORD_MAX);
		rc = -1;
	} else {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	sodium_memzero(buf, sizeof buf);
	return rc;
}

/* The URL libcurl gets: the user goes apart (CURLOPT_USERNAME), and
 * ftps:// is FTP with explicit TLS, which libcurl spells ftp:// plus
 * CURLOPT_USE_SSL (its own ftps:// is implicit TLS). */
static void target_url(const struct session *s, const char *suffix, char *out,
		       size_t outlen)
{
	snprintf(out, outlen, "%s://%s:%u%s%s",
		 s->u->proto == BST_TRANSFER_SFTP ? "sftp" : "ftp", s->u->host,
		 s->u->port, s->u->path, suffix);
}

/* The options every request carries, the URL of the file + suffix. */
static size_t discard(char *data, size_t size, size_t n, void *cls)
{
	(void)data, (void)cls;
	return size * n;
}

void transfer_request(CURL *c, const char *url, char *errbuf, const char *user)
{
	curl_easy_reset(c);
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	/* FTP answers a size query with header lines: not for stdout */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, STALL_S);
	curl_easy_setopt(c, CURLOPT_USERNAME, user);
}

void transfer_sftp_auth(CURL *c, const char *key, const char *pubkey, const char *pin)
{
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "sftp");
	curl_easy_setopt(c, CURLOPT_SSH_AUTH_TYPES, (long)CURLSSH_AUTH_PUBLICKEY);
	curl_easy_setopt(c, CURLOPT_SSH_PRIVATE_KEYFILE, key);
	if (pubkey[0])
		curl_easy_setopt(c, CURLOPT_SSH_PUBLIC_KEYFILE, pubkey);
	/* without a pin (or known_hosts) libcurl would not check the host key
	 * at all: the pin is mandatory here */
	curl_easy_setopt(c, CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, pin);
}

static void prepare(struct session *s, const char *suffix)
{
	CURL *c = s->c;
	char url[BST_TRANSFER_HOST_MAX + BST_TRANSFER_PATH_MAX + 64];
	target_url(s, suffix, url, sizeof url);
	transfer_request(c, url, s->errbuf, s->u->user);
	if (s->u->proto == BST_TRANSFER_SFTP) {
		transfer_sftp_auth(c, s->auth->ssh_key, s->pubkey, s->pin);
	} else {
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "ftp");
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
		/* RFC 4217's AUTH TLS, not the older AUTH SSL libcurl tries first */
		curl_easy_setopt(c, CURLOPT_FTPSSLAUTH, (long)CURLFTPAUTH_TLS);
		curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)MIN_TLS);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password);
		/* only what the client gave is trusted: its CA file, else its pin
		 * (checked by libcurl whatever VERIFYPEER says) */
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
		if (s->auth->ca_file) {
			curl_easy_setopt(c, CURLOPT_CAINFO, s->auth->ca_file);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		} else {
			curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		if (s->auth->pinned_key)
			curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, s->auth->pinned_key);
	}
}

bool transfer_transient(int code)
{
	CURLcode rc = (CURLcode)code;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSH:
	case CURLE_FTP_ACCEPT_TIMEOUT:
	case CURLE_FTP_CANT_GET_HOST:
		return true;
	default:
		return false;
	}
}

static void fail(struct session *s, CURLcode rc, const char *what, char *err,
		 size_t errlen)
{
	const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(err, errlen,
			 "%s: the server is not the one expected (%s): nothing sent",
			 what, why);
		break;
	case CURLE_LOGIN_DENIED:
		snprintf(err, errlen, "%s: the server refused the login (%s)", what, why);
		break;
	case CURLE_USE_SSL_FAILED:
		snprintf(err, errlen,
			 "%s: the server does not offer TLS (%s): nothing sent", what,
			 why);
		break;
	default:
		snprintf(err, errlen, "%s: %s", what, why);
	}
}

/* The size of the file + suffix on the server: 1 and *size when it is
 * there, 0 when not, -1 on failure (*rc says which). */
static int remote_size(struct session *s, const char *suffix, int64_t *size, CURLcode *rc)
{
	prepare(s, suffix);
	curl_easy_setopt(s->c, CURLOPT_NOBODY, 1L);
	*rc = curl_easy_perform(s->c);
	*size = -1;
	/* FTP: a directory that is not there yet fails its CWD; the upload
	 * creates it, or says why it cannot */
	if (*rc == CURLE_REMOTE_FILE_NOT_FOUND ||
	    (*rc == CURLE_REMOTE_ACCESS_DENIED && s->u->proto == BST_TRANSFER_FTPS))
		return 0;
	if (*rc != CURLE_OK)
		return -1;
	curl_off_t n = -1;
	curl_easy_getinfo(s->c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &n);
	if (n < 0) {
		snprintf(s->errbuf, sizeof s->errbuf, "the server does not tell sizes");
		*rc = CURLE_WEIRD_SERVER_REPLY;
		return -1;
	}
	*size = n;
	return 1;
}

struct sink {
	unsigned char *buf;
	size_t len, cap;
};

static size_t write_sink(char *data, size_t size, size_t n, void *cls)
{
	struct sink *k = cls;
	size_t len = size * n;
	size_t room = k->cap - k->len;
	memcpy(k->buf + k->len, data, len < room ? len : room);
	k->len += len < room ? len : room;
	return len; /* libcurl stops at the end of the range */
}

/* Whether the first bytes of "<name>.part" (n of them) are the file's. */
static int head_matches(struct session *s, int fd, int64_t n, bool *same, CURLcode *rc)
{
	size_t want = (size_t)(n < HEAD_CHECK_BYTES ? n : HEAD_CHECK_BYTES);
	unsigned char *mine = malloc(want), *theirs = malloc(want);
	int ret = -1;
	*same = false;
	if (!mine || !theirs) {
		*rc = CURLE_OUT_OF_MEMORY;
		goto cleanup;
	}
	char range[48];
	snprintf(range, sizeof range, "0-%zu", want - 1);
	struct sink k = {theirs, 0, want};
	prepare(s, ".part");
	curl_easy_setopt(s->c, CURLOPT_RANGE, range);
	curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, write_sink);
	curl_easy_setopt(s->c, CURLOPT_WRITEDATA, &k);
	*rc = curl_easy_perform(s->c);
	/* a server may cut the data connection once the range is read */
	if (*rc != CURLE_OK &&
	    !(k.len == want && (*rc == CURLE_PARTIAL_FILE || *rc == CURLE_RECV_ERROR)))
		goto cleanup;
	*rc = CURLE_OK;
	if (pread(fd, mine, want, 0) != (ssize_t)want) {
		snprintf(s->errbuf, sizeof s->errbuf, "cannot read the file: %s",
			 strerror(errno));
		*rc = CURLE_READ_ERROR;
		goto cleanup;
	}
	*same = k.len == want && memcmp(mine, theirs, want) == 0;
	ret = 0;
cleanup:
	free(mine);
	free(theirs);
	return ret;
}

struct source {
	int fd;
	int64_t off, end;
	int err;
};

static size_t read_source(char *out, size_t size, size_t n, void *cls)
{
	struct source *src = cls;
	size_t room = size * n;
	int64_t left = src->end - src->off;
	size_t k = left < (int64_t)room ? (size_t)left : room;
	if (k == 0)
		return 0;
	ssize_t got = pread(src->fd, out, k, src->off);
	if (got <= 0) {
		src->err = got < 0 ? errno : EIO;
		return CURL_READFUNC_ABORT;
	}
	src->off += got;
	return (size_t)got;
}

/* The progress bar on a terminal (bst_transfer_push with progress). */
static void terminal_bar(void *cls, int64_t done, int64_t total, int attempt, bool end)
{
	(void)cls, (void)attempt;
	if (end) {
		fputc('\n', stderr);
		return;
	}
	if (total <= 0)
		total = 1;
	int pct = (int)(done * 100 / total);
	int bar = pct / 5;
	fprintf(stderr, "\r[%.*s%*s] %3d%% %lld/%lld KiB", bar, "####################",
		20 - bar, "", pct, (long long)(done / 1024), (long long)(total / 1024));
	fflush(stderr);
}

static int on_progress(void *cls, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal;
	struct session *s = cls;
	int64_t now = monotonic_ms();
	int64_t done = s->progress_base + ulnow;
	if (now - s->progress_last_ms < 250 && done != s->progress_total)
		return 0;
	s->progress_last_ms = now;
	s->progress_done = done;
	s->progress(s->progress_cls, done, s->progress_total, s->attempt, false);
	return 0;
}

/* Sends [offset, size) of fd, appended to "<name>.part" when offset > 0,
 * else over whatever is there. */
static CURLcode upload_part(struct session *s, int fd, int64_t offset, int64_t size)
{
	struct source src = {fd, offset, size, 0};
	prepare(s, ".part");
	CURL *c = s->c;
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_APPEND, offset > 0 ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_source);
	curl_easy_setopt(c, CURLOPT_READDATA, &src);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(size - offset));
	curl_easy_setopt(c, CURLOPT_FTP_CREATE_MISSING_DIRS,
			 (long)CURLFTP_CREATE_DIR_RETRY);
	if (s->max_speed > 0)
		curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE,
				 (curl_off_t)s->max_speed);
	if (s->progress) {
		s->progress_base = offset;
		s->progress_total = size;
		s->progress_done = offset;
		s->progress_last_ms = 0;
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	CURLcode rc = curl_easy_perform(c);
	if (s->progress)
		s->progress(s->progress_cls, s->progress_done, size, s->attempt, true);
	if (rc == CURLE_ABORTED_BY_CALLBACK || src.err)
		snprintf(s->errbuf, sizeof s->errbuf, "cannot read the file: %s",
			 strerror(src.err ? src.err : EIO));
	return rc;
}

/* Writes text as the file + suffix, whole. */
static CURLcode upload_text(struct session *s, const char *suffix, const char *text)
{
	prepare(s, suffix);
	size_t len = strlen(text);
	FILE *f = fmemopen((void *)text, len, "r");
	if (!f)
		return CURLE_OUT_OF_MEMORY;
	curl_easy_setopt(s->c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->c, CURLOPT_READDATA, f); /* libcurl's default: fread */
	curl_easy_setopt(s->c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	CURLcode rc = curl_easy_perform(s->c);
	fclose(f);
	return rc;
}

/* Renames "<name>.part" to "<name>" after the request checked that the
 * part is there once more. */
static CURLcode rename_part(struct session *s)
{
	const char *name = strrchr(s->u->path, '/') + 1;
	/* twice the path and the words around it: never truncated */
	char a[2 * BST_TRANSFER_PATH_MAX + 32], b[BST_TRANSFER_PATH_MAX + 32];
	if (s->u->proto == BST_TRANSFER_SFTP) {
		/* full paths; libcurl turns a leading "/~/" into the home */
		snprintf(a, sizeof a, "rename %s.part %s", s->u->path, s->u->path);
		b[0] = '\0';
	} else {
		/* after the CWDs into the file's directory */
		snprintf(a, sizeof a, "RNFR %s.part", name);
		snprintf(b, sizeof b, "RNTO %s", name);
	}
	struct curl_slist *q = curl_slist_append(NULL, a);
	if (q && b[0])
		q = curl_slist_append(q, b);
	if (!q)
		return CURLE_OUT_OF_MEMORY;
	prepare(s, ".part");
	curl_easy_setopt(s->c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(s->c, CURLOPT_POSTQUOTE, q);
	CURLcode rc = curl_easy_perform(s->c);
	curl_slist_free_all(q);
	return rc;
}

static int sha256_file(int fd, int64_t size, char hex[65], char *err, size_t errlen)
{
	struct bst_sha256 st;
	if (bst_sha256_init(&st) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	unsigned char buf[64 * 1024];
	int64_t off = 0;
	while (off < size) {
		ssize_t n = pread(fd, buf, sizeof buf, off);
		if (n <= 0) {
			snprintf(err, errlen, "cannot read the file: %s",
				 n < 0 ? strerror(errno) : "it shrank");
			bst_sha256_final_hex(&st, hex); /* frees it */
			return -1;
		}
		bst_sha256_update(&st, buf, (size_t)n);
		off += n;
	}
	bst_sha256_final_hex(&st, hex);
	return 0;
}

/* One attempt at steps 2 to 4. */
static CURLcode attempt(struct session *s, int fd, int64_t size, const char *sums,
			struct bst_transfer_result *res, const char **what)
{
	CURLcode rc;
	int64_t have;
	*what = "cannot read the partial copy on the server";
	int found = remote_size(s, ".part", &have, &rc);
	if (found < 0)
		return rc;
	int64_t offset = 0;
	if (found && have > 0 && have <= size) {
		bool same;
		if (head_matches(s, fd, have, &same, &rc) != 0)
			return rc;
		if (same)
			offset = have;
		else
			bst_log_info(
			    "transfer: %s.part on the server is not a copy of this file: "
			    "sent again from the start",
			    s->u->path);
	}
	if (offset < size || !found) {
		*what = "cannot send the file";
		rc = upload_part(s, fd, offset, size);
		if (rc != CURLE_OK)
			return rc;
	}
	res->resumed_from = offset;
	res->sent += size - offset;
	*what = "cannot check the file's size on the server";
	if (remote_size(s, ".part", &have, &rc) != 1)
		return rc != CURLE_OK ? rc : CURLE_REMOTE_FILE_NOT_FOUND;
	if (have != size) {
		snprintf(s->errbuf, sizeof s->errbuf,
			 "the server holds %lld bytes of the %lld sent", (long long)have,
			 (long long)size);
		return CURLE_PARTIAL_FILE; /* resumed at the next attempt */
	}
	*what = "cannot write the .sha256 file";
	rc = upload_text(s, ".sha256", sums);
	if (rc != CURLE_OK)
		return rc;
	*what = "cannot rename the .part file";
	rc = rename_part(s);
	if (rc != CURLE_OK)
		return rc;
	*what = "cannot check the file's size on the server";
	if (remote_size(s, "", &have, &rc) != 1)
		return rc != CURLE_OK ? rc : CURLE_REMOTE_FILE_NOT_FOUND;
	if (have != size) {
		snprintf(s->errbuf, sizeof s->errbuf,
			 "the server holds %lld bytes instead of %lld", (long long)have,
			 (long long)size);
		*what = "the file on the server is not the file sent";
		return CURLE_WEIRD_SERVER_REPLY; /* not ours to fix */
	}
	res->size = have;
	return CURLE_OK;
}

int bst_transfer_push(const char *local_path, const struct bst_transfer_url *u,
		      const struct bst_transfer_auth *auth, bool progress,
		      struct bst_transfer_result *res, char *err, size_t errlen)
{
	return bst_transfer_push_cb(local_path, u, auth, progress ? terminal_bar : NULL, NULL,
				    res, err, errlen);
}

int bst_transfer_push_cb(const char *local_path, const struct bst_transfer_url *u,
			 const struct bst_transfer_auth *auth, bst_transfer_progress_fn fn,
			 void *cls, struct bst_transfer_result *res, char *err, size_t errlen)
{
	struct bst_transfer_result tmp;
	if (!res)
		res = &tmp;
	memset(res, 0, sizeof *res);
	if (bst_transfer_check_auth(u, auth, err, errlen) != 0)
		return -1;
	struct session s = {.u = u, .auth = auth, .progress = fn, .progress_cls = cls};
	int ret = -1;
	int fd = -1;
	char sums[BST_TRANSFER_NAME_MAX + 80];
	if (u->proto == BST_TRANSFER_SFTP) {
		transfer_host_pin(auth->host_key_sha256, s.pin);
		struct stat st;
		snprintf(s.pubkey, sizeof s.pubkey, "%s.pub", auth->ssh_key);
		if (access(auth->ssh_key, R_OK) != 0) {
			snprintf(err, errlen, "cannot read %s: %s", auth->ssh_key,
				 strerror(errno));
			goto cleanup;
		}
		if (stat(s.pubkey, &st) != 0)
			s.pubkey[0] = '\0'; /* libssh2 derives it from the private key */
	} else if (auth->password) {
		size_t n = strlen(auth->password);
		if (n == 0 || n > PASSWORD_MAX || strpbrk(auth->password, "\r\n")) {
			snprintf(err, errlen, "the password must be one line of 1 to %d bytes",
				 PASSWORD_MAX);
			goto cleanup;
		}
		memcpy(s.password, auth->password, n + 1);
	} else if (read_password(auth->password_file, s.password, err, errlen) != 0) {
		goto cleanup;
	}
#ifdef BST_TEST_CLOCK
	/* tests slow the upload down to cut it in the middle */
	const char *speed = getenv("BASTIDE_TEST_TRANSFER_SPEED");
	if (speed)
		s.max_speed = strtol(speed, NULL, 10);
#endif
	fd = open(local_path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read %s: %s", local_path,
			 fd < 0 ? strerror(errno) : "not a regular file");
		goto cleanup;
	}
	int64_t size = st.st_size;
	if (sha256_file(fd, size, res->sha256, err, errlen) != 0)
		goto cleanup;
	/* sha256sum's format: hash, two spaces (text mode), name */
	snprintf(sums, sizeof sums, "%s  %s\n", res->sha256, strrchr(u->path, '/') + 1);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(s.c = curl_easy_init())) {
		snprintf(err, errlen, "cannot start libcurl");
		goto cleanup;
	}
	CURLcode rc;
	int64_t have;
	int found;
	for (int i = 0;; i++) {
		found = remote_size(&s, "", &have, &rc);
		if (found >= 0 || !transfer_transient(rc) || i + 1 >= MAX_ATTEMPTS)
			break;
		sleep(2);
	}
	if (found < 0) {
		fail(&s, rc, "cannot reach the server", err, errlen);
		goto cleanup;
	}
	if (found) {
		snprintf(err, errlen,
			 "%s exists already on the server: it is never overwritten",
			 u->path);
		goto cleanup;
	}
	int64_t backoff = FIRST_BACKOFF_MS;
	for (res->attempts = 1;; res->attempts++) {
		const char *what = "";
		s.attempt = res->attempts;
		rc = attempt(&s, fd, size, sums, res, &what);
		if (rc == CURLE_OK)
			break;
		if (!transfer_transient(rc) || res->attempts >= MAX_ATTEMPTS) {
			fail(&s, rc, what, err, errlen);
			if (res->attempts > 1 && transfer_transient(rc))
				snprintf(err + strlen(err), errlen - strlen(err),
					 " (after %d attempts)", res->attempts);
			goto cleanup;
		}
		bst_log_warn("transfer: %s (%s); trying again in %lld s", what,
			     s.errbuf[0] ? s.errbuf : curl_easy_strerror(rc),
			     (long long)(backoff / 1000));
		struct timespec ts = {(time_t)(backoff / 1000),
				      (long)(backoff % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		backoff = backoff * 2 > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : backoff * 2;
	}
	ret = 0;
cleanup:
	if (s.c)
		curl_easy_cleanup(s.c);
	sodium_memzero(s.password, sizeof s.password);
	if (fd >= 0)
		close(fd);
	return ret;
}
