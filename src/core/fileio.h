/* File descriptors, read and written whole: the loops every writer of
 * files needs (short writes, EINTR), and the directory sync that makes a
 * rename durable. Thread-safe. */
#ifndef BST_CORE_FILEIO_H
#define BST_CORE_FILEIO_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Writes all len bytes of p; 0, or -1 with errno set. */
int bst_write_all(int fd, const void *p, size_t len);
/* Reads up to len bytes, fewer only at the end of the file: how many, or
 * -1 with errno set. */
ssize_t bst_read_full(int fd, void *p, size_t len);
/* fsyncs directory dir (after creating, renaming or removing in it): 0,
 * or -1 with errno set. */
int bst_fsync_dir(const char *dir);

/* The regular files under dir (not following links): their total size in
 * bytes, and their number in *files (may be NULL). 0 when dir is missing. */
int64_t bst_dir_bytes(const char *dir, int64_t *files);

#endif
