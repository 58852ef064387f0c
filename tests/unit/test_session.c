/* Unit tests for src/auth/session.c against a real platform in a temporary
 * installation: start and resolve, wrong tokens, the idle timeout and the
 * absolute lifetime (time moved by setting ctx.now), rotation, sign-out,
 * and sessions of disabled accounts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/queries.h"
#include "tenant/context.h"
#include "tenant/install.h"
#include "tenant/platform.h"

#define NOW 1700000000000LL /* any fixed UTC instant, in ms */

struct fx {
	struct bst_test_platform t; /* dir, in, p, arena, cfg, base */
	int64_t user_id;
	int64_t idle_ms, abs_ms;
};

static int group_setup(void **state)
{
	(void)state;
	bst_log_set_level(BST_LOG_WARN);
	return bst_crypto_init();
}

static int64_t add_user(struct fx *f, const char *email, const char *role)
{
	int64_t id = 0;
	assert_int_equal(bst_q_user_insert(f->t.p->main, email, "Some One", role, "active",
					   NULL, NOW - 1000, &id),
			 BST_QS_ONE_RESULT);
	assert_true(id > 0);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	if (bst_test_platform_open(&f->t, "session", NOW) != 0)
		return -1;
	struct bst_ctx *x = &f->t.base;
	f->idle_ms = x->settings.idle_timeout_s * 1000;
	f->abs_ms = x->settings.absolute_timeout_s * 1000;
	if (f->idle_ms <= 0 || f->abs_ms <= f->idle_ms)
		return -1;
	f->user_id = add_user(f, "Alice@Acme.Example", "member");
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int rc = bst_test_platform_close(&f->t);
	free(f);
	return rc;
}

/* A fresh request context at instant now. */
static struct bst_ctx ctx_at(const struct fx *f, int64_t now)
{
	struct bst_ctx c = f->t.base;
	c.now = now;
	return c;
}

static enum bst_session_state resolve_at(const struct fx *f, const char *token,
					 int64_t now)
{
	struct bst_ctx c = ctx_at(f, now);
	char hash[BST_HASH_HEX];
	return bst_session_resolve(&c, token, hash);
}

/* Starts a session for user_id at instant now. */
static void start_at(struct fx *f, int64_t user_id, bool mfa_pending, int64_t now,
		     char token[BST_TOKEN_CHARS + 1], int64_t *session_id)
{
	struct bst_ctx c = ctx_at(f, now);
	char hash[BST_HASH_HEX];
	assert_int_equal(bst_session_start(&c, user_id, mfa_pending, token, hash), 0);
	assert_true(c.session_id > 0);
	if (session_id)
		*session_id = c.session_id;
}

static void test_session_start_then_resolve_gives_ok_with_the_user(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = ctx_at(f, NOW);
	char token[BST_TOKEN_CHARS + 1], hash[BST_HASH_HEX];
	assert_int_equal(bst_session_start(&c, f->user_id, false, token, hash), 0);
	assert_int_equal(strlen(token), BST_TOKEN_CHARS);
	assert_true(c.session_id > 0);
	assert_int_equal(c.session_auth_ms, NOW);
	char want_hash[BST_HASH_HEX];
	bst_token_hash_hex(token, want_hash);
	assert_string_equal(hash, want_hash);
	int64_t sid = c.session_id;

	struct bst_ctx r = ctx_at(f, NOW + 5000);
	char got_hash[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&r, token, got_hash), BST_SESSION_OK);
	assert_int_equal(r.actor, BST_ACTOR_USER);
	assert_int_equal(r.user.id, f->user_id);
	assert_string_equal(r.user.email, "alice@acme.example");
	assert_string_equal(r.user.role, "member");
	assert_string_equal(r.user.status, "active");
	assert_int_equal(r.session_id, sid);
	assert_int_equal(r.session_auth_ms, NOW);
	assert_string_equal(got_hash, hash);
}

