/* Unit tests for src/core/image.c: the dimensions of each format from
 * hand-built headers, and the refusals (truncation at every length, zero
 * sizes, JPEG scans before a frame, GIF frames outside the screen or a
 * missing trailer, WebP animation frames, bytes of another type). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/image.h"

struct img {
	uint8_t b[256];
	size_t n;
};

static void put(struct img *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof m->b);
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put8(struct img *m, uint8_t v)
{
	put(m, &v, 1);
}

static void be16(struct img *m, uint32_t v)
{
	put8(m, (uint8_t)(v >> 8));
	put8(m, (uint8_t)v);
}

static void be32(struct img *m, uint32_t v)
{
	be16(m, v >> 16);
	be16(m, v & 0xffff);
}

static void le16(struct img *m, uint32_t v)
{
	put8(m, (uint8_t)v);
	put8(m, (uint8_t)(v >> 8));
}

static void le32(struct img *m, uint32_t v)
{
	le16(m, v & 0xffff);
	le16(m, v >> 16);
}

static struct img png(uint32_t w, uint32_t h)
{
	struct img m = {{0}, 0};
	put(&m, "\x89PNG\r\n\x1a\n", 8);
	be32(&m, 13);
	put(&m, "IHDR", 4);
	be32(&m, w);
	be32(&m, h);
	put(&m, "\x08\x02\x00\x00\x00", 5);
	be32(&m, 0); /* CRC: not checked */
	return m;
}

