/* SHA-256, streamed: what exports and transfers publish for their clients
 * to check with sha256sum. Through libgcrypt, which uses the CPU's SHA
 * instructions where there are some (about 1.8 GB/s here, against
 * 0.3 GB/s for libsodium's portable version: the difference is seconds on
 * a gigabyte export); libgcrypt comes with gpgme already. Thread-safe
 * (one state per thread). */
#ifndef BST_CORE_SHA256_H
#define BST_CORE_SHA256_H
#include <stddef.h>

#define BST_SHA256_BYTES 32

struct bst_sha256 {
	void *md; /* libgcrypt's handle; NULL after a failed start */
};

/* 0, or -1 (out of memory: the digest then reads as zeros). */
int bst_sha256_init(struct bst_sha256 *s);
void bst_sha256_update(struct bst_sha256 *s, const void *data, size_t len);
/* The digest; frees the state. */
void bst_sha256_final(struct bst_sha256 *s, unsigned char out[BST_SHA256_BYTES]);
/* The same, as 64 lower-case hex digits and a NUL. */
void bst_sha256_final_hex(struct bst_sha256 *s, char out[2 * BST_SHA256_BYTES + 1]);

#endif
