/* Whole reads and writes on file descriptors, retried across EINTR and
 * short transfers, and the fsync of a directory (after a rename into it).
 * Reentrant. */
#ifndef BST_CORE_FILEIO_H
#define BST_CORE_FILEIO_H
#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes. Returns 0, or -1 (errno set). */
int bst_write_all(int fd, const unsigned char *p, size_t len);
/* Reads up to len bytes, fewer only at the end of the file; -1 on error. */
ssize_t bst_read_full(int fd, unsigned char *p, size_t len);
/* Returns 0, or -1 (errno set). */
int bst_fsync_dir(const char *dir);

#endif
