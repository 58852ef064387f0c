/* Backup objects (see backup_file.h).
 *
 * Format: "BSTBAK01" (8 bytes), the secretstream header (24 bytes), then
 * messages, each carrying CHUNK bytes of the zstd stream (the last one 0
 * to CHUNK bytes, tagged FINAL; nothing may follow it). The first message
 * has "bastide-backup-v1", the scope and the logical name (each followed
 * by a NUL) as associated data. */
#include "ops/backup_file.h"
#include "core/fileio.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define MAGIC "BSTBAK01"
#define MAGIC_LEN 8
#define HEADER_LEN crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
/* Compressed bytes per message: as for document blobs (BST_BLOB_CHUNK),
 * 64 KiB bounds memory and makes the 17-byte tag negligible. */
#define CHUNK (64 * 1024)
#define IN_CHUNK (128 * 1024)
/* Purpose-bound subkeys (libsodium crypto_kdf): "bstbckup" for backups,
 * id 1 under a platform's data key, id 2 (the control database) and 16
 * (the key-store replicas) under the master key; id 3 under a scope's
 * backup key for the keyed hash of database chunks. */
#define KDF_CONTEXT "bstbckup"
#define KDF_ID_PLATFORM 1
#define KDF_ID_CONTROL 2
#define KDF_ID_CHUNK_MAC 3
#define KDF_ID_REPLICA 16

