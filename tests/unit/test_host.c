/* Unit tests for host names and platform slugs (src/tenant/platform.c:
 * bst_host_normalize, bst_slug_valid) and for host resolution end to end:
 * platforms created in a real installation in a temporary directory, then
 * found by the registry from the Host they serve. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/crypto.h"
#include "core/log.h"
#include "db/queries.h"
#include "tenant/install.h"
#include "tenant/platform.h"

/* ---- bst_host_normalize ---- */

static void assert_host(const char *in, const char *want)
{
	char out[BST_HOST_MAX + 1];
	int rc = bst_host_normalize(in, out, sizeof out);
	if (rc != 0)
		print_error("refused \"%s\"\n", in);
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
}

static void assert_host_refused(const char *in)
{
	char out[BST_HOST_MAX + 1];
	int rc = bst_host_normalize(in, out, sizeof out);
	if (rc != -1)
		print_error("accepted \"%s\" as \"%s\"\n", in ? in : "(null)", out);
	assert_int_equal(rc, -1);
}

static void test_host_normalize_lowercases(void **state)
{
	assert_host("demo.localhost", "demo.localhost");
	assert_host("Demo.LocalHost", "demo.localhost");
	assert_host("WWW.EXAMPLE.ORG", "www.example.org");
	assert_host("a-b.c0.example", "a-b.c0.example");
	assert_host("localhost", "localhost");
}

static void test_host_normalize_strips_port(void **state)
{
	assert_host("demo.localhost:8080", "demo.localhost");
	assert_host("Demo.Localhost:80", "demo.localhost");
	assert_host("127.0.0.1:8080", "127.0.0.1");
	assert_host("127.0.0.1", "127.0.0.1");
}

static void test_host_normalize_strips_trailing_dot(void **state)
{
	assert_host("example.org.", "example.org");
	assert_host("Example.Org.:443", "example.org");
}

static void test_host_normalize_accepts_ipv6_literal_with_and_without_port(void **state)
{
	assert_host("[::1]", "[::1]");
	assert_host("[::1]:8080", "[::1]");
	assert_host("[2001:DB8::A]", "[2001:db8::a]");
	assert_host("[2001:db8::a]:443", "[2001:db8::a]");
	assert_host("[::ffff:192.0.2.1]", "[::ffff:192.0.2.1]");
}

static void test_host_normalize_refuses_malformed_ipv6_literals(void **state)
{
	assert_host_refused("[::1");
	assert_host_refused("[::1]x");
	assert_host_refused("[::1]8080");
	assert_host_refused("[::g]");
	assert_host_refused("[::1 ]");
	assert_host_refused("::1"); /* without brackets the colon reads as a port */
}

static void test_host_normalize_refuses_empty(void **state)
{
	assert_host_refused("");
	assert_host_refused(NULL);
	assert_host_refused(".");
	assert_host_refused(":8080");
}

static void test_host_normalize_refuses_empty_labels_and_leading_dash(void **state)
{
	assert_host_refused("a..b");
	assert_host_refused(".example.org");
	assert_host_refused("-x");
	assert_host_refused("-x.example.org");
}

static void test_host_normalize_refuses_bad_ports(void **state)
{
	assert_host_refused("x:");
	assert_host_refused("x:abc");
	assert_host_refused("x:80a");
	assert_host_refused("x:-1");
	assert_host_refused("x:80:81");
	assert_host_refused("x: 80");
}

static void test_host_normalize_refuses_characters_outside_dns_names(void **state)
{
	assert_host_refused("demo localhost");
	assert_host_refused(" demo.localhost");
	assert_host_refused("demo.localhost ");
	assert_host_refused("host/evil");
	assert_host_refused("host\\evil");
	assert_host_refused("user@host");
	assert_host_refused("under_score.example");
	assert_host_refused("host%2eevil");
	assert_host_refused("caf\xC3\xA9.example");
	assert_host_refused("host\r\nX-Evil: 1");
	assert_host_refused("host\tx");
}

