/* Whole reads and writes (see fileio.h). */
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

int bst_write_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	while (len) {
		ssize_t n = write(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t bst_read_full(int fd, void *p, size_t len)
{
	char *c = p;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, c + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int bst_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static __thread int64_t walk_bytes, walk_files;

static int count_file(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)path, (void)ftw;
	if (flag == FTW_F) {
		walk_bytes += (int64_t)sb->st_size;
		walk_files++;
	}
	return 0;
}

int64_t bst_dir_bytes(const char *dir, int64_t *files)
{
	walk_bytes = walk_files = 0;
	nftw(dir, count_file, 16, FTW_PHYS);
	if (files)
		*files = walk_files;
	return walk_bytes;
}
