/* OpenPGP through gpgme (see pgp.h). */
#include "ops/pgp.h"
#include "core/fileio.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gpgme.h>
#include <sodium.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define KEYS_MAX 8
#define PASSPHRASE_MAX 1024

struct bst_pgp {
	gpgme_ctx_t ctx;
	gpgme_key_t keys[KEYS_MAX + 1]; /* NULL-terminated; none: symmetric */
	gpgme_data_t in, out;
	char passphrase[PASSPHRASE_MAX + 1];
	char home[64];
	int pipe_r, pipe_w;
	pthread_t thread;
	bool running;
	gpgme_error_t result;
	bool write_failed;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init_gpgme(void)
{
	gpgme_check_version(NULL);
	gpgme_set_locale(NULL, LC_CTYPE, setlocale(LC_CTYPE, NULL));
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

/* Stops the agent gpg started in home, then removes home. */
static void home_remove(const char *home)
{
	if (!home[0])
		return;
	char *argv[] = {"gpgconf", "--homedir", (char *)home, "--kill", "all", NULL};
	pid_t pid;
	if (posix_spawnp(&pid, "gpgconf", NULL, NULL, argv, environ) == 0) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	nftw(home, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void release(struct bst_pgp *p)
{
	if (p->pipe_w >= 0)
		close(p->pipe_w);
	if (p->running)
		pthread_join(p->thread, NULL);
	if (p->pipe_r >= 0)
		close(p->pipe_r);
	gpgme_data_release(p->in);
	gpgme_data_release(p->out);
	for (int i = 0; p->keys[i]; i++)
		gpgme_key_unref(p->keys[i]);
	if (p->ctx)
		gpgme_release(p->ctx);
	home_remove(p->home);
	sodium_memzero(p->passphrase, sizeof p->passphrase);
	free(p);
}

static gpgme_error_t give_passphrase(void *hook, const char *uid_hint, const char *info,
				     int prev_was_bad, int fd)
{
	(void)uid_hint, (void)info;
	struct bst_pgp *p = hook;
	if (prev_was_bad)
		return gpgme_error(GPG_ERR_CANCELED);
	size_t n = strlen(p->passphrase);
	if (gpgme_io_writen(fd, p->passphrase, n) != 0 || gpgme_io_writen(fd, "\n", 1) != 0)
		return gpgme_error_from_errno(errno);
	return 0;
}

static void *encrypt_main(void *cls)
{
	struct bst_pgp *p = cls;
	/* what comes in is compressed already (zstd): gpg's own zlib pass
	 * would only cost time */
	p->result = gpgme_op_encrypt(p->ctx, p->keys[0] ? p->keys : NULL,
				     GPGME_ENCRYPT_NO_COMPRESS |
					 (p->keys[0] ? GPGME_ENCRYPT_ALWAYS_TRUST
						     : GPGME_ENCRYPT_SYMMETRIC),
				     p->in, p->out);
	/* whatever gpg did not read will not be: writers get EPIPE */
	close(p->pipe_r);
	p->pipe_r = -1;
	return NULL;
}

/* The common start: a context on a fresh home directory. */
static struct bst_pgp *start(char *err, size_t errlen)
{
	pthread_once(&once, init_gpgme);
	struct bst_pgp *p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->pipe_r = p->pipe_w = -1;
	gpgme_error_t e = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
	if (e) {
		snprintf(err, errlen, "gpg cannot be used (is gnupg installed?): %s",
			 gpgme_strerror(e));
		release(p);
		return NULL;
	}
	snprintf(p->home, sizeof p->home, "%s/bastide-gpg-XXXXXX",
		 getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 32 ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(p->home)) {
		snprintf(err, errlen, "cannot make a directory for gpg: %s", strerror(errno));
		p->home[0] = '\0';
		release(p);
		return NULL;
	}
	if ((e = gpgme_new(&p->ctx)) || (e = gpgme_set_protocol(p->ctx, GPGME_PROTOCOL_OpenPGP)) ||
	    (e = gpgme_ctx_set_engine_info(p->ctx, GPGME_PROTOCOL_OpenPGP, NULL, p->home))) {
		snprintf(err, errlen, "gpg cannot be used: %s", gpgme_strerror(e));
		release(p);
		return NULL;
	}
	gpgme_set_armor(p->ctx, 0);
	return p;
}

/* The pipe and the thread: encryption runs from here on. */
static struct bst_pgp *run(struct bst_pgp *p, int out_fd, char *err, size_t errlen)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
		release(p);
		return NULL;
	}
	p->pipe_r = fds[0];
	p->pipe_w = fds[1];
	/* a gpg that stops reading must not kill the process: writes get EPIPE */
	signal(SIGPIPE, SIG_IGN);
	gpgme_error_t e;
	if ((e = gpgme_data_new_from_fd(&p->in, p->pipe_r)) ||
	    (e = gpgme_data_new_from_fd(&p->out, out_fd))) {
		snprintf(err, errlen, "gpg cannot be used: %s", gpgme_strerror(e));
		release(p);
		return NULL;
	}
	if (pthread_create(&p->thread, NULL, encrypt_main, p) != 0) {
		snprintf(err, errlen, "cannot start encrypting");
		release(p);
		return NULL;
	}
	p->running = true;
	return p;
}

/* Imports the keys in kd (released) and starts encrypting to them. */
static struct bst_pgp *to_keys(struct bst_pgp *p, gpgme_data_t kd, const char *what,
			       int out_fd, char *err, size_t errlen)
{
	gpgme_error_t e = gpgme_op_import(p->ctx, kd);
	gpgme_data_release(kd);
	gpgme_import_result_t ir = e ? NULL : gpgme_op_import_result(p->ctx);
	int n = 0;
	for (gpgme_import_status_t s = ir ? ir->imports : NULL; s && n < KEYS_MAX; s = s->next) {
		gpgme_key_t k = NULL;
		if (s->result || !s->fpr || gpgme_get_key(p->ctx, s->fpr, &k, 0))
			continue;
		if (!k->can_encrypt || k->revoked || k->expired || k->disabled) {
			gpgme_key_unref(k);
			continue;
		}
		p->keys[n++] = k;
	}
	if (n == 0) {
		snprintf(err, errlen,
			 "%s holds no OpenPGP public key that can encrypt (not expired, not "
			 "revoked)",
			 what);
		release(p);
		return NULL;
	}
	return run(p, out_fd, err, errlen);
}

struct bst_pgp *bst_pgp_to_key(const char *keyfile, int out_fd, char *err, size_t errlen)
{
	struct bst_pgp *p = start(err, errlen);
	if (!p)
		return NULL;
	gpgme_data_t kd = NULL;
	gpgme_error_t e = gpgme_data_new_from_file(&kd, keyfile, 1);
	if (e) {
		snprintf(err, errlen, "cannot read the key file %s: %s", keyfile, gpgme_strerror(e));
		release(p);
		return NULL;
	}
	return to_keys(p, kd, keyfile, out_fd, err, errlen);
}

struct bst_pgp *bst_pgp_to_key_data(const void *key, size_t len, int out_fd, char *err,
				    size_t errlen)
{
	struct bst_pgp *p = start(err, errlen);
	if (!p)
		return NULL;
	gpgme_data_t kd = NULL;
	gpgme_error_t e = gpgme_data_new_from_mem(&kd, key, len, 1);
	if (e) {
		snprintf(err, errlen, "cannot read the key: %s", gpgme_strerror(e));
		release(p);
		return NULL;
	}
	return to_keys(p, kd, "The key given", out_fd, err, errlen);
}

/* Starts encrypting with p->passphrase (set, checked here). */
static struct bst_pgp *with_passphrase(struct bst_pgp *p, const char *what, int out_fd,
				       char *err, size_t errlen)
{
	p->passphrase[strcspn(p->passphrase, "\r\n")] = '\0';
	if (strlen(p->passphrase) < 12) {
		snprintf(err, errlen, "the passphrase (%s) must have at least 12 characters", what);
		release(p);
		return NULL;
	}
	gpgme_set_pinentry_mode(p->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	gpgme_set_passphrase_cb(p->ctx, give_passphrase, p);
	return run(p, out_fd, err, errlen);
}

struct bst_pgp *bst_pgp_with_passphrase_text(const char *passphrase, int out_fd, char *err,
					     size_t errlen)
{
	struct bst_pgp *p = start(err, errlen);
	if (!p)
		return NULL;
	snprintf(p->passphrase, sizeof p->passphrase, "%s", passphrase ? passphrase : "");
	return with_passphrase(p, "given", out_fd, err, errlen);
}

struct bst_pgp *bst_pgp_with_passphrase(const char *passfile, int out_fd, char *err,
					size_t errlen)
{
	struct bst_pgp *p = start(err, errlen);
	if (!p)
		return NULL;
	int fd = open(passfile, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : bst_read_full(fd, p->passphrase, PASSPHRASE_MAX);
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read the passphrase file %s: %s", passfile,
			 strerror(errno));
		release(p);
		return NULL;
	}
	p->passphrase[n] = '\0';
	char what[300];
	snprintf(what, sizeof what, "the first line of %s", passfile);
	return with_passphrase(p, what, out_fd, err, errlen);
}

int bst_pgp_write(struct bst_pgp *p, const void *data, size_t len)
{
	if (p->write_failed)
		return -1;
	if (bst_write_all(p->pipe_w, data, len) != 0) {
		p->write_failed = true;
		return -1;
	}
	return 0;
}

int bst_pgp_finish(struct bst_pgp *p, char *err, size_t errlen)
{
	close(p->pipe_w); /* the end of the plaintext */
	p->pipe_w = -1;
	pthread_join(p->thread, NULL);
	p->running = false;
	int rc = 0;
	if (p->result) {
		snprintf(err, errlen, "gpg could not encrypt: %s", gpgme_strerror(p->result));
		rc = -1;
	} else if (p->write_failed) {
		snprintf(err, errlen, "gpg stopped reading before the end");
		rc = -1;
	} else {
		gpgme_encrypt_result_t r = gpgme_op_encrypt_result(p->ctx);
		if (r && r->invalid_recipients) {
			snprintf(err, errlen, "gpg refused the key %s",
				 r->invalid_recipients->fpr ? r->invalid_recipients->fpr : "?");
			rc = -1;
		}
	}
	release(p);
	return rc;
}
