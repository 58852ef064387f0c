/* libFuzzer target: bst_image_probe on arbitrary bytes; checks that what it
 * accepts keeps the image.h promises (a known type with its MIME type,
 * non-zero dimensions within each format's range) and that a refusal
 * leaves the result zeroed. */
#include <stdint.h>
#include <stdlib.h>

#include "core/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bst_image_info info;
	if (bst_image_probe(data, size, &info) != 0) {
		if (info.type != BST_IMAGE_UNKNOWN || info.width || info.height)
			abort();
		return 0;
	}
	if (!bst_image_mime(info.type) || info.width == 0 || info.height == 0)
		abort();
	/* the largest each format can declare: PNG 2^31 - 1, WebP VP8X 2^24,
	 * JPEG 2^16 - 1, GIF a frame at 65535 + 65535 */
	if (info.width > 0x7fffffffu || info.height > 0x7fffffffu)
		abort();
	if ((info.type == BST_IMAGE_JPEG && (info.width > 0xffff || info.height > 0xffff)) ||
	    (info.type == BST_IMAGE_GIF && (info.width > 0x1fffe || info.height > 0x1fffe)) ||
	    (info.type == BST_IMAGE_WEBP && (info.width > 0x1000000 || info.height > 0x1000000)))
		abort();
	return 0;
}
