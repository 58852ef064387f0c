/* The installation's SSH key for SFTP pushes (see transfer_key.h), in
 * OpenSSH's formats (PROTOCOL.key of OpenSSH, RFC 8709 for ed25519):
 *   private: "openssh-key-v1\0", cipher "none", kdf "none", no kdf
 *            options, one key: its public blob, then the private section
 *            (two equal check words, "ssh-ed25519", the public key, the
 *            64-byte secret key, a comment, padding 1, 2, 3... to 8 bytes),
 *            base64 in 70-character lines between the PEM-style markers;
 *   public:  "ssh-ed25519 BASE64(blob) comment", the blob being the
 *            strings "ssh-ed25519" and the 32-byte public key.
 * Made with libsodium; unencrypted, as libcurl needs it, so the file's
 * mode (0600) and the data directory protect it as they do master.key. */
#include "ops/transfer_key.h"
#include "core/crypto.h"
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC       "openssh-key-v1"
#define KEY_TYPE    "ssh-ed25519"
#define COMMENT     "bastide-transfer"
#define BEGIN       "-----BEGIN OPENSSH PRIVATE KEY-----\n"
#define END         "-----END OPENSSH PRIVATE KEY-----\n"
#define LINE_CHARS  70
/* the public blob: two strings (4 + 11, 4 + 32) */
#define BLOB_BYTES  (4 + 11 + 4 + 32)
/* the whole binary key, padded: well under this */
#define BIN_MAX     512
#define TEXT_MAX    1024

/* one maker at a time in this process (the temporary names are per process) */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct wire {
	uint8_t *p;
	size_t len, cap;
};

static void put_u32(struct wire *w, uint32_t v)
{
	if (w->len + 4 > w->cap)
		return;
	w->p[w->len++] = (uint8_t)(v >> 24);
	w->p[w->len++] = (uint8_t)(v >> 16);
	w->p[w->len++] = (uint8_t)(v >> 8);
	w->p[w->len++] = (uint8_t)v;
}

