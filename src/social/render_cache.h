/* Rendered texts, remembered: the HTML of a publication's or a comment's
 * Markdown (with its mentions) kept in memory, so that a feed read a
 * thousand times is rendered once. An entry is found by a keyed hash of
 * the platform, the post and comment ids and the text itself: an edit,
 * or a restore that gives an id to another text, finds nothing and
 * renders afresh. The cache is process-wide, bounded in entries and
 * bytes, and thread-safe; losing an entry only costs a rendering. */
#ifndef BST_SOCIAL_RENDER_CACHE_H
#define BST_SOCIAL_RENDER_CACHE_H
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

/* Appends the remembered HTML of (platform, post_id, comment_id, body) to
 * out and returns true, or returns false (out untouched). */
bool bst_render_cache_get(const char *platform, int64_t post_id, int64_t comment_id,
			  const char *body, bst_buf *out);

/* Remembers html (len bytes) for that text. Texts above a size bound are
 * not kept. */
void bst_render_cache_put(const char *platform, int64_t post_id, int64_t comment_id,
			  const char *body, const char *html, size_t len);

/* Forgets everything (tests; a restored platform). */
void bst_render_cache_clear(void);

#endif
