/* The encrypted blob store: the files behind documents' versions (and,
 * later, avatars), under DATA/platforms/<slug>/blobs/, one file per blob,
 * named with random hex, immutable once written. Each file is encrypted
 * with a key derived from the platform's data key (libsodium
 * crypto_secretstream_xchacha20poly1305, BST_BLOB_CHUNK plaintext bytes
 * per message, the blob's name as associated data of the first message,
 * so that two files swapped on disk fail to decrypt); destroying the
 * platform's key makes every copy of its blobs noise. A blob is written
 * under a temporary name and renamed into place only once complete and
 * fsynced; its row in `blobs` (size and BLAKE2b of the plaintext) is
 * written then. Reading decrypts chunk by chunk: nothing here ever holds a
 * whole file in memory. This module decides nothing about who may read or
 * write: the services that own blobs (documents, avatars) do. A writer or
 * reader belongs to one thread at a time; distinct ones run in parallel. */
#ifndef BST_SOCIAL_BLOBS_H
#define BST_SOCIAL_BLOBS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tenant/context.h"

/* Plaintext bytes per secretstream message: large enough that the 17-byte
 * tag per message costs nothing, small enough to bound the memory of a
 * transfer (one chunk in each direction) (libsodium's documentation
 * suggests chunks of a few KiB to a few MiB). Measured: 64 KiB and 4 MiB
 * messages encrypt at the same speed, so it stays (it is part of the
 * on-disk format). */
#define BST_BLOB_CHUNK (64 * 1024)
/* 128 random bits per name: names never collide and cannot be guessed. */
#define BST_BLOB_NAME_BYTES 16
#define BST_BLOB_NAME_LEN (2 * BST_BLOB_NAME_BYTES)
/* BLAKE2b-256 of the plaintext, as hex. */
#define BST_BLOB_HASH_BYTES 32

/* ---- writing ---- */

struct bst_blob_writer;

/* Starts a blob of ctx's platform: creates the blobs directory if needed
 * and a temporary file in it. Returns 0, or -1 (logged). The caller ends
 * the writer with bst_blob_writer_finish and then _free, or with _abort. */
int bst_blob_writer_new(struct bst_ctx *ctx, struct bst_blob_writer **out);
/* Appends plaintext, encrypting every complete chunk as it fills.
 * Returns 0, or -1 after an I/O error (logged; the writer can only be
 * aborted). */
int bst_blob_writer_write(struct bst_blob_writer *w, const void *data, size_t len);
/* Plaintext bytes written so far. */
uint64_t bst_blob_writer_size(const struct bst_blob_writer *w);
/* Seals the blob: last chunk, fsync, rename into place, fsync of the
 * directory (done once), then inserts its row in the platform's `blobs`
 * table and sets *blob_id. Called inside a transaction the caller opened
 * on this thread (bst_db_transaction), the row joins it; if that
 * transaction is retried, call it again (only the row is written again).
 * Returns 0, or -1 (logged). */
int bst_blob_writer_finish(struct bst_blob_writer *w, int64_t *blob_id);
/* The sealed blob's name, size and BLAKE2b (hex), after a successful
 * finish. */
const char *bst_blob_writer_name(const struct bst_blob_writer *w);
const char *bst_blob_writer_hash(const struct bst_blob_writer *w);
/* Frees the writer, keeping the file: call after the row committed. */
void bst_blob_writer_free(struct bst_blob_writer *w);
/* Frees the writer and removes its file, temporary or (when the row of a
 * finish was rolled back) sealed. NULL does nothing. */
void bst_blob_writer_abort(struct bst_blob_writer *w);

/* ---- reading ---- */

struct bst_blob_reader;

/* Opens blob blob_id of ctx's platform for reading: reads its row and the
 * file's header. Returns 0, or -1 (unknown blob, missing or unreadable
 * file: logged loudly). The reader owns what it needs (it may outlive ctx,
 * e.g. in a response that libmicrohttpd sends after the handler returned);
 * free it with bst_blob_reader_free. */
int bst_blob_reader_open(struct bst_ctx *ctx, int64_t blob_id, struct bst_blob_reader **out);
/* The plaintext size recorded when the blob was written. */
uint64_t bst_blob_reader_size(const struct bst_blob_reader *r);
/* Reads up to len plaintext bytes, decrypting the next chunk when needed.
 * Returns the number of bytes read (> 0), 0 at the end (every chunk
 * authenticated, the final one seen, the size as recorded), or -1 when the
 * file is tampered with, truncated, swapped or unreadable: logged loudly,
 * and every later call returns -1 too. A chunk's bytes are only handed out
 * once the whole chunk authenticated, and the last chunk's only once the
 * size of the whole plaintext checked out. With len >= BST_BLOB_CHUNK a
 * chunk is decrypted straight into buf (buf is wiped when that fails). */
long bst_blob_read(struct bst_blob_reader *r, void *buf, size_t len);
/* Plaintext bytes handed out so far. */
uint64_t bst_blob_reader_offset(const struct bst_blob_reader *r);
/* Closes the file and wipes the key. NULL does nothing. */
void bst_blob_reader_free(struct bst_blob_reader *r);

/* ---- removal ---- */

/* Removes blob blob_id's file and row (a failed upload after its row was
 * committed; later, the purge of old deleted documents). The caller makes
 * sure nothing refers to it. Returns 0, or -1 (logged). */
int bst_blob_delete(struct bst_ctx *ctx, int64_t blob_id);
/* Removes the file of a blob whose row is already gone (the purge, after
 * its transaction committed). A missing file is no error. Returns 0, or
 * -1 (logged). */
int bst_blob_remove_file(struct bst_ctx *ctx, const char *name);
/* Removes the files of ctx's blob store that have no row and were last
 * written before `before` (ms): a crash between a file and its row, an
 * upload cut by a crash. Returns how many went, or -1 (logged). */
int bst_blob_sweep_orphans(struct bst_ctx *ctx, int64_t before);

#endif