static void put_bytes(struct wire *w, const void *b, size_t n)
{
	if (w->len + n > w->cap)
		return;
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void put_string(struct wire *w, const void *b, size_t n)
{
	put_u32(w, (uint32_t)n);
	put_bytes(w, b, n);
}

static void public_blob(const uint8_t pk[32], uint8_t blob[BLOB_BYTES])
{
	struct wire w = {blob, 0, BLOB_BYTES};
	put_string(&w, KEY_TYPE, strlen(KEY_TYPE));
	put_string(&w, pk, 32);
}

/* The private key file's text for (pk, sk); its length, 0 if it does not fit. */
static size_t private_text(const uint8_t pk[32], const uint8_t sk[64], char *out, size_t outlen)
{
	uint8_t bin[BIN_MAX], sec[256], blob[BLOB_BYTES];
	struct wire w = {bin, 0, sizeof bin}, s = {sec, 0, sizeof sec};
	uint32_t check;
	bst_random(&check, sizeof check);
	put_u32(&s, check);
	put_u32(&s, check);
	put_string(&s, KEY_TYPE, strlen(KEY_TYPE));
	put_string(&s, pk, 32);
	put_string(&s, sk, 64);
	put_string(&s, COMMENT, strlen(COMMENT));
	for (uint8_t pad = 1; s.len % 8; pad++)
		put_bytes(&s, &pad, 1);
	public_blob(pk, blob);
	put_bytes(&w, MAGIC, sizeof MAGIC); /* with its NUL */
	put_string(&w, "none", 4);
	put_string(&w, "none", 4);
	put_string(&w, "", 0);
	put_u32(&w, 1);
	put_string(&w, blob, sizeof blob);
	put_string(&w, sec, s.len);
	sodium_memzero(sec, sizeof sec);
	char b64[sodium_base64_ENCODED_LEN(BIN_MAX, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, bin, w.len, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(bin, sizeof bin);
	size_t n = strlen(b64), o = 0;
	size_t need = strlen(BEGIN) + n + n / LINE_CHARS + 1 + strlen(END) + 1;
	if (need > outlen) {
		sodium_memzero(b64, sizeof b64);
		return 0;
	}
	memcpy(out, BEGIN, strlen(BEGIN));
	o = strlen(BEGIN);
	for (size_t i = 0; i < n; i += LINE_CHARS) {
		size_t k = n - i < LINE_CHARS ? n - i : LINE_CHARS;
		memcpy(out + o, b64 + i, k);
		o += k;
		out[o++] = '\n';
	}
	memcpy(out + o, END, strlen(END));
	o += strlen(END);
	out[o] = '\0';
	sodium_memzero(b64, sizeof b64);
	return o;
}

/* The public key inside a private key file's text: 0, or -1 when the text
 * is not an unencrypted OpenSSH ed25519 key. */
static int public_of(const char *text, uint8_t pk[32])
{
	const char *a = strstr(text, BEGIN), *z = strstr(text, END);
	if (!a || !z || z < a)
		return -1;
	a += strlen(BEGIN);
	uint8_t bin[BIN_MAX];
	size_t len = 0;
	if (sodium_base642bin(bin, sizeof bin, a, (size_t)(z - a), "\n", &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	/* magic, "none", "none", "", one key, then the blob */
	static const uint8_t head[] = {'o', 'p', 'e', 'n', 's', 's', 'h', '-', 'k', 'e', 'y', '-',
				       'v', '1', 0,   0,   0,   0,   4,   'n', 'o', 'n', 'e', 0,
				       0,   0,   4,   'n', 'o', 'n', 'e', 0,   0,   0,   0,   0,
				       0,   0,   1,   0,   0,   0,   BLOB_BYTES};
	int rc = -1;
	if (len >= sizeof head + BLOB_BYTES && memcmp(bin, head, sizeof head) == 0) {
		uint8_t want[BLOB_BYTES];
		const uint8_t *blob = bin + sizeof head;
		memcpy(pk, blob + BLOB_BYTES - 32, 32);
		public_blob(pk, want);
		rc = memcmp(want, blob, BLOB_BYTES) == 0 ? 0 : -1;
	}
	sodium_memzero(bin, sizeof bin);
	return rc;
}

/* Writes text to a new file tmp (mode), then gives it the name path
 * unless path exists: 0 (ours), 1 (one was there), -1 (errno). */
static int publish(const char *tmp, const char *path, const char *text, mode_t mode,
		   bool replace)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	bool ok = bst_write_all(fd, text, strlen(text)) == 0 && fsync(fd) == 0;
	if (close(fd) != 0 || !ok) {
		unlink(tmp);
		return -1;
	}
	int rc = replace ? rename(tmp, path) : link(tmp, path);
	int saved = errno;
	if (!replace || rc != 0)
		unlink(tmp);
	if (rc != 0) {
		errno = saved;
		return saved == EEXIST && !replace ? 1 : -1;
	}
	return 0;
}

static int ensure(const char *data_dir, char *path, size_t pathlen,
		  char publine[BST_TRANSFER_PUBLINE_MAX + 1], char *fp, char *err, size_t errlen)
{
	char priv[600], pub[620], tmp[640];
	char text[TEXT_MAX];
	publine[0] = '\0';
	if (fp)
		fp[0] = '\0';
	snprintf(priv, sizeof priv, "%s/" BST_TRANSFER_KEY_FILE, data_dir);
	snprintf(pub, sizeof pub, "%s.pub", priv);
	if (path)
		snprintf(path, pathlen, "%s", priv);
	int fd = open(priv, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		uint8_t pk[32], sk[64];
		crypto_sign_keypair(pk, sk);
		size_t n = private_text(pk, sk, text, sizeof text);
		sodium_memzero(sk, sizeof sk);
		snprintf(tmp, sizeof tmp, "%s.%d.tmp", priv, (int)getpid());
		if (n == 0 || publish(tmp, priv, text, 0600, false) < 0) {
			snprintf(err, errlen, "cannot create the transfer key %s: %s", priv,
				 n == 0 ? "too long" : strerror(errno));
			sodium_memzero(text, sizeof text);
			return -1;
		}
		bst_fsync_dir(data_dir);
		fd = open(priv, O_RDONLY | O_CLOEXEC); /* ours, or another process's */
	}
	ssize_t n = fd >= 0 ? bst_read_full(fd, text, sizeof text - 1) : -1;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	uint8_t pk[32];
	if (n > 0)
		text[n] = '\0';
	if (n <= 0 || public_of(text, pk) != 0) {
		snprintf(err, errlen, "the transfer key %s is unreadable or not an ed25519 key: %s",
			 priv, n < 0 ? strerror(saved) : "not in OpenSSH's format");
		sodium_memzero(text, sizeof text);
		return -1;
	}
	sodium_memzero(text, sizeof text);
	uint8_t blob[BLOB_BYTES];
	public_blob(pk, blob);
	char b64[sodium_base64_ENCODED_LEN(BLOB_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
	snprintf(publine, BST_TRANSFER_PUBLINE_MAX + 1, KEY_TYPE " %s " COMMENT, b64);
	if (fp) {
		uint8_t h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, blob, sizeof blob);
		char hb[sodium_base64_ENCODED_LEN(sizeof h,
						  sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
		sodium_bin2base64(hb, sizeof hb, h, sizeof h,
				  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
		snprintf(fp, BST_TRANSFER_KEY_FP_MAX + 1, "SHA256:%s", hb);
	}
	/* the public line beside it, for libcurl and for people: always the
	 * private key's own (rewritten if missing or different) */
	char line[BST_TRANSFER_PUBLINE_MAX + 2], have[BST_TRANSFER_PUBLINE_MAX + 2] = "";
	snprintf(line, sizeof line, "%s\n", publine);
	int pfd = open(pub, O_RDONLY | O_CLOEXEC);
	if (pfd >= 0) {
		ssize_t k = bst_read_full(pfd, have, sizeof have - 1);
		have[k > 0 ? k : 0] = '\0';
		close(pfd);
	}
	if (strcmp(have, line) != 0) {
		snprintf(tmp, sizeof tmp, "%s.%d.tmp", pub, (int)getpid());
		if (publish(tmp, pub, line, 0644, true) != 0) {
			snprintf(err, errlen, "cannot write %s: %s", pub, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int bst_transfer_key_ensure(const char *data_dir, char *path, size_t pathlen,
			    char publine[BST_TRANSFER_PUBLINE_MAX + 1], char *fp, char *err,
			    size_t errlen)
{
	pthread_mutex_lock(&lock);
	int rc = ensure(data_dir, path, pathlen, publine, fp, err, errlen);
	pthread_mutex_unlock(&lock);
	return rc;
}
