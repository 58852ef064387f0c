/* The encrypted blob store (see blobs.h).
 *
 * File format: "BSTBLOB1" (8 bytes), the secretstream header (24 bytes),
 * then messages. Every message but the last carries BST_BLOB_CHUNK
 * plaintext bytes and the tag MESSAGE; the last carries 0 to
 * BST_BLOB_CHUNK bytes and the tag FINAL, and nothing follows it. The
 * first message has the magic and the blob's name as associated data. The
 * writer only encrypts a full chunk once more data arrives, so the last
 * chunk is always known to be the last when it is sealed. */
#include "social/blobs.h"
#include "core/fileio.h"
#include "core/log.h"
#include "db/q_documents.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "BSTBLOB1"
#define MAGIC_LEN 8
#define HEADER_LEN crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define CIPHER_CHUNK (BST_BLOB_CHUNK + ABYTES)
/* The blob key is derived from the platform's data key, so that the data
 * key itself encrypts nothing but through a purpose-bound subkey (the same
 * key also signs CSRF tokens and seals second-factor seeds). */
#define KDF_CONTEXT "bstblobs"
#define KDF_SUBKEY_ID 1

static_assert(BST_KEY_BYTES == crypto_kdf_KEYBYTES, "platform keys are KDF master keys");
static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == 32, "blob keys are 32 bytes");
static_assert(sizeof(KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES, "KDF context is 8 bytes");
static_assert(BST_BLOB_HASH_BYTES >= crypto_generichash_BYTES_MIN &&
		      BST_BLOB_HASH_BYTES <= crypto_generichash_BYTES_MAX,
	      "BLAKE2b output size");

/* Write-back of a blob being written is started every this many bytes,
 * so that the one fsync at the end finds little left to write (the
 * durability point stays that fsync). */
#define WRITEBACK_STEP (8 * 1024 * 1024)
/* Messages gathered before one write() (about 1 MiB) for files larger than
 * a chunk: writes of 64 KiB cost the page cache about half again as much
 * time per byte as writes of 1 MiB (measured with dd on ext4). */
#define OUT_CHUNKS 16
#define OUT_CAP (OUT_CHUNKS * CIPHER_CHUNK)

/* libsodium's hash state wants 64-byte alignment: writers and readers are
 * allocated with it. */
#define STATE_ALIGN 64

/* Hashing the plaintext costs as much as encrypting it: a file larger than
 * one chunk is hashed on a helper thread, chunk by chunk, while this
 * thread encrypts and writes the same chunk (both only read it). */
struct hasher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	crypto_generichash_state *hash;
	const unsigned char *buf; /* the chunk to hash; NULL: idle */
	size_t len;
	bool quit;
};

struct bst_blob_writer {
	crypto_generichash_state hash; /* first: aligned */
	crypto_secretstream_xchacha20poly1305_state st;
	struct bst_platform *platform;
	struct hasher *hasher; /* NULL: hashed on this thread */
	unsigned char *out;    /* OUT_CAP bytes once the file is larger than a chunk */
	size_t out_len;
	int fd;
	bool first;   /* the next message is the first */
	bool failed;
	bool sealed;  /* renamed into place */
	bool big;     /* larger than a chunk: helper and out tried */
	uint64_t size;
	uint64_t synced; /* bytes of the file whose write-back was started */
	uint64_t written;
	size_t plain_len;
	int cur;         /* which plain buffer is being filled */
	int64_t now;
	char name[BST_BLOB_NAME_LEN + 1];
	char hash_hex[2 * BST_BLOB_HASH_BYTES + 1];
	char dir[640];
	char tmp_path[700];
	char path[700];
	unsigned char plain[2][BST_BLOB_CHUNK]; /* one filled, one hashed */
	unsigned char cipher[CIPHER_CHUNK];
};

struct bst_blob_reader {
	crypto_secretstream_xchacha20poly1305_state st;
	int fd;
	bool first;
	bool final_seen;
	bool failed;
	int64_t blob_id;
	uint64_t size;      /* recorded */
	uint64_t decrypted; /* bytes of plaintext authenticated so far */
	uint64_t offset;    /* bytes handed out */
	size_t plain_len, plain_off;
	char slug[BST_SLUG_MAX + 1];
	char name[BST_BLOB_NAME_LEN + 1];
	unsigned char plain[BST_BLOB_CHUNK];
	unsigned char cipher[CIPHER_CHUNK];
};

