/* Image dimensions from headers (see image.h). Formats, from their
 * specifications: PNG (ISO/IEC 15948, IHDR first), JPEG (ITU-T T.81 B.1,
 * the SOFn segment), GIF (GIF89a: logical screen and image descriptors),
 * WebP (RFC 9649: VP8, VP8L and VP8X chunks). Every read goes through
 * has(), which checks the bounds without overflowing. */
#include "core/image.h"

#include <stdbool.h>
#include <string.h>

struct in {
	const uint8_t *p;
	size_t len;
};

/* n bytes are readable at off. */
static bool has(const struct in *in, size_t off, size_t n)
{
	return off <= in->len && n <= in->len - off;
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const uint8_t *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | le24(p);
}

/* PNG: the signature, then IHDR (length 13) with width and height, each
 * 1 .. 2^31 - 1 (ISO/IEC 15948 11.2.2). */
static int png(const struct in *in, struct bst_image_info *out)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (!has(in, 0, 24) || memcmp(in->p, sig, 8) != 0 || be32(in->p + 8) != 13 ||
	    memcmp(in->p + 12, "IHDR", 4) != 0)
		return -1;
	uint32_t w = be32(in->p + 16), h = be32(in->p + 20);
	if (w == 0 || h == 0 || w > 0x7fffffffu || h > 0x7fffffffu)
		return -1;
	out->width = w;
	out->height = h;
	return 0;
}

/* SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share
 * the range but are not frames. */
static bool is_sof(uint8_t m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* JPEG: SOI, then marker segments up to the first SOFn; its height and
 * width (T.81 B.2.2). A scan (SOS) or the end (EOI) before a frame header,
 * or a height of 0 (defined later by a DNL segment), is refused. */
static int jpeg(const struct in *in, struct bst_image_info *out)
{
	if (!has(in, 0, 2) || in->p[0] != 0xff || in->p[1] != 0xd8)
		return -1;
	size_t pos = 2;
	for (;;) {
		if (!has(in, pos, 2) || in->p[pos] != 0xff)
			return -1;
		/* fill bytes: any number of 0xFF before a marker (B.1.1.2) */
		while (has(in, pos + 1, 1) && in->p[pos + 1] == 0xff)
			pos++;
		if (!has(in, pos, 2))
			return -1;
		uint8_t m = in->p[pos + 1];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) { /* TEM, RSTn: no length */
			pos += 2;
			continue;
		}
		if (m == 0x00 || m == 0xd8 || m == 0xd9 || m == 0xda)
			return -1;
		if (!has(in, pos + 2, 2))
			return -1;
		uint32_t seglen = be16(in->p + pos + 2); /* counts itself, not the marker */
		if (seglen < 2 || !has(in, pos + 2, seglen))
			return -1;
		if (is_sof(m)) {
			/* Lf, P, Y, X, Nf: at least 8 bytes */
			if (seglen < 8)
				return -1;
			uint32_t h = be16(in->p + pos + 5), w = be16(in->p + pos + 7);
			if (w == 0 || h == 0)
				return -1;
			out->width = w;
			out->height = h;
			return 0;
		}
		pos += 2 + (size_t)seglen;
	}
}

/* Skips GIF data sub-blocks (a size byte, that many bytes, until a size
 * of 0). Returns the offset after the terminator, or 0 when truncated. */
static size_t gif_skip_blocks(const struct in *in, size_t pos)
{
	for (;;) {
		if (!has(in, pos, 1))
			return 0;
		size_t n = in->p[pos++];
		if (n == 0)
			return pos;
		if (!has(in, pos, n))
			return 0;
		pos += n;
	}
}

/* GIF87a/89a: the logical screen, grown to contain every frame (a frame
 * may lie outside the screen: its pixels count too). The whole stream up
 * to the trailer must be well formed. */
