/* The installation's own SSH key for pushing to clients' SFTP servers
 * (issue 6, the back office's destination): one ed25519 key pair, made
 * once, DATA/transfer_ed25519 (0600, OpenSSH's private key format, which
 * libssh2 and ssh-keygen read) and DATA/transfer_ed25519.pub (the line a
 * client puts in authorized_keys). ed25519 because Debian's libcurl signs
 * RSA keys with SHA-1, which OpenSSH 9 refuses (docs/export.md). The
 * private key never leaves its file: this module writes it and reads only
 * its public half back. An existing key is never replaced. Thread-safe
 * (and safe between processes: the key appears under its name whole, by
 * link(2), or not at all). */
#ifndef BST_OPS_TRANSFER_KEY_H
#define BST_OPS_TRANSFER_KEY_H
#include <stddef.h>

#define BST_TRANSFER_KEY_FILE "transfer_ed25519"
/* "ssh-ed25519 " + 68 base64 characters + " " + the comment */
#define BST_TRANSFER_PUBLINE_MAX 128
/* "SHA256:" + 43 base64 characters, as ssh-keygen -l prints it */
#define BST_TRANSFER_KEY_FP_MAX 51

/* Makes the key pair under data_dir unless it exists. path (may be NULL)
 * gets the private key's file name; publine its public line, without a
 * newline; fp (may be NULL, BST_TRANSFER_KEY_FP_MAX + 1 bytes) its
 * fingerprint. 0, or -1 with a sentence in err. */
int bst_transfer_key_ensure(const char *data_dir, char *path, size_t pathlen,
			    char publine[BST_TRANSFER_PUBLINE_MAX + 1], char *fp, char *err,
			    size_t errlen);

#endif
