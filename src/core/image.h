/* Pixel dimensions of PNG, JPEG, GIF and WebP images, read from their
 * headers (and, for GIF, from every frame's descriptor, which may be larger
 * than the declared screen). The bytes are untrusted: every read is bounds
 * checked, every loop advances, nothing is decoded or allocated. It never
 * says what the content is by itself: callers type uploads with libmagic
 * (core/magic.h) and check that both agree. Pure functions: thread-safe.
 * Fuzzed by tests/fuzz/fuzz_image.c. */
#ifndef BST_CORE_IMAGE_H
#define BST_CORE_IMAGE_H
#include <stddef.h>
#include <stdint.h>

enum bst_image_type {
	BST_IMAGE_UNKNOWN = 0,
	BST_IMAGE_PNG,
	BST_IMAGE_JPEG,
	BST_IMAGE_GIF,
	BST_IMAGE_WEBP,
};

struct bst_image_info {
	enum bst_image_type type;
	uint32_t width;  /* pixels, > 0 on success */
	uint32_t height;
};

/* Reads the type and dimensions of the image in data[0..len). Returns 0,
 * or -1 when it is none of the four formats, is truncated before its
 * dimensions (a GIF: before its trailer), declares a zero dimension, or is
 * otherwise malformed (*out is then zeroed). */
int bst_image_probe(const void *data, size_t len, struct bst_image_info *out);

/* "image/png", "image/jpeg", "image/gif", "image/webp"; NULL for unknown. */
const char *bst_image_mime(enum bst_image_type t);

#endif
