/* Unit tests for src/core/buf.c: growable byte buffers (append, printf
 * growth, steal, reset, embedded NULs, the sticky out-of-memory flag). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"

/* Larger than the first allocation (256 bytes) several times over. */
#define BIG 10000

static void assert_invariants(const bst_buf *b)
{
	assert_false(b->oom);
	if (b->data) {
		assert_true(b->len < b->cap);
		assert_int_equal(b->data[b->len], '\0');
	} else {
		assert_int_equal(b->len, 0);
	}
}

static void test_buf_new_buffer_reads_as_empty_string(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(bst_buf_str(&b), "");
	assert_false(b.oom);
	bst_buf_free(&b);
}

static void test_buf_append_puts_putc_concatenate_and_stay_terminated(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_true(bst_buf_append(&b, "abc", 3));
	assert_true(bst_buf_puts(&b, "def"));
	assert_true(bst_buf_putc(&b, 'g'));
	assert_true(bst_buf_append(&b, "hij", 2)); /* only the first two bytes */
	assert_string_equal(bst_buf_str(&b), "abcdefghi");
	assert_int_equal(b.len, 9);
	assert_invariants(&b);
	bst_buf_free(&b);
}

static void test_buf_appending_nothing_gives_an_empty_terminated_string(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_true(bst_buf_append(&b, NULL, 0));
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(bst_buf_str(&b), "");
	assert_true(bst_buf_puts(&b, ""));
	assert_int_equal(b.len, 0);
	assert_invariants(&b);
	bst_buf_free(&b);
}

