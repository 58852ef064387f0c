/* One file of a backup ("an object"): a source file compressed with zstd
 * and then encrypted with libsodium's secretstream under a backup key,
 * with what the file is (platform and logical name) bound in as
 * associated data, so that an object moved to another name or another
 * platform fails to decrypt. While an object is written or read, the
 * BLAKE2b-256 and the size of its stored bytes are computed: what the
 * manifest lists and verification compares. Nothing here decides where
 * objects go or which key applies (backup.c does); no secret is logged.
 * Functions are reentrant: distinct calls run in parallel. */
#ifndef BST_OPS_BACKUP_FILE_H
#define BST_OPS_BACKUP_FILE_H
#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"

/* BLAKE2b-256 of the stored bytes, as hex. */
#define BST_BACKUP_HASH_BYTES 32
#define BST_BACKUP_HASH_HEX (2 * BST_BACKUP_HASH_BYTES + 1)

/* The key that encrypts a platform's backups, derived from its data key
 * (the data key itself only ever encrypts through purpose-bound subkeys),
 * and the key of the installation's control database, derived from the
 * master key. */
void bst_backup_key_platform(const uint8_t data_key[BST_KEY_BYTES], uint8_t out[BST_KEY_BYTES]);
void bst_backup_key_control(const uint8_t master[BST_KEY_BYTES], uint8_t out[BST_KEY_BYTES]);
/* The key of the key-store replicas on the off-site targets (keys.db and
 * the installation's signing key), derived from the master key. */
void bst_backup_key_replica(const uint8_t master[BST_KEY_BYTES], uint8_t out[BST_KEY_BYTES]);

/* Database chunks are recognised across backups by a keyed BLAKE2b-256 of
 * their plaintext, keyed with a subkey of the scope's backup key: without
 * the key, equal chunks cannot be told apart from the manifest (which is
 * signed, not encrypted). */
#define BST_BACKUP_MAC_KEY_BYTES 32
void bst_backup_key_chunk_mac(const uint8_t backup_key[BST_KEY_BYTES],
			       uint8_t out[BST_BACKUP_MAC_KEY_BYTES]);
/* The keyed BLAKE2b-256 of len bytes of data, as hex. */
void bst_backup_chunk_mac(const uint8_t mac_key[BST_BACKUP_MAC_KEY_BYTES], const void *data,
			  size_t len, char out[BST_BACKUP_HASH_HEX]);

struct bst_backup_obj {
	uint64_t stored_size; /* bytes of the object file */
	uint64_t plain_size;  /* bytes of the source file */
	char hash[BST_BACKUP_HASH_HEX]; /* of the object file */
};

/* Called after every chunk with the plaintext bytes handled so far (the
 * progress counter). May be NULL. */
typedef void (*bst_backup_progress_fn)(void *cls, uint64_t bytes);

/* Compresses and encrypts src into a new file dst (created 0600,
 * O_EXCL, fsynced). scope is the platform slug (or "_control"), name the
 * logical name ("main.db", "blob:<name>"). Fills *out. Returns 0, or -1
 * with a sentence in err (dst is removed). */
int bst_backup_file_write(const char *src, const char *dst, const uint8_t key[BST_KEY_BYTES],
			  const char *scope, const char *name, int level,
			  bst_backup_progress_fn progress, void *cls, struct bst_backup_obj *out,
			  char *err, size_t errlen);

/* The same from len bytes of memory (a database chunk); no progress. */
int bst_backup_file_write_mem(const void *data, size_t len, const char *dst,
			      const uint8_t key[BST_KEY_BYTES], const char *scope,
			      const char *name, int level, struct bst_backup_obj *out, char *err,
			      size_t errlen);

/* Reads object src back: hashes its stored bytes, decrypts, decompresses
 * and writes the plaintext to dst (created 0600, fsynced), or only checks
 * it when dst is NULL. Fills *out with what it saw. Returns 0, or -1 with
 * a sentence in err naming the problem (unreadable, not an object, does
 * not decrypt, truncated, trailing bytes, corrupt compressed data); dst
 * is removed then. The caller compares *out with the manifest. */
int bst_backup_file_read(const char *src, const char *dst, const uint8_t key[BST_KEY_BYTES],
			 const char *scope, const char *name, struct bst_backup_obj *out,
			 char *err, size_t errlen);

/* Receives plaintext as bst_backup_file_read_to decrypts it; returns 0,
 * or -1 with a sentence in err to stop the read. */
typedef int (*bst_backup_sink_fn)(void *cls, const void *p, size_t len, char *err,
				  size_t errlen);
/* As bst_backup_file_read, handing the plaintext to sink (may be NULL)
 * instead of writing a file. Plaintext handed over before a failure is
 * not to be trusted. */
int bst_backup_file_read_to(const char *src, const uint8_t key[BST_KEY_BYTES],
			    const char *scope, const char *name, bst_backup_sink_fn sink,
			    void *cls, struct bst_backup_obj *out, char *err, size_t errlen);

#endif