static_assert(sizeof(KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES, "KDF context is 8 bytes");
static_assert(BST_BACKUP_MAC_KEY_BYTES >= crypto_generichash_KEYBYTES_MIN &&
		      BST_BACKUP_MAC_KEY_BYTES <= crypto_generichash_KEYBYTES_MAX,
	      "a BLAKE2b key");
static_assert(BST_KEY_BYTES == crypto_secretstream_xchacha20poly1305_KEYBYTES,
	      "backup keys are secretstream keys");

void bst_backup_key_platform(const uint8_t data_key[BST_KEY_BYTES], uint8_t out[BST_KEY_BYTES])
{
	crypto_kdf_derive_from_key(out, BST_KEY_BYTES, KDF_ID_PLATFORM, KDF_CONTEXT, data_key);
}

void bst_backup_key_control(const uint8_t master[BST_KEY_BYTES], uint8_t out[BST_KEY_BYTES])
{
	crypto_kdf_derive_from_key(out, BST_KEY_BYTES, KDF_ID_CONTROL, KDF_CONTEXT, master);
}

void bst_backup_key_replica(const uint8_t master[BST_KEY_BYTES], uint8_t out[BST_KEY_BYTES])
{
	crypto_kdf_derive_from_key(out, BST_KEY_BYTES, KDF_ID_REPLICA, KDF_CONTEXT, master);
}

void bst_backup_key_chunk_mac(const uint8_t backup_key[BST_KEY_BYTES],
			       uint8_t out[BST_BACKUP_MAC_KEY_BYTES])
{
	crypto_kdf_derive_from_key(out, BST_BACKUP_MAC_KEY_BYTES, KDF_ID_CHUNK_MAC, KDF_CONTEXT,
				   backup_key);
}

void bst_backup_chunk_mac(const uint8_t mac_key[BST_BACKUP_MAC_KEY_BYTES], const void *data,
			  size_t len, char out[BST_BACKUP_HASH_HEX])
{
	unsigned char digest[BST_BACKUP_HASH_BYTES];
	crypto_generichash(digest, sizeof digest, data, len, mac_key, BST_BACKUP_MAC_KEY_BYTES);
	bst_hex(digest, sizeof digest, out);
}

static size_t make_ad(unsigned char *ad, size_t cap, const char *scope, const char *name)
{
	int n = snprintf((char *)ad, cap, "bastide-backup-v1%c%s%c%s%c", 0, scope, 0, name, 0);
	return n > 0 && (size_t)n < cap ? (size_t)n : cap;
}

struct writer {
	int fd;
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_generichash_state h;
	unsigned char ad[600];
	size_t ad_len;
	bool first;
	uint64_t stored;
	unsigned char comp[CHUNK];
	size_t comp_len;
	unsigned char cipher[CHUNK + ABYTES];
};

static int put(struct writer *w, const unsigned char *p, size_t len)
{
	crypto_generichash_update(&w->h, p, len);
	w->stored += len;
	return bst_write_all(w->fd, p, len);
}

static int seal(struct writer *w, unsigned char tag)
{
	unsigned long long clen = 0;
	crypto_secretstream_xchacha20poly1305_push(&w->st, w->cipher, &clen, w->comp, w->comp_len,
						   w->first ? w->ad : NULL,
						   w->first ? w->ad_len : 0, tag);
	w->first = false;
	w->comp_len = 0;
	return put(w, w->cipher, (size_t)clen);
}

/* Where bst_backup_file_write's plaintext comes from: a file, or memory. */
struct source {
	int fd; /* -1: mem */
	const unsigned char *mem;
	size_t len, off;
};

static ssize_t source_read(struct source *s, unsigned char *buf, size_t cap)
{
	if (s->fd >= 0)
		return bst_read_full(s->fd, buf, cap);
	size_t n = s->len - s->off < cap ? s->len - s->off : cap;
	memcpy(buf, s->mem + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static int write_object(struct source *s, const char *what, const char *dst,
			const uint8_t key[BST_KEY_BYTES], const char *scope, const char *name,
			int level, bst_backup_progress_fn progress, void *cls,
			struct bst_backup_obj *out, char *err, size_t errlen)
{
	int rc = -1;
	ZSTD_CCtx *cc = NULL;
	unsigned char *inbuf = NULL;
	struct writer *w = sodium_malloc(sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(w, 0, sizeof *w);
	w->fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", dst, strerror(errno));
		goto cleanup;
	}
	cc = ZSTD_createCCtx();
	inbuf = malloc(IN_CHUNK);
	if (!cc || !inbuf) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, level);
	if (s->fd < 0) /* its size known: zstd sizes its tables to it */
		ZSTD_CCtx_setPledgedSrcSize(cc, s->len);
	crypto_generichash_init(&w->h, NULL, 0, BST_BACKUP_HASH_BYTES);
	unsigned char header[HEADER_LEN];
	crypto_secretstream_xchacha20poly1305_init_push(&w->st, header, key);
	w->ad_len = make_ad(w->ad, sizeof w->ad, scope, name);
	w->first = true;
	if (put(w, (const unsigned char *)MAGIC, MAGIC_LEN) != 0 ||
	    put(w, header, sizeof header) != 0)
		goto io_error;
	for (;;) {
		ssize_t n = source_read(s, inbuf, IN_CHUNK);
		if (n < 0) {
			snprintf(err, errlen, "cannot read %s: %s", what, strerror(errno));
			goto cleanup;
		}
		out->plain_size += (uint64_t)n;
		ZSTD_EndDirective mode = n == 0 ? ZSTD_e_end : ZSTD_e_continue;
		ZSTD_inBuffer ib = {inbuf, (size_t)n, 0};
		for (;;) {
			ZSTD_outBuffer ob = {w->comp + w->comp_len, CHUNK - w->comp_len, 0};
			size_t left = ZSTD_compressStream2(cc, &ob, &ib, mode);
			if (ZSTD_isError(left)) {
				snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(left));
				goto cleanup;
			}
			w->comp_len += ob.pos;
			if (w->comp_len == CHUNK && seal(w, 0) != 0)
				goto io_error;
			if (mode == ZSTD_e_continue ? ib.pos == ib.size : left == 0)
				break;
		}
		if (progress)
			progress(cls, out->plain_size);
		if (n == 0)
			break;
	}
	if (seal(w, crypto_secretstream_xchacha20poly1305_TAG_FINAL) != 0 || fsync(w->fd) != 0)
		goto io_error;
	unsigned char digest[BST_BACKUP_HASH_BYTES];
	crypto_generichash_final(&w->h, digest, sizeof digest);
	bst_hex(digest, sizeof digest, out->hash);
	out->stored_size = w->stored;
	rc = 0;
	goto cleanup;
io_error:
	snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
cleanup:
	if (w->fd >= 0 && close(w->fd) != 0 && rc == 0) {
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
		rc = -1;
	}
	if (rc != 0 && w->fd >= 0)
		unlink(dst);
	ZSTD_freeCCtx(cc);
	free(inbuf);
	sodium_free(w);
	return rc;
}

int bst_backup_file_write(const char *src, const char *dst, const uint8_t key[BST_KEY_BYTES],
			  const char *scope, const char *name, int level,
			  bst_backup_progress_fn progress, void *cls, struct bst_backup_obj *out,
			  char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct source s = {.fd = open(src, O_RDONLY | O_CLOEXEC)};
	if (s.fd < 0) {
		snprintf(err, errlen, "cannot read %s: %s", src, strerror(errno));
		return -1;
	}
	int rc = write_object(&s, src, dst, key, scope, name, level, progress, cls, out, err,
			      errlen);
	close(s.fd);
	return rc;
}

int bst_backup_file_write_mem(const void *data, size_t len, const char *dst,
			      const uint8_t key[BST_KEY_BYTES], const char *scope,
			      const char *name, int level, struct bst_backup_obj *out, char *err,
			      size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct source s = {.fd = -1, .mem = data, .len = len};
	return write_object(&s, name, dst, key, scope, name, level, NULL, NULL, out, err, errlen);
}

struct reader {
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_generichash_state h;
	unsigned char ad[600];
	unsigned char cipher[CHUNK + ABYTES];
	unsigned char plain[CHUNK];
};

static int read_object(const char *src, const uint8_t key[BST_KEY_BYTES], const char *scope,
		       const char *name, bst_backup_sink_fn sink, void *cls,
		       struct bst_backup_obj *out, char *err, size_t errlen)
{
	int rc = -1;
	int in = -1;
	ZSTD_DCtx *dc = NULL;
	unsigned char *obuf = NULL;
	size_t ocap = ZSTD_DStreamOutSize();
	struct reader *r = sodium_malloc(sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	crypto_generichash_init(&r->h, NULL, 0, BST_BACKUP_HASH_BYTES);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		snprintf(err, errlen, "%s: %s", name, errno == ENOENT ? "missing" : strerror(errno));
		goto cleanup;
	}
	dc = ZSTD_createDCtx();
	obuf = malloc(ocap);
	if (!dc || !obuf) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	unsigned char head[MAGIC_LEN + HEADER_LEN];
	ssize_t n = bst_read_full(in, head, sizeof head);
	if (n < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", name, strerror(errno));
		goto cleanup;
	}
	crypto_generichash_update(&r->h, head, (size_t)n);
	out->stored_size += (uint64_t)n;
	if ((size_t)n < sizeof head || memcmp(head, MAGIC, MAGIC_LEN) != 0 ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&r->st, head + MAGIC_LEN, key) != 0) {
		snprintf(err, errlen, "%s: not a backup file (bad header)", name);
		goto cleanup;
	}
	size_t ad_len = make_ad(r->ad, sizeof r->ad, scope, name);
	bool first = true, final = false;
	size_t zleft = 1; /* 0 once the zstd frame is complete */
	while (!final) {
		n = bst_read_full(in, r->cipher, sizeof r->cipher);
		if (n < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", name, strerror(errno));
			goto cleanup;
		}
		crypto_generichash_update(&r->h, r->cipher, (size_t)n);
		out->stored_size += (uint64_t)n;
		unsigned long long plen = 0;
		unsigned char tag = 0;
		if (n < (ssize_t)ABYTES) {
			snprintf(err, errlen, "%s: truncated", name);
			goto cleanup;
		}
		if (crypto_secretstream_xchacha20poly1305_pull(&r->st, r->plain, &plen, &tag, r->cipher,
							       (unsigned long long)n,
							       first ? r->ad : NULL,
							       first ? ad_len : 0) != 0) {
			snprintf(err, errlen,
				 "%s: does not decrypt (altered, moved, or another key)", name);
			goto cleanup;
		}
		first = false;
		final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
		if (!final && (size_t)n < sizeof r->cipher) {
			snprintf(err, errlen, "%s: truncated", name);
			goto cleanup;
		}
		ZSTD_inBuffer ib = {r->plain, (size_t)plen, 0};
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = {obuf, ocap, 0};
			zleft = ZSTD_decompressStream(dc, &ob, &ib);
			if (ZSTD_isError(zleft)) {
				snprintf(err, errlen, "%s: corrupt compressed data (%s)", name,
					 ZSTD_getErrorName(zleft));
				goto cleanup;
			}
			out->plain_size += ob.pos;
			if (sink && sink(cls, obuf, ob.pos, err, errlen) != 0)
				goto cleanup;
		}
	}
	unsigned char extra;
	if (bst_read_full(in, &extra, 1) != 0) {
		snprintf(err, errlen, "%s: bytes after the end", name);
		goto cleanup;
	}
	if (zleft != 0) {
		snprintf(err, errlen, "%s: compressed data truncated", name);
		goto cleanup;
	}
	rc = 0;
