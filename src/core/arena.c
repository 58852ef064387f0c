/* Per-request arenas (see arena.h): a chain of blocks, bump allocation. */
#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192

struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct bst_arena {
	struct block *head;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fputs("bastide: out of memory\n", stderr);
		abort();
	}
	return p;
}

bst_arena *bst_arena_new(void)
{
	bst_arena *a = xmalloc(sizeof *a);
	a->head = NULL;
	return a;
}

void bst_arena_free(bst_arena *a)
{
	if (!a)
		return;
	struct block *b = a->head;
	while (b) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *bst_arena_alloc(bst_arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct block *b = a->head;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > ARENA_BLOCK / 2 ? size : ARENA_BLOCK;
		struct block *nb = xmalloc(sizeof *nb + cap);
		nb->used = 0;
		nb->cap = cap;
		if (b && size > ARENA_BLOCK / 2) {
			/* keep bumping in the current block; big one goes behind */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *bst_arena_strndup(bst_arena *a, const char *s, size_t n)
{
	char *p = bst_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *bst_arena_strdup(bst_arena *a, const char *s)
{
	return s ? bst_arena_strndup(a, s, strlen(s)) : NULL;
}

char *bst_arena_printf(bst_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return bst_arena_strdup(a, "");
	char *p = bst_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