static void *alloc_aligned(size_t size)
{
	size_t rounded = (size + STATE_ALIGN - 1) / STATE_ALIGN * STATE_ALIGN;
	void *p = aligned_alloc(STATE_ALIGN, rounded);
	if (p)
		memset(p, 0, rounded);
	return p;
}

static void blob_key(const struct bst_platform *p, unsigned char key[32])
{
	crypto_kdf_derive_from_key(key, 32, KDF_SUBKEY_ID, KDF_CONTEXT, p->key);
}

/* DATA/platforms/<slug>/blobs */
static int blobs_dir(struct bst_ctx *ctx, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/platforms/%s/blobs", ctx->install->dir,
			 ctx->platform->slug);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* A name as the store writes them: lower-case hex of the right length
 * (what a row says is checked before it becomes a path). */
static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n != BST_BLOB_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return true;
}

/* ---- writing ---- */

int bst_blob_writer_new(struct bst_ctx *ctx, struct bst_blob_writer **out)
{
	*out = NULL;
	struct bst_blob_writer *w = alloc_aligned(sizeof *w);
	if (!w) {
		bst_log_error("platform %s: out of memory for a blob writer", ctx->platform->slug);
		return -1;
	}
	w->fd = -1;
	w->platform = ctx->platform;
	w->now = ctx->now;
	w->first = true;
	if (blobs_dir(ctx, w->dir, sizeof w->dir) != 0) {
		bst_log_error("platform %s: blob directory path too long", ctx->platform->slug);
		goto fail;
	}
	if (mkdir(w->dir, 0700) != 0 && errno != EEXIST) {
		bst_log_error("platform %s: cannot create %s: %s", ctx->platform->slug, w->dir,
			      strerror(errno));
		goto fail;
	}
	unsigned char raw[BST_BLOB_NAME_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(w->name, sizeof w->name, raw, sizeof raw);
	snprintf(w->path, sizeof w->path, "%s/%s", w->dir, w->name);
	snprintf(w->tmp_path, sizeof w->tmp_path, "%s/%s.part", w->dir, w->name);
	w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd < 0) {
		bst_log_error("platform %s: cannot create %s: %s", ctx->platform->slug, w->tmp_path,
			      strerror(errno));
		goto fail;
	}
	unsigned char key[32];
	unsigned char header[MAGIC_LEN + HEADER_LEN];
	memcpy(header, MAGIC, MAGIC_LEN);
	blob_key(ctx->platform, key);
	crypto_secretstream_xchacha20poly1305_init_push(&w->st, header + MAGIC_LEN, key);
	sodium_memzero(key, sizeof key);
	crypto_generichash_init(&w->hash, NULL, 0, BST_BLOB_HASH_BYTES);
	if (bst_write_all(w->fd, header, sizeof header) != 0) {
		bst_log_error("platform %s: cannot write %s: %s", ctx->platform->slug, w->tmp_path,
			      strerror(errno));
		bst_blob_writer_abort(w);
		return -1;
	}
	*out = w;
	return 0;
fail:
	if (w->fd >= 0)
		close(w->fd);
	sodium_memzero(w, sizeof *w);
	free(w);
	return -1;
}

/* ---- the helper thread that hashes ---- */

static void *hasher_main(void *cls)
{
	struct hasher *h = cls;
	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->buf && !h->quit)
			pthread_cond_wait(&h->cond, &h->lock);
		if (!h->buf)
			break; /* quit, nothing left */
		const unsigned char *buf = h->buf;
		size_t len = h->len;
		pthread_mutex_unlock(&h->lock);
		crypto_generichash_update(h->hash, buf, len);
		pthread_mutex_lock(&h->lock);
		h->buf = NULL;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* Waits until the helper hashed what it was given. */
