/* Per-request arenas: many small allocations freed together.
 * The arena owns every block it hands out; bst_arena_free releases them all.
 * Allocation never returns NULL: on exhaustion the process aborts, because
 * a request that cannot allocate a few bytes cannot report it either.
 * Not thread-safe: one arena per request or task. */
#ifndef BST_CORE_ARENA_H
#define BST_CORE_ARENA_H
#include <stddef.h>

typedef struct bst_arena bst_arena;

bst_arena *bst_arena_new(void);
void bst_arena_free(bst_arena *a);
void *bst_arena_alloc(bst_arena *a, size_t size);  /* zeroed, 16-aligned */
char *bst_arena_strdup(bst_arena *a, const char *s);
char *bst_arena_strndup(bst_arena *a, const char *s, size_t n);
char *bst_arena_printf(bst_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
