/* Files compiled into the binary by scripts/embed.py: the numbered
 * migrations and the static assets. Read-only, safe from any thread. */
#ifndef BST_CORE_EMBEDDED_H
#define BST_CORE_EMBEDDED_H
#include <stddef.h>

struct bst_embedded_file {
	const char *path;           /* relative to the source root */
	const unsigned char *data;  /* NUL-terminated for convenience */
	size_t len;
};

/* Terminated by an entry whose path is NULL. Sorted by path. */
extern const struct bst_embedded_file bst_embedded_files[];

#endif
