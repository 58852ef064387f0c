/* Unit tests for src/auth/throttle.c: a token bucket per key, with a burst
 * of per_minute and a refill of per_minute per minute. Time is passed in
 * explicitly, so nothing here sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "auth/throttle.h"
#include "core/crypto.h"

#define T0         1700000000000LL /* any instant, in ms */
#define PER_MINUTE 6
#define REFILL_MS  (60000 / PER_MINUTE) /* one request comes back this often */

static int setup(void **state)
{
	(void)state;
	return bst_crypto_init();
}

static void take_all(struct bst_throttle *t, const char *key, int64_t now, int n)
{
	for (int i = 0; i < n; i++)
		assert_true(bst_throttle_allow(t, key, now));
}

static void test_throttle_allows_per_minute_then_refuses(void **state)
{
	struct bst_throttle *t = bst_throttle_new(PER_MINUTE);
	assert_non_null(t);
	take_all(t, "192.0.2.1", T0, PER_MINUTE);
	assert_false(bst_throttle_allow(t, "192.0.2.1", T0));
	/* refusing does not consume: still refused, not worse */
	assert_false(bst_throttle_allow(t, "192.0.2.1", T0));
	assert_false(bst_throttle_allow(t, "192.0.2.1", T0 + 1));
	bst_throttle_free(t);
}

static void test_throttle_burst_is_spread_over_the_minute_too(void **state)
{
	/* Requests spaced out within the minute: still per_minute before the
	 * bucket needs a refill. */
	struct bst_throttle *t = bst_throttle_new(PER_MINUTE);
	assert_non_null(t);
	for (int i = 0; i < PER_MINUTE; i++)
		assert_true(bst_throttle_allow(t, "k", T0 + i));
	assert_false(bst_throttle_allow(t, "k", T0 + PER_MINUTE));
	bst_throttle_free(t);
}

static void test_throttle_refills_one_request_per_interval(void **state)
{
	struct bst_throttle *t = bst_throttle_new(PER_MINUTE);
	assert_non_null(t);
	take_all(t, "k", T0, PER_MINUTE);
	assert_false(bst_throttle_allow(t, "k", T0));
	/* not quite one interval: still nothing */
	assert_false(bst_throttle_allow(t, "k", T0 + REFILL_MS - 100));
	/* one interval: exactly one more request */
	assert_true(bst_throttle_allow(t, "k", T0 + REFILL_MS));
	assert_false(bst_throttle_allow(t, "k", T0 + REFILL_MS));
	/* three more intervals: three more requests */
	int64_t later = T0 + 4 * REFILL_MS;
	take_all(t, "k", later, 3);
	assert_false(bst_throttle_allow(t, "k", later));
	bst_throttle_free(t);
}

static void test_throttle_refill_is_capped_at_the_burst(void **state)
{
	struct bst_throttle *t = bst_throttle_new(PER_MINUTE);
	assert_non_null(t);
	take_all(t, "k", T0, PER_MINUTE);
	assert_false(bst_throttle_allow(t, "k", T0));
	/* an hour of silence earns one minute's worth, not sixty */
	int64_t later = T0 + 60LL * 60 * 1000;
	take_all(t, "k", later, PER_MINUTE);
	assert_false(bst_throttle_allow(t, "k", later));
	bst_throttle_free(t);
}

static void test_throttle_clock_going_backwards_earns_nothing(void **state)
{
	struct bst_throttle *t = bst_throttle_new(PER_MINUTE);
	assert_non_null(t);
	int64_t now = T0 + 10 * REFILL_MS;
	take_all(t, "k", now, PER_MINUTE);
	assert_false(bst_throttle_allow(t, "k", T0));
	assert_false(bst_throttle_allow(t, "k", now));
	/* and refills resume from the latest instant seen */
	assert_true(bst_throttle_allow(t, "k", now + REFILL_MS));
	assert_false(bst_throttle_allow(t, "k", now + REFILL_MS));
	bst_throttle_free(t);
}

static void test_throttle_keys_are_independent(void **state)
{
	struct bst_throttle *t = bst_throttle_new(PER_MINUTE);
	assert_non_null(t);
	take_all(t, "192.0.2.1", T0, PER_MINUTE);
	assert_false(bst_throttle_allow(t, "192.0.2.1", T0));
	/* Other addresses still have their whole burst. (Were two of them to
	 * share a slot, the newcomer starts afresh: the check holds either way.) */
	char key[32];
	for (int i = 2; i < 50; i++) {
		snprintf(key, sizeof key, "192.0.2.%d", i);
		take_all(t, key, T0, PER_MINUTE);
		assert_false(bst_throttle_allow(t, key, T0));
	}
	/* similar-looking keys are distinct */
	take_all(t, "192.0.2.1 ", T0, PER_MINUTE);
	take_all(t, "2001:db8::1", T0, PER_MINUTE);
	bst_throttle_free(t);
}

static void test_throttle_limit_of_one_allows_a_single_request(void **state)
{
	struct bst_throttle *t = bst_throttle_new(1);
	assert_non_null(t);
	assert_true(bst_throttle_allow(t, "k", T0));
	assert_false(bst_throttle_allow(t, "k", T0 + 59999));
	assert_true(bst_throttle_allow(t, "k", T0 + 60000));
	assert_false(bst_throttle_allow(t, "k", T0 + 60000));
	bst_throttle_free(t);
}

static void test_throttle_free_accepts_null(void **state)
{
	bst_throttle_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_throttle_allows_per_minute_then_refuses),
	    cmocka_unit_test(test_throttle_burst_is_spread_over_the_minute_too),
	    cmocka_unit_test(test_throttle_refills_one_request_per_interval),
	    cmocka_unit_test(test_throttle_refill_is_capped_at_the_burst),
	    cmocka_unit_test(test_throttle_clock_going_backwards_earns_nothing),
	    cmocka_unit_test(test_throttle_keys_are_independent),
	    cmocka_unit_test(test_throttle_limit_of_one_allows_a_single_request),
	    cmocka_unit_test(test_throttle_free_accepts_null),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
