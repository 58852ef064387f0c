/* OpenPGP encryption for the client (gpgme; this module alone talks to
 * it): a stream of bytes written in, an OpenPGP message written to a file
 * descriptor out, readable with stock `gpg --decrypt`. To the client's
 * public key (imported into a throwaway keyring, trusted because the
 * operator named the file), or symmetrically with a passphrase the client
 * supplied. gpg runs as a child of gpgme in its own home directory, made
 * for the occasion (mode 0700) and removed after, with its agent. The
 * bytes pass through a pipe to gpgme's thread: nothing plaintext is
 * written anywhere. One writer per stream; not thread-safe otherwise. */
#ifndef BST_OPS_PGP_H
#define BST_OPS_PGP_H
#include <stddef.h>

struct bst_pgp;

/* Starts encrypting to the public key(s) in keyfile (binary or armored).
 * NULL with a sentence in err. */
struct bst_pgp *bst_pgp_to_key(const char *keyfile, int out_fd, char *err, size_t errlen);
/* Starts encrypting with the passphrase on the first line of passfile. */
struct bst_pgp *bst_pgp_with_passphrase(const char *passfile, int out_fd, char *err,
					size_t errlen);
/* The same, from memory: an armored or binary public key (len bytes), or
 * the passphrase itself (at least 12 characters). */
struct bst_pgp *bst_pgp_to_key_data(const void *key, size_t len, int out_fd, char *err,
				    size_t errlen);
struct bst_pgp *bst_pgp_with_passphrase_text(const char *passphrase, int out_fd, char *err,
					     size_t errlen);
/* 0, or -1 once encryption has failed (bst_pgp_finish says why). */
int bst_pgp_write(struct bst_pgp *p, const void *data, size_t len);
/* Ends the message and frees p: 0, or -1 with a sentence in err. */
int bst_pgp_finish(struct bst_pgp *p, char *err, size_t errlen);

#endif
