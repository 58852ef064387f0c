/* Unit tests for src/auth/totp.c: RFC 6238 codes, the window, replay
 * refusal, the otpauth:// URI and the QR code SVG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/totp.h"
#include "core/buf.h"
#include "core/crypto.h"

/* RFC 6238 Appendix B: the SHA-1 seed is the ASCII "12345678901234567890". */
static const uint8_t rfc_secret[BST_TOTP_SECRET_BYTES] = "12345678901234567890";
/* A time in the middle of a step, far from the epoch. */
#define NOW_MS 1700000015000LL

static int setup(void **state)
{
	(void)state;
	if (bst_crypto_init() != 0)
		return -1;
	return bst_totp_init();
}

static void test_totp_matches_rfc6238_vector(void **state)
{
	/* The 8-digit vectors of Appendix B, last six digits. */
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
	    {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
	    {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char code[BST_TOTP_DIGITS + 1];
		assert_int_equal(bst_totp_code(rfc_secret, v[i].t * 1000, code), 0);
		assert_string_equal(code, v[i].code);
		int64_t step = 0;
		assert_true(
		    bst_totp_verify(rfc_secret, v[i].code, v[i].t * 1000, -1, &step));
		assert_int_equal(step, v[i].t / BST_TOTP_STEP_S);
	}
}

static void test_totp_code_refuses_time_before_epoch(void **state)
{
	char code[BST_TOTP_DIGITS + 1];
	assert_int_equal(bst_totp_code(rfc_secret, -1000, code), -1);
	assert_string_equal(code, "");
}

static void test_totp_accepts_current_step(void **state)
{
	char code[BST_TOTP_DIGITS + 1];
	assert_int_equal(bst_totp_code(rfc_secret, NOW_MS, code), 0);
	int64_t step = -2;
	assert_true(bst_totp_verify(rfc_secret, code, NOW_MS, -1, &step));
	assert_int_equal(step, NOW_MS / 1000 / BST_TOTP_STEP_S);
}

static void test_totp_accepts_previous_step(void **state)
{
	int64_t step_ms = BST_TOTP_STEP_S * 1000LL;
	char code[BST_TOTP_DIGITS + 1];
	int64_t step = -2;
	assert_int_equal(bst_totp_code(rfc_secret, NOW_MS - step_ms, code), 0);
	assert_true(bst_totp_verify(rfc_secret, code, NOW_MS, -1, &step));
	assert_int_equal(step, NOW_MS / 1000 / BST_TOTP_STEP_S - 1);
	/* And the next one, for a clock running behind. */
	assert_int_equal(bst_totp_code(rfc_secret, NOW_MS + step_ms, code), 0);
	assert_true(bst_totp_verify(rfc_secret, code, NOW_MS, -1, &step));
	assert_int_equal(step, NOW_MS / 1000 / BST_TOTP_STEP_S + 1);
}

static void test_totp_refuses_two_steps_off(void **state)
{
	int64_t step_ms = BST_TOTP_STEP_S * 1000LL;
	char code[BST_TOTP_DIGITS + 1];
	char now_code[BST_TOTP_DIGITS + 1];
	int64_t step = 0;
	assert_int_equal(bst_totp_code(rfc_secret, NOW_MS, now_code), 0);
	for (int k = -1; k <= 1; k += 2) {
		assert_int_equal(
		    bst_totp_code(rfc_secret, NOW_MS + k * 2 * step_ms, code), 0);
		/* A code reused across steps by chance would make this test lie. */
		assert_string_not_equal(code, now_code);
		assert_false(bst_totp_verify(rfc_secret, code, NOW_MS, -1, &step));
		assert_int_equal(step, -1);
	}
}

static void test_totp_refuses_replay(void **state)
{
	char code[BST_TOTP_DIGITS + 1];
	int64_t step = -2, again = 0;
	assert_int_equal(bst_totp_code(rfc_secret, NOW_MS, code), 0);
	assert_true(bst_totp_verify(rfc_secret, code, NOW_MS, -1, &step));
	/* The same code, still inside the window, once its step is recorded. */
	assert_false(bst_totp_verify(rfc_secret, code, NOW_MS, step, &again));
	assert_false(bst_totp_verify(rfc_secret, code, NOW_MS + 20000, step, &again));
	assert_true(bst_totp_verify(rfc_secret, code, NOW_MS, step - 1, &again));
	assert_int_equal(again, step);
}

static void test_totp_refuses_earlier_code_after_later_one(void **state)
{
	int64_t step_ms = BST_TOTP_STEP_S * 1000LL;
	char older[BST_TOTP_DIGITS + 1];
	int64_t now_step = NOW_MS / 1000 / BST_TOTP_STEP_S, step = 0;
	assert_int_equal(bst_totp_code(rfc_secret, NOW_MS - step_ms, older), 0);
	assert_false(bst_totp_verify(rfc_secret, older, NOW_MS, now_step, &step));
}

static void test_totp_ignores_spaces(void **state)
{
	int64_t t = 59000; /* RFC 6238: 287082 */
	assert_true(bst_totp_verify(rfc_secret, "287 082", t, -1, NULL));
	assert_true(bst_totp_verify(rfc_secret, " 287082 ", t, -1, NULL));
	assert_true(bst_totp_verify(rfc_secret, "2 8 7 0 8 2", t, -1, NULL));
}

static void test_totp_refuses_non_digits_and_wrong_length(void **state)
{
	int64_t t = 59000;
	static const char *bad[] = {
	    "28708",  "2870820",  "28708a", "287-082", "",
	    "      ", "287\t082", "+87082", "２87082", "2870822",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t step = 0;
		assert_false(bst_totp_verify(rfc_secret, bad[i], t, -1, &step));
		assert_int_equal(step, -1);
	}
	assert_false(bst_totp_verify(rfc_secret, NULL, t, -1, NULL));
	assert_false(bst_totp_verify(rfc_secret, "000000", t, -1, NULL));
}

static void test_totp_secret_base32_has_no_padding(void **state)
{
	char b32[40];
	bst_totp_secret_base32(rfc_secret, b32);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void test_totp_secrets_are_random(void **state)
{
	uint8_t a[BST_TOTP_SECRET_BYTES], b[BST_TOTP_SECRET_BYTES];
	bst_totp_secret_new(a);
	bst_totp_secret_new(b);
	assert_memory_not_equal(a, b, BST_TOTP_SECRET_BYTES);
}

static void test_totp_uri_percent_encodes_issuer_and_account(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_totp_uri("Acme & Co", "alice@example.org", rfc_secret, &b);
	assert_false(b.oom);
	assert_string_equal(
	    bst_buf_str(&b),
	    "otpauth://totp/Acme%20%26%20Co:alice%40example.org"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20%26%20Co"
	    "&algorithm=SHA1&digits=6&period=30");
	bst_buf_reset(&b);
	/* A colon in either part must not be taken for the separator. */
	bst_totp_uri("a:b", "c:d", rfc_secret, &b);
	assert_non_null(strstr(bst_buf_str(&b), "otpauth://totp/a%3Ab:c%3Ad?"));
	bst_buf_free(&b);
}

/* Reads the path's "M x yhNv1h-Nz" runs back into a module grid. */
static void draw_path(const char *d, unsigned char *grid, int size)
{
	while (*d) {
		int x, y, n, m, used;
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used),
		                 4);
		assert_int_equal(n, m);
		assert_true(n > 0 && x >= 0 && y >= 0 && x + n <= size && y < size);
		for (int i = 0; i < n; i++)
			grid[y * size + x + i] = 1;
		d += used;
	}
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_qr_svg_is_wellformed_and_labelled(void **state)
{
	const char *text =
	    "otpauth://totp/Acme:alice%40example.org?secret=GEZDGNBVGY3TQOJQ";
	bst_buf b;
	bst_buf_init(&b);
	assert_int_equal(bst_qr_svg(text, "Scan \"this\" <code> & enrol", &b), 0);
	const char *svg = bst_buf_str(&b);

	const char open[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" ";
	assert_true(strncmp(svg, open, sizeof open - 1) == 0);
	assert_true(strcmp(svg + strlen(svg) - 6, "</svg>") == 0);
	assert_non_null(strstr(svg, " role=\"img\""));
	assert_non_null(strstr(
	    svg, " aria-label=\"Scan &quot;this&quot; &lt;code&gt; &amp; enrol\""));
	assert_non_null(strstr(svg, " shape-rendering=\"crispEdges\""));
	assert_null(strstr(svg, "style"));
	assert_int_equal(count(svg, "<path"), 1);
	assert_int_equal(count(svg, "<rect"), 1);
	assert_int_equal(count(svg, "<"), 4); /* svg, rect, path, /svg */
	assert_int_equal(count(svg, ">"), 4);
	assert_int_equal(count(svg, "\"") % 2, 0);
	assert_non_null(strstr(svg, "fill=\"#fff\""));
	assert_non_null(strstr(svg, "fill=\"#000\""));

	/* The drawing is the QR code, with a four-module quiet zone. */
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	int size = qr->width + 8;
	char vb[64];
	snprintf(vb, sizeof vb, " viewBox=\"0 0 %d %d\"", size, size);
	assert_non_null(strstr(svg, vb));
	char rect[64];
	snprintf(rect, sizeof rect, "<rect width=\"%d\" height=\"%d\"", size, size);
	assert_non_null(strstr(svg, rect));

	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	d += 4;
	const char *end = strchr(d, '"');
	assert_non_null(end);
	char *path = strndup(d, (size_t)(end - d));
	unsigned char *grid = calloc((size_t)size * (size_t)size, 1);
	assert_non_null(path);
	assert_non_null(grid);
	draw_path(path, grid, size);
	for (int y = 0; y < size; y++) {
		for (int x = 0; x < size; x++) {
			int qx = x - 4, qy = y - 4;
			int dark = qx >= 0 && qy >= 0 && qx < qr->width &&
			           qy < qr->width && (qr->data[qy * qr->width + qx] & 1);
			assert_int_equal(grid[y * size + x], dark);
		}
	}
	free(grid);
	free(path);
	QRcode_free(qr);
	bst_buf_free(&b);
}

static void test_qr_svg_refuses_what_cannot_be_encoded(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_int_equal(bst_qr_svg(NULL, "label", &b), -1);
	/* Beyond version 40's capacity at level M (2,331 bytes). */
	char *big = malloc(4001);
	assert_non_null(big);
	memset(big, 'x', 4000);
	big[4000] = '\0';
	assert_int_equal(bst_qr_svg(big, "label", &b), -1);
	free(big);
	bst_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_totp_matches_rfc6238_vector),
	    cmocka_unit_test(test_totp_code_refuses_time_before_epoch),
	    cmocka_unit_test(test_totp_accepts_current_step),
	    cmocka_unit_test(test_totp_accepts_previous_step),
	    cmocka_unit_test(test_totp_refuses_two_steps_off),
	    cmocka_unit_test(test_totp_refuses_replay),
	    cmocka_unit_test(test_totp_refuses_earlier_code_after_later_one),
	    cmocka_unit_test(test_totp_ignores_spaces),
	    cmocka_unit_test(test_totp_refuses_non_digits_and_wrong_length),
	    cmocka_unit_test(test_totp_secret_base32_has_no_padding),
	    cmocka_unit_test(test_totp_secrets_are_random),
	    cmocka_unit_test(test_totp_uri_percent_encodes_issuer_and_account),
	    cmocka_unit_test(test_qr_svg_is_wellformed_and_labelled),
	    cmocka_unit_test(test_qr_svg_refuses_what_cannot_be_encoded),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
