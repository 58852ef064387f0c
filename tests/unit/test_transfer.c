/* Unit tests for the transfer's destination URL (src/ops/transfer_url.c)
 * and the checks of its authentication options (src/ops/transfer.c):
 * what is accepted comes out in pieces, what is not is refused with a
 * sentence, and a password never sits in a URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ops/transfer.h"

static const char PIN[] = "hGYVULShYQ0vjEpHCWbcse9t9CqKmZ/XqWilTLUxWEw";
static const char KEYPIN[] = "sha256//MQOgOYfvMgXNZmdTCsjUOG6+HUgQDtc4OsQwktnRz80=";

static int parse(const char *url, struct bst_transfer_url *u, char *err)
{
	err[0] = '\0';
	return bst_transfer_parse_url(url, u, err, 256);
}

static void test_transfer_url_sftp_with_defaults_and_home(void **state)
{
	struct bst_transfer_url u;
	char err[256];
	assert_int_equal(
	    parse("sftp://client@backup.example.org/~/exports/acme.tar.zst.gpg", &u, err),
	    0);
	assert_int_equal(u.proto, BST_TRANSFER_SFTP);
	assert_string_equal(u.user, "client");
	assert_string_equal(u.host, "backup.example.org");
	assert_int_equal(u.port, 22);
	assert_string_equal(u.path, "/~/exports/acme.tar.zst.gpg");
	char out[512];
	bst_transfer_url_format(&u, out, sizeof out);
	assert_string_equal(
	    out, "sftp://client@backup.example.org:22/~/exports/acme.tar.zst.gpg");
}

static void test_transfer_url_ftps_port_and_ipv6(void **state)
{
	struct bst_transfer_url u;
	char err[256];
	assert_int_equal(
	    parse("ftps://ftp.user@127.0.0.1:2121/in/x_1-2+3=4,5@6", &u, err), 0);
	assert_int_equal(u.proto, BST_TRANSFER_FTPS);
	assert_int_equal(u.port, 2121);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(parse("ftps://u@host/f", &u, err), 0);
	assert_int_equal(u.port, 21);
	assert_int_equal(parse("sftp://u@[::1]:2222/f", &u, err), 0);
	assert_string_equal(u.host, "[::1]");
	assert_int_equal(u.port, 2222);
	assert_int_equal(parse("sftp://u@[::1]/f", &u, err), 0);
	assert_int_equal(u.port, 22);
}

static void test_transfer_url_refuses_plain_ftp_and_other_schemes(void **state)
{
	struct bst_transfer_url u;
	char err[256];
	assert_int_equal(parse("ftp://u@host/f", &u, err), -1);
	assert_non_null(strstr(err, "plain FTP is refused"));
	assert_int_equal(parse("FTPS://u@host/f", &u, err), -1);
	assert_int_equal(parse("https://u@host/f", &u, err), -1);
	assert_int_equal(parse("scp://u@host/f", &u, err), -1);
	assert_int_equal(parse("", &u, err), -1);
}

static void test_transfer_url_refuses_password_and_missing_user(void **state)
{
	struct bst_transfer_url u;
	char err[256];
	assert_int_equal(parse("ftps://u:secret@host/f", &u, err), -1);
	assert_non_null(strstr(err, "no password in the URL"));
	assert_null(strstr(err, "secret"));
	assert_int_equal(parse("sftp://host/f", &u, err), -1);
	assert_int_equal(parse("sftp://@host/f", &u, err), -1);
	assert_int_equal(parse("sftp://-oProxyCommand@host/f", &u, err), -1);
	assert_int_equal(parse("sftp://u u@host/f", &u, err), -1);
}

static void test_transfer_url_refuses_bad_hosts_and_ports(void **state)
{
	static const char *bad[] = {
	    "sftp://u@/f",        "sftp://u@-h/f",    "sftp://u@h-/f",
	    "sftp://u@a..b/f",    "sftp://u@h_x/f",   "sftp://u@h:0/f",
	    "sftp://u@h:65536/f", "sftp://u@h:022/f", "sftp://u@h:/f",
	    "sftp://u@h:22:23/f", "sftp://u@[::1/f",  "sftp://u@[::1]x/f",
	    "sftp://u@[zz]/f",    "sftp://u@h%2e/f",  "sftp://u@a@b/f",
	};
	struct bst_transfer_url u;
	char err[256];
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (parse(bad[i], &u, err) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_true(err[0] != '\0');
	}
}

static void test_transfer_url_refuses_paths_that_are_not_plain(void **state)
{
	static const char *bad[] = {
	    "sftp://u@h",       "sftp://u@h/",       "sftp://u@h/dir/",
	    "sftp://u@h//f",    "sftp://u@h/a/../f", "sftp://u@h/./f",
	    "sftp://u@h/a%20b", "sftp://u@h/a b",    "sftp://u@h/f?x=1",
	    "sftp://u@h/f#x",   "sftp://u@h/a;b",    "sftp://u@h/a\"b",
	    "sftp://u@h/~",     "sftp://u@h/a/~/f",  "ftps://u@h/~/f",
	    "sftp://u@h/a\nb",  "sftp://u@h/a'b",    "sftp://u@h/a\\b",
	};
	struct bst_transfer_url u;
	char err[256];
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (parse(bad[i], &u, err) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_true(err[0] != '\0');
	}
}

static void test_transfer_url_limits_lengths(void **state)
{
	struct bst_transfer_url u;
	char err[256];
	char url[2048];
	char name[300];
	memset(name, 'a', BST_TRANSFER_NAME_MAX);
	name[BST_TRANSFER_NAME_MAX] = '\0';
	snprintf(url, sizeof url, "sftp://u@h/%s", name);
	assert_int_equal(parse(url, &u, err), 0);
	snprintf(url, sizeof url, "sftp://u@h/%sa", name);
	assert_int_equal(parse(url, &u, err), -1);
	char user[80];
	memset(user, 'u', 65);
	user[65] = '\0';
	snprintf(url, sizeof url, "sftp://%s@h/f", user);
	assert_int_equal(parse(url, &u, err), -1);
	char path[1100];
	for (int i = 0; i < 1090; i += 2)
		path[i] = '/', path[i + 1] = 'd';
	path[1090] = '\0';
	snprintf(url, sizeof url, "sftp://u@h%s", path);
	assert_int_equal(parse(url, &u, err), -1);
}

static void test_transfer_auth_fits_the_protocol(void **state)
{
	struct bst_transfer_url s, f;
	char err[256];
	assert_int_equal(parse("sftp://u@h/f", &s, err), 0);
	assert_int_equal(parse("ftps://u@h/f", &f, err), 0);
	struct bst_transfer_auth a = {.ssh_key = "k", .host_key_sha256 = PIN};
	assert_int_equal(bst_transfer_check_auth(&s, &a, err, sizeof err), 0);
	a.host_key_sha256 = "SHA256:hGYVULShYQ0vjEpHCWbcse9t9CqKmZ/XqWilTLUxWEw";
	assert_int_equal(bst_transfer_check_auth(&s, &a, err, sizeof err), 0);
	a.host_key_sha256 = NULL; /* no pin, no transfer */
	assert_int_equal(bst_transfer_check_auth(&s, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "pinned"));
	a.host_key_sha256 = "hGYVULShYQ0vjEpHCWbcse9t9CqKmZ/XqWilTLUxWE"; /* cut short */
	assert_int_equal(bst_transfer_check_auth(&s, &a, err, sizeof err), -1);
	a.host_key_sha256 = "MD5:00:11:22";
	assert_int_equal(bst_transfer_check_auth(&s, &a, err, sizeof err), -1);
	/* ftps options on sftp, and the other way round */
	assert_int_equal(bst_transfer_check_auth(&f, &a, err, sizeof err), -1);
	struct bst_transfer_auth p = {
	    .ssh_key = "k", .host_key_sha256 = PIN, .password_file = "p"};
	assert_int_equal(bst_transfer_check_auth(&s, &p, err, sizeof err), -1);

	struct bst_transfer_auth b = {.password_file = "p", .ca_file = "ca.pem"};
	assert_int_equal(bst_transfer_check_auth(&f, &b, err, sizeof err), 0);
	b.ca_file = NULL; /* neither CA nor pin: refused */
	assert_int_equal(bst_transfer_check_auth(&f, &b, err, sizeof err), -1);
	b.pinned_key = KEYPIN;
	assert_int_equal(bst_transfer_check_auth(&f, &b, err, sizeof err), 0);
	char two[200];
	snprintf(two, sizeof two, "%s;%s", KEYPIN, KEYPIN);
	b.pinned_key = two;
	assert_int_equal(bst_transfer_check_auth(&f, &b, err, sizeof err), 0);
	b.pinned_key =
	    "sha256//MQOgOYfvMgXNZmdTCsjUOG6+HUgQDtc4OsQwktnRz80"; /* no padding */
	assert_int_equal(bst_transfer_check_auth(&f, &b, err, sizeof err), -1);
	b.pinned_key = "MQOgOYfvMgXNZmdTCsjUOG6+HUgQDtc4OsQwktnRz80=";
	assert_int_equal(bst_transfer_check_auth(&f, &b, err, sizeof err), -1);
	snprintf(two, sizeof two, "%s;", KEYPIN);
	b.pinned_key = two;
	assert_int_equal(bst_transfer_check_auth(&f, &b, err, sizeof err), -1);
	b.pinned_key = KEYPIN;
	b.password_file = NULL;
	assert_int_equal(bst_transfer_check_auth(&f, &b, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transfer_url_sftp_with_defaults_and_home),
	    cmocka_unit_test(test_transfer_url_ftps_port_and_ipv6),
	    cmocka_unit_test(test_transfer_url_refuses_plain_ftp_and_other_schemes),
	    cmocka_unit_test(test_transfer_url_refuses_password_and_missing_user),
	    cmocka_unit_test(test_transfer_url_refuses_bad_hosts_and_ports),
	    cmocka_unit_test(test_transfer_url_refuses_paths_that_are_not_plain),
	    cmocka_unit_test(test_transfer_url_limits_lengths),
	    cmocka_unit_test(test_transfer_auth_fits_the_protocol),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
