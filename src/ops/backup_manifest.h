/* The manifest of a backup: which files and document blobs make it up,
 * with the size and BLAKE2b-256 of each stored object, signed with the
 * installation's Ed25519 key (DATA/audit.key, the key that signs the
 * access trail's checkpoints). A manifest read back from disk (or, later,
 * from an off-site target) is untrusted input: its signature is checked
 * before it is parsed, and the parser accepts only the exact shape written
 * here (tests/fuzz/fuzz_manifest.c). Pure functions; thread-safe. */
#ifndef BST_OPS_BACKUP_MANIFEST_H
#define BST_OPS_BACKUP_MANIFEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/backup_file.h"

#define BST_MANIFEST_FORMAT "bastide-backup-1"
/* What the signature covers: this, then the manifest's bytes. */
#define BST_MANIFEST_SIG_CONTEXT "bastide-backup-manifest-v1\n"
/* "20250131T023000Z": the UTC second the backup started, its directory name */
#define BST_BACKUP_ID_LEN 16
/* The scope of the control database's backups (not a valid slug). */
#define BST_BACKUP_CONTROL_SCOPE "_control"
/* A manifest larger than this is refused unread (about a million blobs). */
#define BST_MANIFEST_MAX_BYTES (256u << 20)
#define BST_MANIFEST_MAX_FILES 4

struct bst_manifest_file {
	char name[16];  /* "main.db", "audit.db", "control.db" */
	uint64_t size;  /* stored bytes */
	uint64_t plain_size;
	char hash[BST_BACKUP_HASH_HEX];
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
	size_t n_files;
	struct bst_manifest_file files[BST_MANIFEST_MAX_FILES];
	size_t n_blobs, cap_blobs;
	struct bst_manifest_blob *blobs; /* sorted by name once parsed */
};

/* Adds a blob entry (growing the array). Returns 0 or -1 (out of memory). */
int bst_manifest_add_blob(struct bst_manifest *m, const struct bst_manifest_blob *b);
/* Frees the blob array (the struct itself is the caller's). */
void bst_manifest_clear(struct bst_manifest *m);
/* Calls fn for every object of objects/ the manifest refers to (its
 * stored hash, which names it, and size), stopping at the first non-zero
 * return, which it returns. The same object may come more than once. */
int bst_manifest_each_object(const struct bst_manifest *m,
			     int (*fn)(void *cls, const char *hash, uint64_t size), void *cls);
/* Total stored bytes the manifest refers to. */
uint64_t bst_manifest_size(const struct bst_manifest *m);

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
