/* A session of file operations on an SFTP server (the off-site backup
 * targets, src/ops/backup_target.c): put a file (under "<name>.part",
 * then renamed, so that a file is never seen half-written under its
 * name), get one, list a directory, remove files and directories, rename.
 * Key authentication with an ed25519 key; the server's host key pinned
 * (SHA-256), or nothing is done. One libcurl easy handle per session, so
 * that every operation reuses one SSH connection. Paths are relative to
 * the session's base directory and held to a small alphabet by the
 * caller (names Bastide makes: slugs, backup ids, hex); this module
 * refuses any other. Transient failures (a lost connection) are retried
 * a few times with back-off. One session per thread at a time. */
#ifndef BST_OPS_TRANSFER_SESSION_H
#define BST_OPS_TRANSFER_SESSION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/transfer.h"

struct bst_sftp;

/* Opens a session on u (its path is the base directory) and checks that
 * the server answers, is the one pinned, and accepts the key (by listing
 * the base directory, which the first put creates when missing). Returns
 * 0, or -1 with a sentence in err. */
int bst_sftp_open(const struct bst_transfer_url *u, const char *ssh_key,
		  const char *host_key_sha256, struct bst_sftp **out, char *err, size_t errlen);
void bst_sftp_close(struct bst_sftp *s);

/* Sends local_path as rel: to "rel.part" (missing directories created),
 * then renamed to rel, replacing a file of that name. Returns 0, or -1. */
int bst_sftp_put(struct bst_sftp *s, const char *local_path, const char *rel, char *err,
		 size_t errlen);
/* Writes the file rel to fd (at most max bytes). Returns 1, 0 when there
 * is no such file, or -1. */
int bst_sftp_get(struct bst_sftp *s, const char *rel, int fd, uint64_t max, char *err,
		 size_t errlen);
/* The names in directory rel ("" for the base), without "." and "..":
 * *names (the caller frees each and the array), *n. A missing directory
 * has no names. Returns 0, or -1. */
int bst_sftp_list(struct bst_sftp *s, const char *rel, char ***names, size_t *n, char *err,
		  size_t errlen);
/* Removes the files rels[0..n) (missing ones are fine), in batches on one
 * request each. Returns 0, or -1. */
int bst_sftp_remove(struct bst_sftp *s, char *const *rels, size_t n, char *err, size_t errlen);
/* Removes the empty directory rel (a missing one is fine). */
int bst_sftp_rmdir(struct bst_sftp *s, const char *rel, char *err, size_t errlen);
/* Renames from to to (to must not exist). */
int bst_sftp_rename(struct bst_sftp *s, const char *from, const char *to, char *err,
		    size_t errlen);

/* ---- transfer_names.c: pure ---- */
/* A relative path Bastide sends: letters, digits, "._-", segments
 * separated by '/', none empty, "." or "..", at most 250 bytes. */
bool bst_sftp_rel_ok(const char *rel);
/* The names of a directory listing (one per line, "\r\n" or "\n"),
 * without "." and ".." and lines holding a NUL: *names (the caller frees
 * each and the array), *n. Returns 0, or -1 (out of memory). */
int bst_sftp_parse_listing(const char *buf, size_t len, char ***names, size_t *n);

#endif
