/* An installation: its data directory, the control database, the key store
 * and the master key (the key-encryption key that wraps every platform's
 * data key). Owns those handles; one per process, shared by every thread
 * after bst_install_open returns. */
#ifndef BST_TENANT_INSTALL_H
#define BST_TENANT_INSTALL_H
#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"
#include "db/store.h"

struct bst_install {
	char dir[512];
	bst_db *control;
	bst_db *keys;
	uint8_t master[BST_KEY_BYTES];
};

/* `bastide init`: creates dir, master.key (0600), control.db, keys.db.
 * Idempotent; never overwrites an existing master key. *created tells
 * whether a new key was made. Returns 0, or -1 with a sentence in err. */
int bst_install_init(const char *dir, int *created, char *err, size_t errlen);
/* Opens an initialised installation. The caller bst_install_close()s it. */
int bst_install_open(const char *dir, struct bst_install **out, char *err, size_t errlen);
void bst_install_close(struct bst_install *in);

/* The data key of a platform: generated and stored wrapped at creation,
 * unwrapped at load. Return 0, or -1 with a sentence in err. */
int bst_install_key_create(struct bst_install *in, const char *slug,
			   uint8_t key[BST_KEY_BYTES], char *err, size_t errlen);
/* Stores key as slug's data key (a restore side by side: the copy keeps
 * the data key its backup and sealed secrets were made under). */
int bst_install_key_put(struct bst_install *in, const char *slug,
			const uint8_t key[BST_KEY_BYTES], char *err, size_t errlen);
int bst_install_key_load(struct bst_install *in, const char *slug,
			 uint8_t key[BST_KEY_BYTES], char *err, size_t errlen);

#endif