static void test_buf_grows_across_many_small_appends(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	for (int i = 0; i < BIG; i++)
		assert_true(bst_buf_putc(&b, (char)('a' + i % 26)));
	assert_int_equal(b.len, BIG);
	for (int i = 0; i < BIG; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_invariants(&b);
	bst_buf_free(&b);
}

static void test_buf_printf_formats_and_grows_past_the_first_allocation(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_true(bst_buf_printf(&b, "%d-%s-%c", 42, "x", 'y'));
	assert_string_equal(bst_buf_str(&b), "42-x-y");

	/* One printf far larger than what is allocated so far. */
	char *big = malloc(BIG + 1);
	assert_non_null(big);
	memset(big, 'z', BIG);
	big[BIG] = '\0';
	assert_true(bst_buf_printf(&b, "[%s]", big));
	assert_int_equal(b.len, 6 + BIG + 2);
	assert_memory_equal(b.data, "42-x-y[", 7);
	assert_memory_equal(b.data + 7, big, BIG);
	assert_string_equal(b.data + 7 + BIG, "]");
	assert_invariants(&b);

	/* Many printfs crossing several doublings keep what came before. */
	bst_buf_reset(&b);
	for (int i = 0; i < 1000; i++)
		assert_true(bst_buf_printf(&b, "%04d,", i));
	assert_int_equal(b.len, 5000);
	assert_memory_equal(b.data, "0000,0001,", 10);
	assert_string_equal(b.data + 4995, "0999,");
	assert_invariants(&b);

	/* An empty expansion still leaves a valid string. */
	assert_true(bst_buf_printf(&b, "%s", ""));
	assert_int_equal(b.len, 5000);
	assert_invariants(&b);
	free(big);
	bst_buf_free(&b);
}

static void test_buf_printf_into_fresh_buffer_with_empty_result(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_true(bst_buf_printf(&b, "%s", ""));
	assert_string_equal(bst_buf_str(&b), "");
	assert_int_equal(b.len, 0);
	assert_invariants(&b);
	bst_buf_free(&b);
}

static void test_buf_keeps_embedded_nuls(void **state)
{
	static const char bytes[] = {'a', '\0', 'b', '\0', '\0', 'c'};
	bst_buf b;
	bst_buf_init(&b);
	assert_true(bst_buf_append(&b, bytes, sizeof bytes));
	assert_true(bst_buf_putc(&b, '\0'));
	assert_true(bst_buf_puts(&b, "d"));
	assert_int_equal(b.len, sizeof bytes + 2);
	assert_memory_equal(b.data, bytes, sizeof bytes);
	assert_int_equal(b.data[sizeof bytes], '\0');
	assert_int_equal(b.data[sizeof bytes + 1], 'd');
	assert_invariants(&b);

	size_t len = 0;
	char *p = bst_buf_steal(&b, &len);
	assert_int_equal(len, sizeof bytes + 2);
	assert_memory_equal(p, bytes, sizeof bytes);
	free(p);
}

static void test_buf_steal_hands_over_the_allocation_and_empties_the_buffer(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_true(bst_buf_puts(&b, "hello, world"));
	const char *before = b.data;
	size_t len = 0;
	char *p = bst_buf_steal(&b, &len);
	assert_ptr_equal(p, before);
	assert_int_equal(len, 12);
	assert_string_equal(p, "hello, world");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(bst_buf_str(&b), "");

	/* The buffer is usable again, independently of the stolen block. */
	assert_true(bst_buf_puts(&b, "again"));
	assert_string_equal(bst_buf_str(&b), "again");
	assert_string_equal(p, "hello, world");
	free(p);

	/* len may be NULL. */
	p = bst_buf_steal(&b, NULL);
	assert_string_equal(p, "again");
	free(p);
	bst_buf_free(&b);
}

static void test_buf_steal_of_untouched_buffer_gives_an_allocation(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	size_t len = 99;
	char *p = bst_buf_steal(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_null(b.data);
	free(p);
}

static void test_buf_reset_keeps_the_allocation_and_empties_the_contents(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	for (int i = 0; i < 100; i++)
		assert_true(bst_buf_puts(&b, "0123456789"));
	char *data = b.data;
	size_t cap = b.cap;
	bst_buf_reset(&b);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(b.len, 0);
	assert_string_equal(bst_buf_str(&b), "");
	assert_true(bst_buf_puts(&b, "short"));
	assert_ptr_equal(b.data, data);
	assert_string_equal(bst_buf_str(&b), "short");
	assert_invariants(&b);

	/* Reset of a never-used buffer is harmless. */
	bst_buf e;
	bst_buf_init(&e);
	bst_buf_reset(&e);
	assert_null(e.data);
	assert_string_equal(bst_buf_str(&e), "");
	bst_buf_free(&b);
	bst_buf_free(&e);
}

static void test_buf_free_returns_the_buffer_to_its_initial_state(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_true(bst_buf_puts(&b, "something"));
	bst_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_false(b.oom);
	bst_buf_free(&b); /* twice is harmless */
	assert_true(bst_buf_puts(&b, "reused"));
	assert_string_equal(bst_buf_str(&b), "reused");
	bst_buf_free(&b);
}

static void test_buf_normal_use_never_raises_oom(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	for (int i = 0; i < 200; i++) {
		assert_true(bst_buf_printf(&b, "<li>%d</li>", i));
		assert_true(bst_buf_append(&b, "x\0y", 3));
		assert_true(bst_buf_putc(&b, '\n'));
		if (i % 50 == 49)
			bst_buf_reset(&b);
		assert_false(b.oom);
	}
	assert_invariants(&b);
	bst_buf_free(&b);
}

static void test_buf_oom_is_sticky_until_reset(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_true(bst_buf_puts(&b, "kept"));
	/* A length that cannot be reserved: fails before touching the source. */
	assert_false(bst_buf_append(&b, "x", SIZE_MAX - 1));
	assert_true(b.oom);
	assert_false(bst_buf_puts(&b, "lost"));
	assert_false(bst_buf_putc(&b, 'l'));
	assert_false(bst_buf_printf(&b, "%s", "lost"));
	assert_true(b.oom);
	assert_string_equal(bst_buf_str(&b), "kept");
	assert_int_equal(b.len, 4);

	bst_buf_reset(&b);
	assert_false(b.oom);
	assert_true(bst_buf_puts(&b, "fresh"));
	assert_string_equal(bst_buf_str(&b), "fresh");
	bst_buf_free(&b);
}

/* A printed text longer than the room left grows the buffer in one go, and
 * cat appends another buffer whole. */
static void test_buf_printf_past_the_room_left_and_cat(void **state)
{
	bst_buf b, big;
	bst_buf_init(&b);
	bst_buf_init(&big);
	for (int i = 0; i < BIG; i++)
		assert_true(bst_buf_putc(&big, (char)('a' + i % 26)));
	assert_true(bst_buf_puts(&b, "<"));
	assert_true(bst_buf_printf(&b, "%s|%d", bst_buf_str(&big), 42));
	assert_int_equal(b.len, 1 + BIG + 3);
	assert_int_equal(memcmp(b.data + 1, big.data, BIG), 0);
	assert_string_equal(b.data + 1 + BIG, "|42");
	assert_invariants(&b);
	assert_true(bst_buf_cat(&b, &big));
	assert_int_equal(b.len, 1 + BIG + 3 + BIG);
	assert_invariants(&b);
	bst_buf empty;
	bst_buf_init(&empty);
	assert_true(bst_buf_cat(&b, &empty));
	assert_int_equal(b.len, 1 + BIG + 3 + BIG);
	bst_buf_free(&b);
	bst_buf_free(&big);
}

/* bst_str_copy: bounded, always terminated, NULL reads as "". */
static void test_buf_str_copy_truncates_and_terminates(void **state)
{
	char out[4];
	bst_str_copy(out, sizeof out, "abcdef");
	assert_string_equal(out, "abc");
	bst_str_copy(out, sizeof out, "ab");
	assert_string_equal(out, "ab");
	bst_str_copy(out, sizeof out, NULL);
	assert_string_equal(out, "");
	out[0] = 'x';
	bst_str_copy(out, 0, "abc"); /* nothing written */
	assert_int_equal(out[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_new_buffer_reads_as_empty_string),
	    cmocka_unit_test(test_buf_append_puts_putc_concatenate_and_stay_terminated),
	    cmocka_unit_test(test_buf_appending_nothing_gives_an_empty_terminated_string),
	    cmocka_unit_test(test_buf_grows_across_many_small_appends),
	    cmocka_unit_test(test_buf_printf_formats_and_grows_past_the_first_allocation),
	    cmocka_unit_test(test_buf_printf_into_fresh_buffer_with_empty_result),
	    cmocka_unit_test(test_buf_keeps_embedded_nuls),
	    cmocka_unit_test(
		test_buf_steal_hands_over_the_allocation_and_empties_the_buffer),
	    cmocka_unit_test(test_buf_steal_of_untouched_buffer_gives_an_allocation),
	    cmocka_unit_test(
		test_buf_reset_keeps_the_allocation_and_empties_the_contents),
	    cmocka_unit_test(test_buf_free_returns_the_buffer_to_its_initial_state),
	    cmocka_unit_test(test_buf_normal_use_never_raises_oom),
	    cmocka_unit_test(test_buf_oom_is_sticky_until_reset),
	    cmocka_unit_test(test_buf_printf_past_the_room_left_and_cat),
	    cmocka_unit_test(test_buf_str_copy_truncates_and_terminates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