static int gif(const struct in *in, struct bst_image_info *out)
{
	if (!has(in, 0, 13) ||
	    (memcmp(in->p, "GIF87a", 6) != 0 && memcmp(in->p, "GIF89a", 6) != 0))
		return -1;
	uint32_t w = le16(in->p + 6), h = le16(in->p + 8);
	uint8_t flags = in->p[10];
	size_t pos = 13;
	if (flags & 0x80)
		pos += 3u << ((flags & 7) + 1); /* global colour table */
	int frames = 0;
	for (;;) {
		if (!has(in, pos, 1))
			return -1;
		uint8_t b = in->p[pos];
		if (b == 0x3b) /* trailer */
			break;
		if (b == 0x21) { /* extension: label, then sub-blocks */
			if (!has(in, pos, 2) || !(pos = gif_skip_blocks(in, pos + 2)))
				return -1;
			continue;
		}
		if (b != 0x2c) /* image descriptor */
			return -1;
		if (!has(in, pos, 10))
			return -1;
		const uint8_t *d = in->p + pos;
		uint32_t fw = le16(d + 5), fh = le16(d + 7);
		if (fw == 0 || fh == 0)
			return -1;
		uint32_t right = le16(d + 1) + fw, bottom = le16(d + 3) + fh;
		if (right > w)
			w = right;
		if (bottom > h)
			h = bottom;
		pos += 10;
		if (d[9] & 0x80)
			pos += 3u << ((d[9] & 7) + 1); /* local colour table */
		/* the LZW minimum code size, then the image data */
		if (!has(in, pos, 1) || !(pos = gif_skip_blocks(in, pos + 1)))
			return -1;
		frames++;
	}
	if (frames == 0 || w == 0 || h == 0)
		return -1;
	out->width = w;
	out->height = h;
	return 0;
}

/* WebP (RFC 9649): a RIFF container whose first chunk is VP8 (lossy key
 * frame: 14-bit sizes after the start code), VP8L (lossless: 14-bit sizes
 * minus one after the 0x2f signature) or VP8X (extended: 24-bit canvas
 * sizes minus one). */
static int webp(const struct in *in, struct bst_image_info *out)
{
	if (!has(in, 0, 20) || memcmp(in->p, "RIFF", 4) != 0 || memcmp(in->p + 8, "WEBP", 4) != 0)
		return -1;
	const uint8_t *chunk = in->p + 12;
	uint32_t size = le32(chunk + 4);
	uint32_t w, h;
	if (memcmp(chunk, "VP8 ", 4) == 0) {
		if (size < 10 || !has(in, 20, 10))
			return -1;
		const uint8_t *f = in->p + 20;
		if ((f[0] & 1) != 0 || f[3] != 0x9d || f[4] != 0x01 || f[5] != 0x2a)
			return -1; /* not a key frame, or no start code */
		w = le16(f + 6) & 0x3fff;
		h = le16(f + 8) & 0x3fff;
	} else if (memcmp(chunk, "VP8L", 4) == 0) {
		if (size < 5 || !has(in, 20, 5) || in->p[20] != 0x2f)
			return -1;
		uint32_t bits = le32(in->p + 21);
		if (bits >> 29) /* version must be 0 */
			return -1;
		w = (bits & 0x3fff) + 1;
		h = ((bits >> 14) & 0x3fff) + 1;
	} else if (memcmp(chunk, "VP8X", 4) == 0) {
		if (size < 10 || !has(in, 20, 10))
			return -1;
		w = le24(in->p + 24) + 1;
		h = le24(in->p + 27) + 1;
	} else {
		return -1;
	}
	if (w == 0 || h == 0)
		return -1;
	out->width = w;
	out->height = h;
	return 0;
}

int bst_image_probe(const void *data, size_t len, struct bst_image_info *out)
{
	memset(out, 0, sizeof *out);
	if (!data)
		return -1;
	struct in in = {data, len};
	static const struct {
		enum bst_image_type type;
		int (*probe)(const struct in *, struct bst_image_info *);
	} formats[] = {
		{BST_IMAGE_PNG, png},
		{BST_IMAGE_JPEG, jpeg},
		{BST_IMAGE_GIF, gif},
		{BST_IMAGE_WEBP, webp},
	};
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		struct bst_image_info info = {formats[i].type, 0, 0};
		if (formats[i].probe(&in, &info) == 0) {
			*out = info;
			return 0;
		}
	}
	return -1;
}

const char *bst_image_mime(enum bst_image_type t)
{
	switch (t) {
	case BST_IMAGE_PNG:
		return "image/png";
	case BST_IMAGE_JPEG:
		return "image/jpeg";
	case BST_IMAGE_GIF:
		return "image/gif";
	case BST_IMAGE_WEBP:
		return "image/webp";
	case BST_IMAGE_UNKNOWN:
		break;
	}
	return NULL;
}