static void test_session_database_holds_the_hash_not_the_token(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = ctx_at(f, NOW);
	char token[BST_TOKEN_CHARS + 1], hash[BST_HASH_HEX];
	assert_int_equal(bst_session_start(&c, f->user_id, false, token, hash), 0);
	struct bst_session_row row;
	assert_int_equal(bst_q_session_get(f->t.p->main, token, &row), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_session_get(f->t.p->main, hash, &row), BST_QS_ONE_RESULT);
	assert_int_equal(row.id, c.session_id);
	assert_string_equal(row.client_addr, "192.0.2.7");
	assert_string_equal(row.user_agent, "test-session");
}

static void test_session_wrong_token_resolves_to_none(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW, token, NULL);

	char other[BST_TOKEN_CHARS + 1];
	bst_token_new(other);
	struct bst_ctx c = ctx_at(f, NOW + 1000);
	char hash[BST_HASH_HEX] = "x";
	assert_int_equal(bst_session_resolve(&c, other, hash), BST_SESSION_NONE);
	/* nothing about the visitor changed */
	assert_string_equal(hash, "");
	assert_int_equal(c.actor, BST_ACTOR_ANONYMOUS);
	assert_int_equal(c.session_id, 0);
	assert_int_equal(c.user.id, 0);

	char flipped[BST_TOKEN_CHARS + 1];
	memcpy(flipped, token, sizeof flipped);
	flipped[7] = flipped[7] == 'A' ? 'B' : 'A';
	assert_int_equal(resolve_at(f, flipped, NOW + 1000), BST_SESSION_NONE);
	char cut[BST_TOKEN_CHARS + 1];
	memcpy(cut, token, sizeof cut);
	cut[BST_TOKEN_CHARS - 1] = '\0';
	assert_int_equal(resolve_at(f, cut, NOW + 1000), BST_SESSION_NONE);
	assert_int_equal(resolve_at(f, "", NOW + 1000), BST_SESSION_NONE);
	assert_int_equal(resolve_at(f, NULL, NOW + 1000), BST_SESSION_NONE);
	/* its hash presented as the cookie is no session either */
	char token_hash[BST_HASH_HEX];
	bst_token_hash_hex(token, token_hash);
	assert_int_equal(resolve_at(f, token_hash, NOW + 1000), BST_SESSION_NONE);

	/* and the real one still works */
	assert_int_equal(resolve_at(f, token, NOW + 1000), BST_SESSION_OK);
}

static void test_session_activity_keeps_it_alive_past_the_idle_timeout(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW, token, NULL);
	/* exactly the idle timeout after the last activity is still alive */
	assert_int_equal(resolve_at(f, token, NOW + f->idle_ms), BST_SESSION_OK);
	/* and that request counted as activity */
	assert_int_equal(resolve_at(f, token, NOW + 2 * f->idle_ms), BST_SESSION_OK);
	assert_int_equal(resolve_at(f, token, NOW + 2 * f->idle_ms + f->idle_ms / 2),
			 BST_SESSION_OK);
}

static void test_session_idle_timeout_expires_it_and_ends_it_for_good(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW, token, NULL);
	struct bst_ctx c = ctx_at(f, NOW + f->idle_ms + 1);
	char hash[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&c, token, hash), BST_SESSION_EXPIRED);
	assert_int_equal(c.actor, BST_ACTOR_ANONYMOUS);
	assert_int_equal(c.session_id, 0);
	/* ended on the server: even a clock set back does not revive it */
	assert_int_equal(resolve_at(f, token, NOW + 1000), BST_SESSION_NONE);
	assert_int_equal(resolve_at(f, token, NOW + f->idle_ms + 2), BST_SESSION_NONE);
	char th[BST_HASH_HEX];
	bst_token_hash_hex(token, th);
	struct bst_session_row row;
	assert_int_equal(bst_q_session_get(f->t.p->main, th, &row), BST_QS_NO_RESULTS);
}

static void test_session_absolute_lifetime_expires_it_even_with_activity(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW, token, NULL);
	/* used every half idle period, up to the absolute limit exactly */
	int64_t step = f->idle_ms / 2;
	int64_t t = NOW;
	while (t + step <= NOW + f->abs_ms) {
		t += step;
		assert_int_equal(resolve_at(f, token, t), BST_SESSION_OK);
	}
	assert_int_equal(resolve_at(f, token, NOW + f->abs_ms), BST_SESSION_OK);
	/* one millisecond past the absolute lifetime, recently active or not */
	assert_int_equal(resolve_at(f, token, NOW + f->abs_ms + 1), BST_SESSION_EXPIRED);
	assert_int_equal(resolve_at(f, token, NOW + f->abs_ms - 1), BST_SESSION_NONE);
	assert_int_equal(resolve_at(f, token, NOW + f->abs_ms + 2), BST_SESSION_NONE);
}