/* SOI, APP0 (JFIF), a fill byte, SOFn with h x w, SOS, EOI */
static struct img jpeg(uint8_t sof, uint32_t w, uint32_t h)
{
	struct img m = {{0}, 0};
	put(&m, "\xff\xd8\xff\xe0", 4);
	be16(&m, 16);
	put(&m, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
	put(&m, "\xff\xff", 2);
	put8(&m, sof);
	be16(&m, 11);
	put8(&m, 8);
	be16(&m, h);
	be16(&m, w);
	put(&m, "\x01\x01\x11\x00", 4);
	put(&m, "\xff\xda", 2);
	be16(&m, 8);
	put(&m, "\x01\x01\x00\x00\x3f\x00", 6);
	put(&m, "\x00\xff\xd9", 3);
	return m;
}

/* GIF89a with a global colour table, a graphic control extension and one
 * frame of fw x fh at (left, top). */
static struct img gif(uint32_t w, uint32_t h, uint32_t left, uint32_t top, uint32_t fw,
		      uint32_t fh, bool trailer)
{
	struct img m = {{0}, 0};
	put(&m, "GIF89a", 6);
	le16(&m, w);
	le16(&m, h);
	put(&m, "\x80\x00\x00", 3);
	put(&m, "\x00\x00\x00\xff\xff\xff", 6);
	put(&m, "\x21\xf9\x04\x00\x00\x00\x00\x00", 8);
	put8(&m, 0x2c);
	le16(&m, left);
	le16(&m, top);
	le16(&m, fw);
	le16(&m, fh);
	put8(&m, 0);
	put(&m, "\x02\x02\x44\x01\x00", 5);
	if (trailer)
		put8(&m, 0x3b);
	return m;
}

static struct img webp(const char *fourcc, const uint8_t *payload, size_t n)
{
	struct img m = {{0}, 0};
	put(&m, "RIFF", 4);
	le32(&m, (uint32_t)(4 + 8 + n));
	put(&m, "WEBP", 4);
	put(&m, fourcc, 4);
	le32(&m, (uint32_t)n);
	put(&m, payload, n);
	return m;
}

static struct img vp8(uint32_t w, uint32_t h)
{
	uint8_t p[18] = {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a};
	p[6] = (uint8_t)w, p[7] = (uint8_t)(w >> 8), p[8] = (uint8_t)h, p[9] = (uint8_t)(h >> 8);
	return webp("VP8 ", p, sizeof p);
}

static struct img vp8l(uint32_t w, uint32_t h)
{
	uint32_t bits = (w - 1) | (h - 1) << 14;
	uint8_t p[9] = {0x2f, (uint8_t)bits, (uint8_t)(bits >> 8), (uint8_t)(bits >> 16),
			(uint8_t)(bits >> 24)};
	return webp("VP8L", p, sizeof p);
}

static struct img vp8x(uint32_t w, uint32_t h)
{
	uint8_t p[10] = {0x02};
	w--, h--;
	p[4] = (uint8_t)w, p[5] = (uint8_t)(w >> 8), p[6] = (uint8_t)(w >> 16);
	p[7] = (uint8_t)h, p[8] = (uint8_t)(h >> 8), p[9] = (uint8_t)(h >> 16);
	return webp("VP8X", p, sizeof p);
}

static void expect(const struct img *m, enum bst_image_type t, uint32_t w, uint32_t h)
{
	struct bst_image_info info;
	assert_int_equal(bst_image_probe(m->b, m->n, &info), 0);
	assert_int_equal(info.type, t);
	assert_int_equal(info.width, w);
	assert_int_equal(info.height, h);
}

static void refused(const struct img *m)
{
	struct bst_image_info info;
	assert_int_equal(bst_image_probe(m->b, m->n, &info), -1);
	assert_int_equal(info.type, BST_IMAGE_UNKNOWN);
	assert_int_equal(info.width, 0);
	assert_int_equal(info.height, 0);
}

/* Every strict prefix of a valid image is refused or, where the format
 * allows it, gives the same answer; none crashes. */
static void every_prefix_refused(const struct img *m, size_t keep_from)
{
	for (size_t n = 0; n < m->n; n++) {
		struct img p = *m;
		p.n = n;
		struct bst_image_info info;
		int rc = bst_image_probe(p.b, p.n, &info);
		if (n < keep_from)
			assert_int_equal(rc, -1);
	}
}

static void test_image_png_gives_ihdr_size(void **state)
{
	struct img m = png(640, 480);
	expect(&m, BST_IMAGE_PNG, 640, 480);
	assert_string_equal(bst_image_mime(BST_IMAGE_PNG), "image/png");
	every_prefix_refused(&m, 24);
}

static void test_image_png_zero_or_huge_size_is_refused(void **state)
{
	struct img m = png(0, 10);
	refused(&m);
	m = png(10, 0x80000000u);
	refused(&m);
}

static void test_image_jpeg_baseline_and_progressive_give_sof_size(void **state)
{
	struct img m = jpeg(0xc0, 1024, 768);
	expect(&m, BST_IMAGE_JPEG, 1024, 768);
	m = jpeg(0xc2, 17, 33);
	expect(&m, BST_IMAGE_JPEG, 17, 33);
	every_prefix_refused(&m, 2 + 18 + 2 + 9);
}

static void test_image_jpeg_dht_is_not_a_frame_and_scan_first_is_refused(void **state)
{
	/* C4 (DHT) has the shape of a SOF: it must be skipped, then SOS ends it */
	struct img m = jpeg(0xc4, 100, 100);
	refused(&m);
}

static void test_image_jpeg_height_zero_is_refused(void **state)
{
	struct img m = jpeg(0xc0, 100, 0);
	refused(&m);
}

static void test_image_jpeg_segment_longer_than_data_is_refused(void **state)
{
	struct img m = {{0}, 0};
	put(&m, "\xff\xd8\xff\xe1\xff\xff", 6); /* APP1 of 65535 bytes, absent */
	refused(&m);
}

static void test_image_gif_gives_screen_size(void **state)
{
	struct img m = gif(20, 10, 0, 0, 20, 10, true);
	expect(&m, BST_IMAGE_GIF, 20, 10);
	every_prefix_refused(&m, m.n);
}

static void test_image_gif_frame_outside_the_screen_counts(void **state)
{
	struct img m = gif(16, 16, 1000, 2, 3000, 4000, true);
	expect(&m, BST_IMAGE_GIF, 4000, 4002);
}

static void test_image_gif_without_trailer_or_frame_is_refused(void **state)
{
	struct img m = gif(20, 10, 0, 0, 20, 10, false);
	refused(&m);
	struct img h = {{0}, 0};
	put(&h, "GIF87a\x10\x00\x10\x00\x00\x00\x00\x3b", 14);
	refused(&h);
}

static void test_image_webp_lossy_lossless_and_extended(void **state)
{
	struct img m = vp8(40, 30);
	expect(&m, BST_IMAGE_WEBP, 40, 30);
	every_prefix_refused(&m, 30);
	m = vp8l(64, 48);
	expect(&m, BST_IMAGE_WEBP, 64, 48);
	m = vp8l(16384, 1);
	expect(&m, BST_IMAGE_WEBP, 16384, 1);
	m = vp8x(100, 50);
	expect(&m, BST_IMAGE_WEBP, 100, 50);
	m = vp8x(1 << 24, 1);
	expect(&m, BST_IMAGE_WEBP, 1u << 24, 1);
}

static void test_image_webp_unknown_chunk_or_bad_signature_is_refused(void **state)
{
	uint8_t p[10] = {0};
	struct img m = webp("ALPH", p, sizeof p);
	refused(&m);
	m = vp8l(10, 10);
	m.b[20] = 0x2e; /* not the VP8L signature */
	refused(&m);
	m = vp8(10, 10);
	m.b[23] = 0; /* no start code */
	refused(&m);
}

static void test_image_other_bytes_are_refused(void **state)
{
	static const char *const others[] = {"", "%PDF-1.7\n", "<svg xmlns=\"\"/>", "BM\x36\0",
					     "\x89PNG", "RIFF\0\0\0\0WAVEfmt "};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
		struct img m = {{0}, 0};
		put(&m, others[i], strlen(others[i]));
		refused(&m);
	}
	struct bst_image_info info;
	assert_int_equal(bst_image_probe(NULL, 10, &info), -1);
	assert_null(bst_image_mime(BST_IMAGE_UNKNOWN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_png_gives_ihdr_size),
		cmocka_unit_test(test_image_png_zero_or_huge_size_is_refused),
		cmocka_unit_test(test_image_jpeg_baseline_and_progressive_give_sof_size),
		cmocka_unit_test(test_image_jpeg_dht_is_not_a_frame_and_scan_first_is_refused),
		cmocka_unit_test(test_image_jpeg_height_zero_is_refused),
		cmocka_unit_test(test_image_jpeg_segment_longer_than_data_is_refused),
		cmocka_unit_test(test_image_gif_gives_screen_size),
		cmocka_unit_test(test_image_gif_frame_outside_the_screen_counts),
		cmocka_unit_test(test_image_gif_without_trailer_or_frame_is_refused),
		cmocka_unit_test(test_image_webp_lossy_lossless_and_extended),
		cmocka_unit_test(test_image_webp_unknown_chunk_or_bad_signature_is_refused),
		cmocka_unit_test(test_image_other_bytes_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
