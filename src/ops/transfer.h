/* The transfer of a file to a client's server (issue 6, "The transfer"):
 * SFTP with key authentication and the server's host key pinned, or FTP
 * with explicit TLS required (AUTH TLS) and the server's certificate
 * verified against a CA file or a pinned public key. This module owns
 * libcurl's upload use (the mail sender keeps its own SMTP use); nothing
 * else in Bastide uploads files. It never sends a byte without the
 * server's identity checked, never sends a password in clear, and never
 * leaves a half-sent file under the final name: the bytes go to
 * "<name>.part", resumed when a partial one of the same file is there,
 * checked for size, then renamed, with "<name>.sha256" beside it.
 * Not thread-safe per call (one transfer per calling thread); it calls
 * curl_global_init, so call it first from the main thread. */
#ifndef BST_OPS_TRANSFER_H
#define BST_OPS_TRANSFER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bst_transfer_proto { BST_TRANSFER_SFTP, BST_TRANSFER_FTPS };

/* Longest accepted pieces of a URL. The file name leaves room for the
 * ".sha256" suffix within the 255 bytes most file systems allow. */
#define BST_TRANSFER_USER_MAX 64
#define BST_TRANSFER_HOST_MAX 253
#define BST_TRANSFER_PATH_MAX 1024
#define BST_TRANSFER_NAME_MAX 240

struct bst_transfer_url {
	enum bst_transfer_proto proto;
	char user[BST_TRANSFER_USER_MAX + 1];
	char host[BST_TRANSFER_HOST_MAX + 3]; /* an IPv6 address keeps its brackets */
	unsigned port;
	/* from the first '/' after the authority, as in the URL; the last
	 * segment names the file */
	char path[BST_TRANSFER_PATH_MAX + 1];
};

/* Parses url strictly: "sftp://USER@HOST[:PORT]/PATH" or
 * "ftps://USER@HOST[:PORT]/PATH" (explicit TLS on the FTP port, 21 by
 * default; 22 for SFTP). No password in the URL (it would reach logs and
 * the trail), no query, fragment, percent-encoding, "." or ".." segment or
 * empty segment; the path names a file. "ftp://" is refused: the sentence
 * says to use ftps://. 0, or -1 with a sentence in err. */
int bst_transfer_parse_url(const char *url, struct bst_transfer_url *out, char *err,
			   size_t errlen);

/* The URL as Bastide shows and records it (it holds no secret). */
void bst_transfer_url_format(const struct bst_transfer_url *u, char *out, size_t outlen);

/* How to prove who we are and check who the server is. Strings are file
 * names, except the two pins. */
struct bst_transfer_auth {
	const char *ssh_key;         /* SFTP: an unencrypted private key (ed25519) */
	const char *host_key_sha256; /* SFTP: base64, as ssh-keygen -lf prints it after
				      * "SHA256:" (the prefix is accepted) */
	const char *password_file;   /* FTPS: the password on its first line */
	const char *password;        /* FTPS: or the password itself (a caller that
				      * keeps it sealed need not write it to disk) */
	const char *ca_file;         /* FTPS: CA certificates (PEM) */
	const char *pinned_key;      /* FTPS: "sha256//BASE64[;sha256//BASE64...]" */
};

/* Checks that auth fits the protocol (and the pins' syntax) before any
 * work is done: 0, or -1 with a sentence in err. */
int bst_transfer_check_auth(const struct bst_transfer_url *u,
			    const struct bst_transfer_auth *auth, char *err,
			    size_t errlen);

struct bst_transfer_result {
	int64_t size;         /* of the file, as checked on the server */
	int64_t resumed_from; /* bytes found already there in "<name>.part" */
	int64_t sent;         /* bytes of the file sent by this call */
	int attempts;         /* of the upload step, 1 when nothing failed */
	char sha256[65];      /* hex, as written to "<name>.sha256" */
};

/* Sends local_path to u: "<name>.part" (appended to when a partial copy
 * of this same file is there), its size checked, "<name>.sha256" written
 * (sha256sum format), then "<name>.part" renamed to "<name>". Refuses when
 * "<name>" exists already. Transient failures (connection lost, timeouts)
 * are retried with back-off, a bounded number of times; others (the
 * server's identity, authentication, permissions) are not. progress: a
 * progress line on stderr. Returns 0 and fills res (may be NULL), or -1
 * with a sentence in err (never a secret). */
int bst_transfer_push(const char *local_path, const struct bst_transfer_url *u,
		      const struct bst_transfer_auth *auth, bool progress,
		      struct bst_transfer_result *res, char *err, size_t errlen);

/* How a push is going, for whoever shows it (the terminal bar, the back
 * office): done bytes of the file are on the server out of total, in
 * upload attempt number attempt (from 1); end is true once per attempt,
 * when its upload stopped, sent whole or not. Called on the pushing
 * thread, at most every 250 ms in between; it must not block. */
typedef void (*bst_transfer_progress_fn)(void *cls, int64_t done, int64_t total, int attempt,
					 bool end);

/* bst_transfer_push reporting to fn(cls) (NULL: nothing) instead of a
 * bar on stderr. */
int bst_transfer_push_cb(const char *local_path, const struct bst_transfer_url *u,
			 const struct bst_transfer_auth *auth, bst_transfer_progress_fn fn,
			 void *cls, struct bst_transfer_result *res, char *err, size_t errlen);

#endif