static void test_session_rotate_makes_old_token_worthless_and_new_one_valid(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	int64_t sid = 0;
	start_at(f, f->user_id, false, NOW, token, &sid);

	struct bst_ctx c = ctx_at(f, NOW + 60000);
	char hash[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&c, token, hash), BST_SESSION_OK);
	char fresh[BST_TOKEN_CHARS + 1], fresh_hash[BST_HASH_HEX];
	assert_int_equal(bst_session_rotate(&c, false, false, fresh, fresh_hash), 0);
	assert_string_not_equal(fresh, token);
	assert_string_not_equal(fresh_hash, hash);
	/* no password given: the last password entry is unchanged */
	assert_int_equal(c.session_auth_ms, NOW);

	assert_int_equal(resolve_at(f, token, NOW + 61000), BST_SESSION_NONE);
	struct bst_ctx r = ctx_at(f, NOW + 61000);
	char got[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&r, fresh, got), BST_SESSION_OK);
	assert_int_equal(r.session_id, sid); /* same session, new token */
	assert_int_equal(r.user.id, f->user_id);
	assert_string_equal(got, fresh_hash);
	/* the old token does not come back after the rotation either */
	assert_int_equal(resolve_at(f, token, NOW + 62000), BST_SESSION_NONE);

	/* password re-entered: rotation records it */
	char third[BST_TOKEN_CHARS + 1], third_hash[BST_HASH_HEX];
	r.now = NOW + 120000;
	assert_int_equal(bst_session_rotate(&r, false, true, third, third_hash), 0);
	assert_int_equal(r.session_auth_ms, NOW + 120000);
	assert_int_equal(resolve_at(f, fresh, NOW + 121000), BST_SESSION_NONE);
	struct bst_ctx r2 = ctx_at(f, NOW + 121000);
	assert_int_equal(bst_session_resolve(&r2, third, got), BST_SESSION_OK);
	assert_int_equal(r2.session_auth_ms, NOW + 120000);
}

static void test_session_rotate_after_second_factor_leaves_pending_state(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, true, NOW, token, NULL);
	struct bst_ctx c = ctx_at(f, NOW + 1000);
	char hash[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&c, token, hash), BST_SESSION_MFA_PENDING);
	assert_int_equal(c.user.id, f->user_id);
	char fresh[BST_TOKEN_CHARS + 1], fresh_hash[BST_HASH_HEX];
	assert_int_equal(bst_session_rotate(&c, false, true, fresh, fresh_hash), 0);
	assert_int_equal(resolve_at(f, token, NOW + 2000), BST_SESSION_NONE);
	assert_int_equal(resolve_at(f, fresh, NOW + 2000), BST_SESSION_OK);
}

static void test_session_pending_second_factor_expires_after_its_ttl(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, true, NOW, token, NULL);
	assert_int_equal(resolve_at(f, token, NOW + BST_MFA_PENDING_TTL_MS),
			 BST_SESSION_MFA_PENDING);
	assert_int_equal(resolve_at(f, token, NOW + BST_MFA_PENDING_TTL_MS + 1),
			 BST_SESSION_EXPIRED);
	assert_int_equal(resolve_at(f, token, NOW + 1000), BST_SESSION_NONE);
}

struct events {
	int n;
	char target[BST_EMAIL_MAX + 1];
};

static void count_event(void *cls, const struct bst_event_row *e)
{
	struct events *ev = cls;
	ev->n++;
	snprintf(ev->target, sizeof ev->target, "%s", e->target);
}

