/* Unit tests for src/core/utf8.c: strict decoding (RFC 3629 §3–4), the
 * one decoder behind every validator of untrusted text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/utf8.h"

static size_t dec(const char *s, size_t n, uint32_t *cp)
{
	return bst_utf8_decode((const unsigned char *)s, n, cp);
}

static void test_utf8_decodes_each_length(void **state)
{
	uint32_t cp = 0;
	assert_int_equal(dec("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(dec("\xc3\xa9", 2, &cp), 2); /* é */
	assert_int_equal(cp, 0xe9);
	assert_int_equal(dec("\xe2\x82\xac", 3, &cp), 3); /* € */
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(dec("\xf0\x9f\x98\x80", 4, &cp), 4); /* U+1F600 */
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(dec("\xf4\x8f\xbf\xbf", 4, &cp), 4); /* U+10FFFF */
	assert_int_equal(cp, 0x10ffff);
	assert_int_equal(dec("", 1, &cp), 1); /* NUL is U+0000: callers decide */
	assert_int_equal(cp, 0);
	assert_int_equal(dec("\xc3\xa9", 2, NULL), 2);
}

static void test_utf8_refuses_malformed_sequences(void **state)
{
	const struct {
		const char *s;
		size_t n;
	} bad[] = {
	    {"\x80", 1},             /* a stray continuation byte */
	    {"\xbf", 1},
	    {"\xc0\xaf", 2},         /* overlong '/' */
	    {"\xc1\xbf", 2},
	    {"\xe0\x80\xaf", 3},     /* overlong, three bytes */
	    {"\xf0\x80\x80\xaf", 4}, /* overlong, four bytes */
	    {"\xed\xa0\x80", 3},     /* U+D800, a surrogate */
	    {"\xed\xbf\xbf", 3},     /* U+DFFF */
	    {"\xf4\x90\x80\x80", 4}, /* U+110000 */
	    {"\xf8\x88\x80\x80", 4}, /* five-byte lead */
	    {"\xff", 1},
	    {"\xc3", 1},             /* cut short by n */
	    {"\xe2\x82", 2},
	    {"\xe2\x82\xac", 2},     /* whole, but n says two */
	    {"\xc3\x00", 2},         /* cut short by a NUL */
	    {"\xe2\x82\x41", 3},     /* a continuation that is not one */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		uint32_t cp = 0x12345;
		assert_int_equal(dec(bad[i].s, bad[i].n, &cp), 0);
		assert_int_equal(cp, 0x12345); /* untouched */
	}
	assert_int_equal(dec("A", 0, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_decodes_each_length),
	    cmocka_unit_test(test_utf8_refuses_malformed_sequences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
