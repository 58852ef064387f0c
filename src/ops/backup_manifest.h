/* The manifest of a backup: which databases (as chunks) and document
 * blobs make it up, with the size and BLAKE2b-256 of each stored object,
 * signed with the installation's Ed25519 key (DATA/audit.key, the key
 * that signs the access trail's checkpoints). A manifest read back from disk (or, later,
 * from an off-site target) is untrusted input: its signature is checked
 * before it is parsed, and the parser accepts only the exact shape written
 * here (tests/fuzz/fuzz_manifest.c). Pure functions; thread-safe. */
#ifndef BST_OPS_BACKUP_MANIFEST_H
#define BST_OPS_BACKUP_MANIFEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/backup_file.h"

#define BST_MANIFEST_FORMAT "bastide-backup-2"
/* What the signature covers: this, then the manifest's bytes. */
#define BST_MANIFEST_SIG_CONTEXT "bastide-backup-manifest-v1\n"
/* "20250131T023000Z": the UTC second the backup started, its directory name */
#define BST_BACKUP_ID_LEN 16
/* The scope of the control database's backups (not a valid slug). */
#define BST_BACKUP_CONTROL_SCOPE "_control"
/* A manifest larger than this is refused unread (about a million blobs,
 * or a million chunks: a terabyte of databases in 1 MiB chunks). */
#define BST_MANIFEST_MAX_BYTES (256u << 20)
#define BST_MANIFEST_MAX_DBS 4
/* Chunk sizes a manifest may declare: powers of two from 64 KiB (the
 * largest SQLite page, so that a chunk is always whole pages) to 64 MiB. */
#define BST_MANIFEST_CHUNK_MIN (64u << 10)
#define BST_MANIFEST_CHUNK_MAX (64u << 20)

/* One piece of a database: chunk_size bytes of its snapshot (the last one
 * fewer), stored as an object under the name "chunk:<mac>", which an
 * other database or a later backup of the same scope may share. */
struct bst_manifest_chunk {
	char mac[BST_BACKUP_HASH_HEX];  /* keyed BLAKE2b of the plaintext */
	char hash[BST_BACKUP_HASH_HEX]; /* the object's BLAKE2b, also its name */
	uint64_t size;                  /* stored bytes of its object */
};

struct bst_manifest_db {
	char name[16];  /* "main.db", "audit.db", "control.db" */
	uint64_t plain_size;
	uint32_t chunk_size;
	size_t n_chunks, cap_chunks;
	struct bst_manifest_chunk *chunks; /* in order */
};

struct bst_manifest_blob {
	char name[33];  /* the blob's file name in the platform's store */
	uint64_t size;  /* stored bytes of its object */
	char hash[BST_BACKUP_HASH_HEX]; /* the object's BLAKE2b, also its name */
};

struct bst_manifest {
	char scope[48]; /* platform slug, or BST_BACKUP_CONTROL_SCOPE */
	char id[BST_BACKUP_ID_LEN + 1];
	int64_t created_ms;
	uint64_t written; /* bytes of objects this backup wrote (not reused) */
	int64_t duration_ms;
	size_t n_dbs;
	struct bst_manifest_db dbs[BST_MANIFEST_MAX_DBS];
	size_t n_blobs, cap_blobs;
	struct bst_manifest_blob *blobs; /* sorted by name once parsed */
};

/* Adds a blob entry (growing the array). Returns 0 or -1 (out of memory). */
int bst_manifest_add_blob(struct bst_manifest *m, const struct bst_manifest_blob *b);
/* Appends a chunk to database d (growing its array). Returns 0 or -1. */
int bst_manifest_add_chunk(struct bst_manifest_db *d, const struct bst_manifest_chunk *c);
/* Frees the blob and chunk arrays (the struct itself is the caller's). */
void bst_manifest_clear(struct bst_manifest *m);
/* Calls fn once for every distinct object of objects/ the manifest refers
 * to (blobs' and chunks'; its stored hash, which names it, and its size),
 * in the order of their hashes; stops at the first non-zero return of fn
 * and returns it. Returns 0, or -1 when out of memory. What an off-site
 * copy must hold, and what prune keeps. */
int bst_manifest_each_object(const struct bst_manifest *m,
			     int (*fn)(void *cls, const char *hash, uint64_t size), void *cls);
/* Total stored bytes of the distinct objects the manifest refers to. */
uint64_t bst_manifest_size(const struct bst_manifest *m);
/* Chunks listed, counting repeats. */
size_t bst_manifest_n_chunks(const struct bst_manifest *m);

/* The manifest as JSON (NUL-terminated; the caller frees it). NULL when
 * out of memory. */
char *bst_manifest_dump(const struct bst_manifest *m);
/* Parses JSON text (len bytes, no NUL needed) into *m (cleared first).
 * Returns 0, or -1 with the first problem in err. On success the caller
 * bst_manifest_clear()s m. */
int bst_manifest_parse(const char *text, size_t len, struct bst_manifest *m, char *err,
		       size_t errlen);

/* A valid id: digits in the shape of BST_BACKUP_ID_LEN "YYYYMMDDTHHMMSSZ",
 * a real date; sets *ms to that second. */
bool bst_backup_id_parse(const char *id, int64_t *ms);
void bst_backup_id_format(int64_t ms, char out[BST_BACKUP_ID_LEN + 1]);

/* Detached Ed25519 signature over BST_MANIFEST_SIG_CONTEXT || text, as hex
 * (128 characters). */
#define BST_MANIFEST_SIG_HEX 129
void bst_manifest_sign(const char *text, size_t len, const uint8_t sk[64],
		       char out[BST_MANIFEST_SIG_HEX]);
/* true when sig_hex (surrounding white space ignored) is a valid
 * signature of text under pk. */
bool bst_manifest_check(const char *text, size_t len, const char *sig_hex, size_t sig_len,
			const uint8_t pk[32]);

#endif
