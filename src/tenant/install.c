/* An installation's data directory, master key and key store (see
 * install.h). */
#include "tenant/install.h"
#include "core/str.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/queries.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MASTER_KEY_FILE "master.key"

static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	snprintf(err, errlen, "cannot create directory %s: %s", path, strerror(errno));
	return -1;
}

static int read_master(const char *dir, uint8_t key[BST_KEY_BYTES], char *err,
		       size_t errlen)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, MASTER_KEY_FILE);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read the master key %s: %s (run `bastide init`)",
			 path, strerror(errno));
		return -1;
	}
	char hex[2 * BST_KEY_BYTES + 2];
	ssize_t n = read(fd, hex, sizeof hex);
	close(fd);
	size_t len = 0;
	if (n < 2 * BST_KEY_BYTES ||
	    sodium_hex2bin(key, BST_KEY_BYTES, hex, (size_t)n, "\n", &len, NULL) != 0 ||
	    len != BST_KEY_BYTES) {
		sodium_memzero(hex, sizeof hex);
		snprintf(err, errlen, "the master key %s is malformed", path);
		return -1;
	}
	sodium_memzero(hex, sizeof hex);
	return 0;
}

int bst_install_init(const char *dir, int *created, char *err, size_t errlen)
{
	*created = 0;
	char path[600];
	if (make_dir(dir, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/platforms", dir);
	if (make_dir(path, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, MASTER_KEY_FILE);
	/* O_EXCL: an existing key is never overwritten, whatever its content */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		uint8_t key[BST_KEY_BYTES];
		char hex[2 * BST_KEY_BYTES + 2];
		bst_random(key, sizeof key);
		bst_hex(key, sizeof key, hex);
		strcat(hex, "\n");
		ssize_t w = write(fd, hex, strlen(hex));
		int sync_rc = fsync(fd);
		close(fd);
		sodium_memzero(key, sizeof key);
		sodium_memzero(hex, sizeof hex);
		if (w != 2 * BST_KEY_BYTES + 1 || sync_rc != 0) {
			unlink(path);
			snprintf(err, errlen, "cannot write the master key %s", path);
			return -1;
		}
		*created = 1;
	} else if (errno != EEXIST) {
		snprintf(err, errlen, "cannot create the master key %s: %s", path,
			 strerror(errno));
		return -1;
	}
	struct bst_install *in = NULL;
	if (bst_install_open(dir, &in, err, errlen) != 0)
		return -1;
	bst_install_close(in);
	return 0;
}

int bst_install_open(const char *dir, struct bst_install **out, char *err, size_t errlen)
{
	*out = NULL;
	struct bst_install *in = calloc(1, sizeof *in);
	if (!in) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	bst_str_copy(in->dir, sizeof in->dir, dir);
	char path[600];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, MASTER_KEY_FILE);
	if (stat(path, &st) == 0 && (st.st_mode & 077)) {
		snprintf(err, errlen, "the master key %s is readable by others (chmod 600 it)",
			 path);
		goto fail;
	}
	if (read_master(dir, in->master, err, errlen) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/control.db", dir);
	if (bst_db_open(path, BST_DB_CONTROL, &in->control, err, errlen) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/keys.db", dir);
	if (bst_db_open(path, BST_DB_KEYS, &in->keys, err, errlen) != 0)
		goto fail;
	*out = in;
	return 0;
fail:
	bst_install_close(in);
	return -1;
}

void bst_install_close(struct bst_install *in)
{
	if (!in)
		return;
	bst_db_close(in->control);
	bst_db_close(in->keys);
	sodium_memzero(in->master, sizeof in->master);
	free(in);
}

int bst_install_key_create(struct bst_install *in, const char *slug,
			   uint8_t key[BST_KEY_BYTES], char *err, size_t errlen)
{
	bst_random(key, BST_KEY_BYTES);
	return bst_install_key_put(in, slug, key, err, errlen);
}

int bst_install_key_put(struct bst_install *in, const char *slug,
			const uint8_t key[BST_KEY_BYTES], char *err, size_t errlen)
{
	uint8_t wrapped[BST_WRAPPED_BYTES];
	char hex[2 * BST_WRAPPED_BYTES + 1];
	bst_key_wrap(in->master, key, slug, wrapped);
	bst_hex(wrapped, sizeof wrapped, hex);
	if (bst_q_key_insert(in->keys, slug, hex, bst_now_ms()) != BST_QS_ONE_RESULT) {
		snprintf(err, errlen, "cannot store the data key of platform %s", slug);
		return -1;
	}
	return 0;
}

int bst_install_key_load(struct bst_install *in, const char *slug,
			 uint8_t key[BST_KEY_BYTES], char *err, size_t errlen)
{
	char hex[2 * BST_WRAPPED_BYTES + 1];
	uint8_t wrapped[BST_WRAPPED_BYTES];
	size_t len = 0;
	if (bst_q_key_get(in->keys, slug, hex, sizeof hex) != BST_QS_ONE_RESULT) {
		snprintf(err, errlen, "the key store has no data key for platform %s", slug);
		return -1;
	}
	if (sodium_hex2bin(wrapped, sizeof wrapped, hex, strlen(hex), NULL, &len, NULL) != 0 ||
	    len != sizeof wrapped || bst_key_unwrap(in->master, wrapped, slug, key) != 0) {
		snprintf(err, errlen,
			 "the data key of platform %s does not open with this master key", slug);
		return -1;
	}
	return 0;
}
