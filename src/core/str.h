/* Bounded string copies: what `snprintf(dst, size, "%s", src)` does,
 * without a trip through printf's machinery (rows are copied into fixed
 * fields many times per page). */
#ifndef BST_CORE_STR_H
#define BST_CORE_STR_H
#include <stddef.h>
#include <string.h>

/* Copies at most size - 1 bytes of src (NULL: "") into dst, always
 * terminated when size > 0. */
static inline void bst_str_copy(char *dst, size_t size, const char *src)
{
	if (size == 0)
		return;
	size_t n = src ? strnlen(src, size - 1) : 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

#endif
