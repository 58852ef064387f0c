/* Helpers shared by the request parsers (parse_*.c) and nothing else: UTF-8
 * validation of decoded text and growing a bst_kvlist inside an arena. Not
 * part of the public API; parse.h is. Pure functions over caller memory, no
 * shared state, so thread-safe. */
#ifndef BST_HTTP_PARSE_INTERNAL_H
#define BST_HTTP_PARSE_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "http/parse.h"

/* True when s[0..len) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF) and holds no NUL byte. */
bool bst_parse_text_valid(const char *s, size_t len);

/* Appends a pair to l, growing its items in the arena; *cap is the number
 * of slots allocated so far (start it at 0 with an empty list). key and
 * value are stored as given: the caller has put them in the arena. */
void bst_kv_push(bst_arena *a, bst_kvlist *l, size_t *cap, const char *key,
                 const char *value, size_t value_len);

#endif