static void test_host_normalize_refuses_names_over_253_chars(void **state)
{
	/* 253 characters is the longest DNS name (RFC 1035): accepted. */
	char name[300];
	memset(name, 'a', 253);
	for (int i = 63; i < 253; i += 64)
		name[i] = '.';
	name[253] = '\0';
	char out[BST_HOST_MAX + 1];
	assert_int_equal(bst_host_normalize(name, out, sizeof out), 0);
	assert_string_equal(out, name);
	/* with a trailing dot or a port it is still 253 */
	strcpy(name + 253, ".");
	assert_int_equal(bst_host_normalize(name, out, sizeof out), 0);
	strcpy(name + 253, ":8080");
	assert_int_equal(bst_host_normalize(name, out, sizeof out), 0);
	/* 254 characters: refused */
	strcpy(name + 253, "a");
	assert_int_equal(strlen(name), 254);
	assert_host_refused(name);
	strcpy(name + 253, "a:8080");
	assert_host_refused(name);
}

static void test_host_normalize_refuses_output_too_small(void **state)
{
	char out[8];
	assert_int_equal(bst_host_normalize("example.org", out, sizeof out), -1);
	assert_int_equal(bst_host_normalize("example", out, sizeof out), 0);
	assert_string_equal(out, "example");
	assert_int_equal(bst_host_normalize("x", out, 0), -1);
}

/* ---- bst_slug_valid ---- */

static void test_slug_valid_accepts_lowercase_letters_digits_dashes(void **state)
{
	assert_true(bst_slug_valid("a"));
	assert_true(bst_slug_valid("acme"));
	assert_true(bst_slug_valid("acme-2"));
	assert_true(bst_slug_valid("a-"));
	char slug[BST_SLUG_MAX + 2];
	memset(slug, 'x', BST_SLUG_MAX);
	slug[BST_SLUG_MAX] = '\0';
	assert_true(bst_slug_valid(slug));
	slug[BST_SLUG_MAX] = 'x';
	slug[BST_SLUG_MAX + 1] = '\0';
	assert_false(bst_slug_valid(slug));
}

static void test_slug_valid_refuses_everything_else(void **state)
{
	assert_false(bst_slug_valid(""));
	assert_false(bst_slug_valid("2acme"));
	assert_false(bst_slug_valid("-acme"));
	assert_false(bst_slug_valid("Acme"));
	assert_false(bst_slug_valid("acMe"));
	assert_false(bst_slug_valid("ac_me"));
	assert_false(bst_slug_valid("ac.me"));
	assert_false(bst_slug_valid("ac me"));
	assert_false(bst_slug_valid("../etc"));
	assert_false(bst_slug_valid("acme/x"));
	assert_false(bst_slug_valid("caf\xC3\xA9"));
}

/* ---- host resolution in a real installation ---- */

