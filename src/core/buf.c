/* Growable byte buffers (see buf.h). */
#include "core/buf.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bst_buf_init(bst_buf *b)
{
	memset(b, 0, sizeof *b);
}

void bst_buf_free(bst_buf *b)
{
	free(b->data);
	bst_buf_init(b);
}

void bst_buf_reset(bst_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = '\0';
}

static bool reserve(bst_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

bool bst_buf_append(bst_buf *b, const void *data, size_t len)
{
	if (!reserve(b, len))
		return false;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return true;
}

bool bst_buf_puts(bst_buf *b, const char *s)
{
	return bst_buf_append(b, s, strlen(s));
}

bool bst_buf_cat(bst_buf *b, const bst_buf *src)
{
	if (src->oom) {
		b->oom = true;
		return false;
	}
	return bst_buf_append(b, src->data ? src->data : "", src->len);
}

bool bst_buf_putc(bst_buf *b, char c)
{
	return bst_buf_append(b, &c, 1);
}

bool bst_buf_vprintf(bst_buf *b, const char *fmt, va_list ap)
{
	/* one pass when the text fits in what is left, which is the common
	 * case (measuring first costs as much as printing) */
	if (b->oom || !reserve(b, 64))
		return false;
	va_list ap2;
	va_copy(ap2, ap);
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->data + b->len, room, fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
		return true;
	}
	if (n < 0 || !reserve(b, (size_t)n)) {
		if (b->data)
			b->data[b->len] = '\0';
		b->oom = true;
		return false;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return true;
}

bool bst_buf_printf(bst_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = bst_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return ok;
}

const char *bst_buf_str(const bst_buf *b)
{
	return b->data ? b->data : "";
}

char *bst_buf_steal(bst_buf *b, size_t *len)
{
	if (!b->data && reserve(b, 0))
		b->data[0] = '\0';
	char *p = b->data;
	if (len)
		*len = b->len;
	bst_buf_init(b);
	return p;
}
