/* Growable byte buffers: the one way Bastide builds strings and bodies.
 * A buffer owns its memory; bst_buf_free releases it. Allocation failure is
 * sticky (buf->oom) so a caller can append many times and check once.
 * Not thread-safe: a buffer belongs to one request or one task. */
#ifndef BST_CORE_BUF_H
#define BST_CORE_BUF_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct bst_buf {
	char *data;  /* always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
	bool oom;
} bst_buf;

void bst_buf_init(bst_buf *b);
void bst_buf_free(bst_buf *b);
void bst_buf_reset(bst_buf *b); /* keeps the allocation */
bool bst_buf_append(bst_buf *b, const void *data, size_t len);
bool bst_buf_puts(bst_buf *b, const char *s);
/* Appends src's bytes (cheaper than printing a long "%s"). */
bool bst_buf_cat(bst_buf *b, const bst_buf *src);
bool bst_buf_putc(bst_buf *b, char c);
bool bst_buf_printf(bst_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool bst_buf_vprintf(bst_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The contents as a C string ("" when empty); stays owned by the buffer. */
const char *bst_buf_str(const bst_buf *b);
/* Hands the allocation to the caller (free() it); the buffer is emptied. */
char *bst_buf_steal(bst_buf *b, size_t *len);

#endif