struct fx {
	char dir[64];
	struct bst_install *in;
};

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	(void)state;
	bst_log_set_level(BST_LOG_WARN);
	return bst_crypto_init();
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/bst-test-host-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	char err[600] = "";
	int created = 0;
	if (bst_install_init(f->dir, &created, err, sizeof err) != 0 || !created ||
	    bst_install_open(f->dir, &f->in, err, sizeof err) != 0) {
		print_error("installation in %s: %s\n", f->dir, err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	bst_install_close(f->in);
	int rc = nftw(f->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return rc;
}

static void create_ok(struct fx *f, const char *slug, const char *const *hosts, size_t n)
{
	char err[600] = "";
	int rc = bst_platform_create(f->in, slug, slug, hosts, n, err, sizeof err);
	if (rc != 0)
		print_error("bst_platform_create(%s): %s\n", slug, err);
	assert_int_equal(rc, 0);
}

static bool platform_dir_exists(const struct fx *f, const char *slug)
{
	char path[160];
	struct stat st;
	snprintf(path, sizeof path, "%s/platforms/%s", f->dir, slug);
	return stat(path, &st) == 0;
}

static void assert_resolves(bst_registry *r, const char *host, const char *slug)
{
	struct bst_platform *p = bst_registry_resolve(r, host);
	if (!p)
		print_error("%s resolves to nothing\n", host);
	assert_non_null(p);
	assert_string_equal(p->slug, slug);
	assert_non_null(p->main);
	assert_non_null(p->audit);
}

static void test_registry_resolves_each_host_to_its_platform(void **state)
{
	struct fx *f = *state;
	/* hosts are normalised at creation */
	static const char *const alpha[] = {"Alpha.Example:8080", "www.alpha.example."};
	static const char *const beta[] = {"beta.example"};
	create_ok(f, "alpha", alpha, 2);
	create_ok(f, "beta", beta, 1);

	bst_registry *r = bst_registry_new(f->in);
	assert_non_null(r);
	assert_resolves(r, "alpha.example", "alpha");
	assert_resolves(r, "www.alpha.example", "alpha");
	assert_resolves(r, "beta.example", "beta");
	assert_ptr_equal(bst_registry_resolve(r, "alpha.example"),
			 bst_registry_resolve(r, "www.alpha.example"));
	assert_ptr_not_equal(bst_registry_resolve(r, "alpha.example"),
			     bst_registry_resolve(r, "beta.example"));

	/* each platform has its own data key */
	struct bst_platform *a = bst_registry_resolve(r, "alpha.example");
	struct bst_platform *b = bst_registry_resolve(r, "beta.example");
	assert_memory_not_equal(a->key, b->key, BST_KEY_BYTES);
	bst_registry_free(r);
}

static void test_registry_resolves_unknown_hosts_to_null(void **state)
{
	struct fx *f = *state;
	static const char *const alpha[] = {"alpha.example", "www.alpha.example"};
	create_ok(f, "alpha", alpha, 2);
	bst_registry *r = bst_registry_new(f->in);
	assert_non_null(r);
	assert_null(bst_registry_resolve(r, "gamma.example"));
	assert_null(bst_registry_resolve(r, ""));
	assert_null(bst_registry_resolve(r, "example"));
	assert_null(bst_registry_resolve(r, "alpha.example.evil"));
	assert_null(bst_registry_resolve(r, "evil.alpha.example"));
	assert_null(bst_registry_resolve(r, "lpha.example"));
	/* resolution takes the normalised form only */
	assert_null(bst_registry_resolve(r, "Alpha.Example"));
	assert_null(bst_registry_resolve(r, "alpha.example:8080"));
	assert_resolves(r, "alpha.example", "alpha");
	bst_registry_free(r);
}

static void test_registry_with_no_platforms_resolves_nothing(void **state)
{
	struct fx *f = *state;
	bst_registry *r = bst_registry_new(f->in);
	assert_non_null(r);
	assert_null(bst_registry_resolve(r, "localhost"));
	bst_registry_refresh(r);
	assert_null(bst_registry_resolve(r, "localhost"));
	bst_registry_free(r);
}

static void test_host_normalize_checks_ipv6_ports_and_brackets(void **state)
{
	assert_host("[::1]", "[::1]");
	assert_host("[::1]:8080", "[::1]");
	assert_host_refused("[::1]:abc");
	assert_host_refused("[::1]:");
	assert_host_refused("[[::1]");
	assert_host_refused("[]");
	assert_host_refused("x..");
}

static void test_registry_finds_platform_created_later_after_refresh(void **state)
{
	struct fx *f = *state;
	static const char *const alpha[] = {"alpha.example"};
	static const char *const gamma[] = {"gamma.example", "g.example"};
	create_ok(f, "alpha", alpha, 1);
	bst_registry *r = bst_registry_new(f->in);
	assert_non_null(r);
	struct bst_platform *a = bst_registry_resolve(r, "alpha.example");
	assert_non_null(a);

	create_ok(f, "gamma", gamma, 2);
	bst_registry_refresh(r);
	assert_resolves(r, "gamma.example", "gamma");
	assert_resolves(r, "g.example", "gamma");
	/* platforms already open stay the same objects */
	assert_ptr_equal(bst_registry_resolve(r, "alpha.example"), a);

	/* a refresh with nothing new changes nothing */
	bst_registry_refresh(r);
	assert_ptr_equal(bst_registry_resolve(r, "alpha.example"), a);
	assert_resolves(r, "gamma.example", "gamma");
	bst_registry_free(r);
}

static void
test_platform_with_host_of_another_platform_is_refused_and_leaves_nothing(void **state)
{
	struct fx *f = *state;
	static const char *const beta[] = {"beta.example"};
	static const char *const delta[] = {"delta.example", "Beta.Example:8080"};
	create_ok(f, "beta", beta, 1);
	bst_registry *r = bst_registry_new(f->in);
	assert_non_null(r);

	char err[600] = "";
	assert_int_equal(
	    bst_platform_create(f->in, "delta", "Delta", delta, 2, err, sizeof err), -1);
	assert_non_null(strstr(err, "already serves another platform"));
	/* no directory, no control row, no data key left behind */
	assert_false(platform_dir_exists(f, "delta"));
	struct bst_platform_row row;
	assert_int_equal(bst_q_platform_get(f->in->control, "delta", &row),
			 BST_QS_NO_RESULTS);
	char hex[256];
	assert_int_equal(bst_q_key_get(f->in->keys, "delta", hex, sizeof hex),
			 BST_QS_NO_RESULTS);
	/* the host still serves its first platform; the other host serves none */
	bst_registry_refresh(r);
	assert_resolves(r, "beta.example", "beta");
	assert_null(bst_registry_resolve(r, "delta.example"));

	/* and the slug can be used again with hosts of its own */
	static const char *const delta_ok[] = {"delta.example"};
	create_ok(f, "delta", delta_ok, 1);
	assert_true(platform_dir_exists(f, "delta"));
	bst_registry_refresh(r);
	assert_resolves(r, "delta.example", "delta");
	assert_resolves(r, "beta.example", "beta");
	bst_registry_free(r);
}

static void test_platform_create_refuses_bad_slug_bad_host_and_existing_slug(void **state)
{
	struct fx *f = *state;
	static const char *const one[] = {"one.example"};
	static const char *const bad_host[] = {"ok.example", "host/evil"};
	char err[600];
	assert_int_equal(
	    bst_platform_create(f->in, "Bad_Slug", "x", one, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid platform name"));
	assert_false(platform_dir_exists(f, "Bad_Slug"));
	assert_int_equal(
	    bst_platform_create(f->in, "x", "x", bad_host, 2, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid host name 'host/evil'"));
	assert_false(platform_dir_exists(f, "x"));
	assert_int_equal(bst_platform_create(f->in, "x", "x", one, 0, err, sizeof err),
			 -1);
	assert_false(platform_dir_exists(f, "x"));

	create_ok(f, "one", one, 1);
	static const char *const other[] = {"other.example"};
	assert_int_equal(
	    bst_platform_create(f->in, "one", "again", other, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "already exists"));
	/* the first one is intact */
	struct bst_platform *p = NULL;
	assert_int_equal(bst_platform_open(f->in, "one", &p, err, sizeof err), 0);
	assert_string_equal(p->slug, "one");
	bst_platform_close(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_normalize_lowercases),
	    cmocka_unit_test(test_host_normalize_strips_port),
	    cmocka_unit_test(test_host_normalize_strips_trailing_dot),
	    cmocka_unit_test(
		test_host_normalize_accepts_ipv6_literal_with_and_without_port),
	    cmocka_unit_test(test_host_normalize_refuses_malformed_ipv6_literals),
	    cmocka_unit_test(test_host_normalize_refuses_empty),
	    cmocka_unit_test(test_host_normalize_checks_ipv6_ports_and_brackets),
	    cmocka_unit_test_setup_teardown(test_registry_with_no_platforms_resolves_nothing,
					    setup, teardown),
	    cmocka_unit_test(test_host_normalize_refuses_empty_labels_and_leading_dash),
	    cmocka_unit_test(test_host_normalize_refuses_bad_ports),
	    cmocka_unit_test(test_host_normalize_refuses_characters_outside_dns_names),
	    cmocka_unit_test(test_host_normalize_refuses_names_over_253_chars),
	    cmocka_unit_test(test_host_normalize_refuses_output_too_small),
	    cmocka_unit_test(test_slug_valid_accepts_lowercase_letters_digits_dashes),
	    cmocka_unit_test(test_slug_valid_refuses_everything_else),
	    cmocka_unit_test_setup_teardown(
		test_registry_resolves_each_host_to_its_platform, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registry_resolves_unknown_hosts_to_null,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_registry_finds_platform_created_later_after_refresh, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_platform_with_host_of_another_platform_is_refused_and_leaves_nothing,
		setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_platform_create_refuses_bad_slug_bad_host_and_existing_slug, setup,
		teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