static void hasher_wait(struct hasher *h)
{
	pthread_mutex_lock(&h->lock);
	while (h->buf)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

/* Hands buf to the helper (idle: the caller waited). */
static void hasher_give(struct hasher *h, const unsigned char *buf, size_t len)
{
	pthread_mutex_lock(&h->lock);
	assert(!h->buf);
	h->buf = buf;
	h->len = len;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

/* Starts the helper; NULL when a thread cannot be had (the writer then
 * hashes on its own thread: slower, same result). */
static struct hasher *hasher_start(crypto_generichash_state *hash)
{
	struct hasher *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->hash = hash;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	if (pthread_create(&h->thread, NULL, hasher_main, h) != 0) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

/* Lets the helper finish what it was given, and ends it. NULL does
 * nothing. */
static void hasher_stop(struct hasher *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->quit = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* ---- encrypting ---- */

/* Starts write-back of what was written since the last call, without
 * waiting for it (Linux): the final fsync then has little left to do. */
static void start_writeback(struct bst_blob_writer *w)
{
#if defined(SYNC_FILE_RANGE_WRITE) && !defined(NO_WB)
	if (w->written - w->synced < WRITEBACK_STEP)
		return;
	/* advisory: an error here shows again at the fsync that decides */
	(void)sync_file_range(w->fd, (off_t)w->synced, (off_t)(w->written - w->synced),
			      SYNC_FILE_RANGE_WRITE);
	w->synced = w->written;
#else
	(void)w;
#endif
}

/* Writes the gathered messages. */
static int write_out(struct bst_blob_writer *w, const unsigned char *p, size_t len)
{
	if (bst_write_all(w->fd, p, len) != 0) {
		bst_log_error("platform %s: cannot write %s: %s", w->platform->slug, w->tmp_path,
			      strerror(errno));
		w->failed = true;
		return -1;
	}
	w->written += len;
	start_writeback(w);
	return 0;
}

/* Encrypts the chunk being filled as one message, gathered with others
 * for one write when the file is larger than a chunk; its plaintext is
 * hashed meanwhile (by the helper when there is one), and the other
 * buffer is filled next. */
static int flush(struct bst_blob_writer *w, unsigned char tag)
{
	unsigned long long clen = 0;
	unsigned char ad[MAGIC_LEN + BST_BLOB_NAME_LEN];
	const unsigned char *plain = w->plain[w->cur];
	bool last = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	if (!last && !w->big) { /* more than a chunk: worth a thread and a buffer */
		w->big = true;
		w->out = malloc(OUT_CAP); /* NULL: each message written alone */
		w->hasher = hasher_start(&w->hash);
	}
	if (w->hasher) {
		hasher_wait(w->hasher); /* the previous chunk: the state is free */
		hasher_give(w->hasher, plain, w->plain_len);
	} else {
		crypto_generichash_update(&w->hash, plain, w->plain_len);
	}
	unsigned char *dst = w->out ? w->out + w->out_len : w->cipher;
	memcpy(ad, MAGIC, MAGIC_LEN);
	memcpy(ad + MAGIC_LEN, w->name, BST_BLOB_NAME_LEN);
	crypto_secretstream_xchacha20poly1305_push(&w->st, dst, &clen, plain, w->plain_len,
						   w->first ? ad : NULL, w->first ? sizeof ad : 0,
						   tag);
	w->first = false;
	w->plain_len = 0;
	w->cur = !w->cur; /* filled while the helper hashes this one */
	if (!w->out)
		return write_out(w, dst, (size_t)clen);
	w->out_len += (size_t)clen;
	if (!last && w->out_len + CIPHER_CHUNK <= OUT_CAP)
		return 0;
	size_t n = w->out_len;
	w->out_len = 0;
	return write_out(w, w->out, n);
}

int bst_blob_writer_write(struct bst_blob_writer *w, const void *data, size_t len)
{
	if (w->failed || w->sealed)
		return -1;
	const unsigned char *p = data;
	w->size += len;
	while (len) {
		/* a full chunk is sealed only once more data shows it is not the last */
		if (w->plain_len == BST_BLOB_CHUNK &&
		    flush(w, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) != 0)
			return -1;
		size_t n = BST_BLOB_CHUNK - w->plain_len;
		if (n > len)
			n = len;
		memcpy(w->plain[w->cur] + w->plain_len, p, n);
		w->plain_len += n;
		p += n;
		len -= n;
	}
	return 0;
}

uint64_t bst_blob_writer_size(const struct bst_blob_writer *w)
{
	return w->size;
}

static int seal(struct bst_blob_writer *w)
{
	const char *slug = w->platform->slug;
	int rc = flush(w, crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	hasher_stop(w->hasher); /* every chunk hashed */
	w->hasher = NULL;
	if (rc != 0)
		return -1;
	if (fsync(w->fd) != 0) {
		bst_log_error("platform %s: cannot fsync %s: %s", slug, w->tmp_path, strerror(errno));
		return -1;
	}
	rc = close(w->fd);
	w->fd = -1;
	if (rc != 0) {
		bst_log_error("platform %s: cannot close %s: %s", slug, w->tmp_path, strerror(errno));
		return -1;
	}
	if (rename(w->tmp_path, w->path) != 0) {
		bst_log_error("platform %s: cannot rename %s: %s", slug, w->tmp_path, strerror(errno));
		return -1;
	}
	w->sealed = true;
	if (bst_fsync_dir(w->dir) != 0) {
		bst_log_error("platform %s: cannot fsync %s: %s", slug, w->dir, strerror(errno));
		return -1;
	}
	unsigned char digest[BST_BLOB_HASH_BYTES];
	crypto_generichash_final(&w->hash, digest, sizeof digest);
	sodium_bin2hex(w->hash_hex, sizeof w->hash_hex, digest, sizeof digest);
	return 0;
}

int bst_blob_writer_finish(struct bst_blob_writer *w, int64_t *blob_id)
{
	*blob_id = 0;
	if (w->failed)
		return -1;
	if (!w->sealed && seal(w) != 0) {
		w->failed = true;
		return -1;
	}
	if (w->size > INT64_MAX)
		return -1;
	if (bst_q_blob_insert(w->platform->main, w->name, (int64_t)w->size, w->hash_hex, w->now,
			      blob_id) != BST_QS_ONE_RESULT) {
		bst_log_error("platform %s: cannot record blob %s", w->platform->slug, w->name);
		*blob_id = 0;
		return -1;
	}
	return 0;
}

const char *bst_blob_writer_name(const struct bst_blob_writer *w)
{
	return w->name;
}

const char *bst_blob_writer_hash(const struct bst_blob_writer *w)
{
	return w->hash_hex;
}

static void writer_release(struct bst_blob_writer *w)
{
	hasher_stop(w->hasher);
	if (w->out) {
		sodium_memzero(w->out, OUT_CAP);
		free(w->out);
	}
	if (w->fd >= 0)
		close(w->fd);
	sodium_memzero(w, sizeof *w);
	free(w);
}

void bst_blob_writer_free(struct bst_blob_writer *w)
{
	if (w)
		writer_release(w);
}

void bst_blob_writer_abort(struct bst_blob_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0) {
		close(w->fd);
		w->fd = -1;
	}
	const char *path = w->sealed ? w->path : w->tmp_path;
	if (unlink(path) != 0 && errno != ENOENT)
		bst_log_error("platform %s: cannot remove %s: %s", w->platform->slug, path,
			      strerror(errno));
	writer_release(w);
}

/* ---- reading ---- */

static void reader_fail(struct bst_blob_reader *r, const char *why)
{
	if (!r->failed)
		bst_log_error("SECURITY: platform %s: blob %s (id %lld) %s at plaintext byte %llu: "
			      "it was tampered with, truncated or swapped on disk; the transfer is "
			      "cut",
			      r->slug, r->name, (long long)r->blob_id, why,
			      (unsigned long long)r->decrypted);
	r->failed = true;
	sodium_memzero(r->plain, sizeof r->plain);
	r->plain_len = r->plain_off = 0;
}

int bst_blob_reader_open(struct bst_ctx *ctx, int64_t blob_id, struct bst_blob_reader **out)
{
	*out = NULL;
	const char *slug = ctx->platform->slug;
	struct bst_blob_row row;
	enum bst_qs qs = bst_q_blob_get(ctx->platform->main, blob_id, &row);
	if (qs != BST_QS_ONE_RESULT) {
		if (qs == BST_QS_NO_RESULTS)
			bst_log_error("platform %s: blob %lld has no row", slug, (long long)blob_id);
		return -1;
	}
	if (!name_ok(row.name) || row.size < 0) {
		bst_log_error("SECURITY: platform %s: blob %lld has a malformed row", slug,
			      (long long)blob_id);
		return -1;
	}
	struct bst_blob_reader *r = alloc_aligned(sizeof *r);
	if (!r)
		return -1;
	r->fd = -1;
	r->first = true;
	r->blob_id = blob_id;
	r->size = (uint64_t)row.size;
	snprintf(r->slug, sizeof r->slug, "%s", slug);
	snprintf(r->name, sizeof r->name, "%.*s", BST_BLOB_NAME_LEN, row.name);
	char dir[640], path[640 + BST_Q_BLOB_NAME_LEN + 2];
	if (blobs_dir(ctx, dir, sizeof dir) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/%s", dir, r->name);
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (r->fd < 0) {
		bst_log_error("SECURITY: platform %s: blob %s cannot be opened: %s", slug, r->name,
			      strerror(errno));
		goto fail;
	}
	unsigned char header[MAGIC_LEN + HEADER_LEN];
	unsigned char key[32];
	if (bst_read_full(r->fd, header, sizeof header) != (ssize_t)sizeof header ||
	    memcmp(header, MAGIC, MAGIC_LEN) != 0) {
		bst_log_error("SECURITY: platform %s: blob %s has no valid header", slug, r->name);
		goto fail;
	}
	blob_key(ctx->platform, key);
	int rc = crypto_secretstream_xchacha20poly1305_init_pull(&r->st, header + MAGIC_LEN, key);
	sodium_memzero(key, sizeof key);
	if (rc != 0) {
		bst_log_error("SECURITY: platform %s: blob %s has an invalid header", slug, r->name);
		goto fail;
	}
	/* read once, front to back */
	(void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	*out = r;
	return 0;
fail:
	bst_blob_reader_free(r);
	return -1;
}

uint64_t bst_blob_reader_size(const struct bst_blob_reader *r)
{
	return r->size;
}

uint64_t bst_blob_reader_offset(const struct bst_blob_reader *r)
{
	return r->offset;
}

/* Decrypts and checks the next message into dst (r->plain, or the
 * caller's buffer when it holds a whole chunk: one copy less). The stream
 * is authenticated by the AEAD alone: every message is, in order (a
 * message moved, dropped or replayed fails), the first one with the blob's
 * name (a file swapped fails), and the end is the FINAL tag (a truncated
 * file fails); the recorded size is checked too. The BLAKE2b of the row is
 * not recomputed: it would prove nothing more and doubled the cost of a
 * download. Returns the plaintext length, or -1. */
static long next_chunk(struct bst_blob_reader *r, unsigned char *dst)
{
	ssize_t n = bst_read_full(r->fd, r->cipher, CIPHER_CHUNK);
	if (n < 0) {
		reader_fail(r, "could not be read");
		return -1;
	}
	if ((size_t)n < ABYTES) {
		reader_fail(r, "ends before its final chunk");
		return -1;
	}
	unsigned char ad[MAGIC_LEN + BST_BLOB_NAME_LEN];
	memcpy(ad, MAGIC, MAGIC_LEN);
	memcpy(ad + MAGIC_LEN, r->name, BST_BLOB_NAME_LEN);
	unsigned long long mlen = 0;
	unsigned char tag = 0;
	/* libsodium checks the tag before it writes any plaintext to dst */
	if (crypto_secretstream_xchacha20poly1305_pull(&r->st, dst, &mlen, &tag, r->cipher,
						       (unsigned long long)n,
						       r->first ? ad : NULL,
						       r->first ? sizeof ad : 0) != 0) {
		reader_fail(r, "failed authentication");
		return -1;
	}
	r->first = false;
	r->decrypted += mlen;
	if (tag == crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
		if (mlen != BST_BLOB_CHUNK || r->decrypted >= r->size) {
			reader_fail(r, "has a chunk out of place");
			return -1;
		}
		return (long)mlen;
	}
	if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		reader_fail(r, "has an unexpected chunk tag");
		return -1;
	}
	r->final_seen = true;
	unsigned char extra;
	if (bst_read_full(r->fd, &extra, 1) != 0) {
		reader_fail(r, "has data after its final chunk");
		return -1;
	}
	if (r->decrypted != r->size) {
		reader_fail(r, "does not match its recorded size");
		return -1;
	}
	return (long)mlen;
}

long bst_blob_read(struct bst_blob_reader *r, void *buf, size_t len)
{
	if (r->failed)
		return -1;
	while (r->plain_off == r->plain_len) {
		if (r->final_seen)
			return 0;
		if (len >= BST_BLOB_CHUNK) {
			/* straight into the caller's buffer */
			long m = next_chunk(r, buf);
			if (m < 0) {
				sodium_memzero(buf, len);
				return -1;
			}
			r->offset += (uint64_t)m;
			if (m > 0)
				return m;
			continue; /* an empty final chunk */
		}
		long m = next_chunk(r, r->plain);
		if (m < 0)
			return -1;
		r->plain_len = (size_t)m;
		r->plain_off = 0;
	}
	size_t n = r->plain_len - r->plain_off;
	if (n > len)
		n = len;
	if (n > (size_t)LONG_MAX)
		n = (size_t)LONG_MAX;
	memcpy(buf, r->plain + r->plain_off, n);
	r->plain_off += n;
	r->offset += n;
	return (long)n;
}

void bst_blob_reader_free(struct bst_blob_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	sodium_memzero(r, sizeof *r);
	free(r);
}

/* ---- removal ---- */

int bst_blob_remove_file(struct bst_ctx *ctx, const char *name)
{
	if (!name_ok(name))
		return -1;
	char dir[640], path[640 + BST_Q_BLOB_NAME_LEN + 2];
	if (blobs_dir(ctx, dir, sizeof dir) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (unlink(path) != 0 && errno != ENOENT) {
		bst_log_error("platform %s: cannot remove %s: %s", ctx->platform->slug, path,
			      strerror(errno));
		return -1;
	}
	return 0;
}

int bst_blob_delete(struct bst_ctx *ctx, int64_t blob_id)
{
	struct bst_blob_row row;
	enum bst_qs qs = bst_q_blob_get(ctx->platform->main, blob_id, &row);
	if (qs == BST_QS_NO_RESULTS)
		return 0;
	if (qs != BST_QS_ONE_RESULT || bst_blob_remove_file(ctx, row.name) != 0)
		return -1;
	if (bst_q_blob_delete(ctx->platform->main, blob_id) < 0)
		return -1;
	return 0;
}

/* Is entry a file this store wrote: a blob's name, or one with ".part"
 * (a temporary file)? *part says which. */
static bool store_file(const char *entry, bool *part)
{
	size_t n = strlen(entry);
	char name[BST_BLOB_NAME_LEN + 1];
	*part = n == BST_BLOB_NAME_LEN + 5 && strcmp(entry + BST_BLOB_NAME_LEN, ".part") == 0;
	if (n != BST_BLOB_NAME_LEN && !*part)
		return false;
	memcpy(name, entry, BST_BLOB_NAME_LEN);
	name[BST_BLOB_NAME_LEN] = '\0';
	return name_ok(name);
}

int bst_blob_sweep_orphans(struct bst_ctx *ctx, int64_t before)
{
	const char *slug = ctx->platform->slug;
	char dir[640];
	if (blobs_dir(ctx, dir, sizeof dir) != 0)
		return -1;
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0; /* nothing stored yet */
		bst_log_error("platform %s: cannot read %s: %s", slug, dir, strerror(errno));
		return -1;
	}
	int removed = 0, rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		bool part;
		struct stat st;
		if (!store_file(e->d_name, &part) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue; /* not ours: left alone */
		int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
		if (mtime >= before)
			continue; /* maybe a row about to be written */
		if (!part) {
			enum bst_qs qs = bst_q_blob_known(ctx->platform->main, e->d_name);
			if (qs != BST_QS_NO_RESULTS) {
				if (qs < 0)
					rc = -1;
				continue;
			}
		}
		if (unlinkat(dirfd(d), e->d_name, 0) != 0) {
			bst_log_error("platform %s: cannot remove %s/%s: %s", slug, dir, e->d_name,
				      strerror(errno));
			rc = -1;
			continue;
		}
		bst_log_warn("platform %s: removed %s/%s, a file of the blob store with no row "
			     "(an upload cut by a crash)",
			     slug, dir, e->d_name);
		removed++;
	}
	closedir(d);
	return rc < 0 ? -1 : removed;
}