cleanup:;
	unsigned char digest[BST_BACKUP_HASH_BYTES];
	crypto_generichash_final(&r->h, digest, sizeof digest);
	bst_hex(digest, sizeof digest, out->hash);
	if (in >= 0)
		close(in);
	ZSTD_freeDCtx(dc);
	free(obuf);
	sodium_free(r);
	return rc;
}

struct fd_sink {
	int fd;
	const char *path;
};

static int to_fd(void *cls, const void *p, size_t len, char *err, size_t errlen)
{
	struct fd_sink *s = cls;
	if (bst_write_all(s->fd, p, len) == 0)
		return 0;
	snprintf(err, errlen, "cannot write %s: %s", s->path, strerror(errno));
	return -1;
}

int bst_backup_file_read(const char *src, const char *dst, const uint8_t key[BST_KEY_BYTES],
			 const char *scope, const char *name, struct bst_backup_obj *out,
			 char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!dst)
		return read_object(src, key, scope, name, NULL, NULL, out, err, errlen);
	struct fd_sink s = {open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), dst};
	if (s.fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", dst, strerror(errno));
		return -1;
	}
	int rc = read_object(src, key, scope, name, to_fd, &s, out, err, errlen);
	if (rc == 0 && fsync(s.fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
		rc = -1;
	}
	if (close(s.fd) != 0 && rc == 0) {
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(dst);
	return rc;
}

int bst_backup_file_read_to(const char *src, const uint8_t key[BST_KEY_BYTES],
			    const char *scope, const char *name, bst_backup_sink_fn sink,
			    void *cls, struct bst_backup_obj *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	return read_object(src, key, scope, name, sink, cls, out, err, errlen);
}