static void test_session_end_ends_it_and_is_audited(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW, token, NULL);
	struct bst_ctx c = ctx_at(f, NOW + 1000);
	char hash[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&c, token, hash), BST_SESSION_OK);
	assert_int_equal(bst_session_end(&c), 0);
	assert_int_equal(c.session_id, 0);
	assert_int_equal(resolve_at(f, token, NOW + 2000), BST_SESSION_NONE);
	/* ending again is harmless */
	assert_int_equal(bst_session_end(&c), 0);

	struct events ev = {0};
	assert_true(
	    bst_q_event_list(f->t.p->audit, "auth.logout", 0, 10, count_event, &ev) >= 0);
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.target, "alice@acme.example");
}

static void test_session_end_leaves_other_sessions_alive(void **state)
{
	struct fx *f = *state;
	char a[BST_TOKEN_CHARS + 1], b[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW, a, NULL);
	start_at(f, f->user_id, false, NOW, b, NULL);
	struct bst_ctx c = ctx_at(f, NOW + 1000);
	char hash[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&c, a, hash), BST_SESSION_OK);
	assert_int_equal(bst_session_end(&c), 0);
	assert_int_equal(resolve_at(f, a, NOW + 2000), BST_SESSION_NONE);
	assert_int_equal(resolve_at(f, b, NOW + 2000), BST_SESSION_OK);
}

static void test_session_of_disabled_user_resolves_to_none(void **state)
{
	struct fx *f = *state;
	char token[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW, token, NULL);
	assert_int_equal(resolve_at(f, token, NOW + 1000), BST_SESSION_OK);
	assert_int_equal(
	    bst_q_user_set_status(f->t.p->main, f->user_id, "disabled", NOW + 1500),
	    BST_QS_ONE_RESULT);
	struct bst_ctx c = ctx_at(f, NOW + 2000);
	char hash[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&c, token, hash), BST_SESSION_NONE);
	assert_int_equal(c.actor, BST_ACTOR_ANONYMOUS);
	assert_int_equal(c.user.id, 0);
	/* the session was ended: enabling the account again does not revive it */
	assert_int_equal(
	    bst_q_user_set_status(f->t.p->main, f->user_id, "active", NOW + 2500),
	    BST_QS_ONE_RESULT);
	assert_int_equal(resolve_at(f, token, NOW + 3000), BST_SESSION_NONE);
	/* a new sign-in works again */
	char again[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW + 4000, again, NULL);
	assert_int_equal(resolve_at(f, again, NOW + 5000), BST_SESSION_OK);
}

static void test_session_resolves_to_its_own_user_only(void **state)
{
	struct fx *f = *state;
	int64_t bob = add_user(f, "bob@acme.example", "admin");
	char ta[BST_TOKEN_CHARS + 1], tb[BST_TOKEN_CHARS + 1];
	start_at(f, f->user_id, false, NOW, ta, NULL);
	start_at(f, bob, false, NOW, tb, NULL);
	struct bst_ctx ca = ctx_at(f, NOW + 1000), cb = ctx_at(f, NOW + 1000);
	char ha[BST_HASH_HEX], hb[BST_HASH_HEX];
	assert_int_equal(bst_session_resolve(&ca, ta, ha), BST_SESSION_OK);
	assert_int_equal(bst_session_resolve(&cb, tb, hb), BST_SESSION_OK);
	assert_int_equal(ca.user.id, f->user_id);
	assert_int_equal(cb.user.id, bob);
	assert_false(bst_ctx_is_admin(&ca));
	assert_true(bst_ctx_is_admin(&cb));
	assert_int_not_equal(ca.session_id, cb.session_id);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_session_start_then_resolve_gives_ok_with_the_user),
	    T(test_session_database_holds_the_hash_not_the_token),
	    T(test_session_wrong_token_resolves_to_none),
	    T(test_session_activity_keeps_it_alive_past_the_idle_timeout),
	    T(test_session_idle_timeout_expires_it_and_ends_it_for_good),
	    T(test_session_absolute_lifetime_expires_it_even_with_activity),
	    T(test_session_rotate_makes_old_token_worthless_and_new_one_valid),
	    T(test_session_rotate_after_second_factor_leaves_pending_state),
	    T(test_session_pending_second_factor_expires_after_its_ttl),
	    T(test_session_end_ends_it_and_is_audited),
	    T(test_session_end_leaves_other_sessions_alive),
	    T(test_session_of_disabled_user_resolves_to_none),
	    T(test_session_resolves_to_its_own_user_only),
	};
#undef T
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
