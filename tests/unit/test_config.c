/* Unit tests for src/core/config.c: defaults, an INI file with every key,
 * and the errors (unknown key, bad value, missing file) naming their line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

struct fx {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/bst-test-config-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/bastide.ini", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unlink(f->path);
	int rc = rmdir(f->dir);
	free(f);
	return rc;
}

static void write_file(const struct fx *f, const char *text)
{
	FILE *fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Loads text over the defaults; returns bst_config_load's result. */
static int load(const struct fx *f, const char *text, struct bst_config *c, char *err,
		size_t errlen)
{
	write_file(f, text);
	bst_config_defaults(c);
	return bst_config_load(c, f->path, err, errlen);
}

static void test_config_defaults_are_safe_and_local(void **state)
{
	struct bst_config c;
	memset(&c, 0xAA, sizeof c);
	bst_config_defaults(&c);
	assert_string_equal(c.data_dir, "");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.tls_listen, "");
	assert_string_equal(c.tls_cert, "");
	assert_string_equal(c.tls_key, "");
	assert_int_equal(c.threads, 0);
	assert_int_equal(c.max_connections, 4096);
	assert_int_equal(c.per_ip_connections, 256);
	assert_int_equal(c.timeout_s, 30);
	assert_int_equal(c.max_body, 1 << 20);
	assert_int_equal(c.max_header, 32 * 1024);
	assert_int_equal(c.login_rate_per_min, 30);
	assert_int_equal(c.n_trusted_proxies, 0);
	assert_string_equal(c.smtp_url, "");
	assert_string_equal(c.smtp_user, "");
	assert_string_equal(c.smtp_password, "");
	assert_string_equal(c.smtp_from, "");
	assert_string_equal(c.public_scheme, "http");
	assert_int_equal(c.public_port, 0);
}

static void test_config_file_with_every_key_is_parsed(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600] = "untouched";
	int rc = load(f,
		      "; Bastide configuration\n"
		      "[server]\n"
		      "data = /var/lib/bastide\n"
		      "listen = 0.0.0.0:8081\n"
		      "tls_listen = 0.0.0.0:8443\n"
		      "tls_cert = /etc/bastide/cert.pem\n"
		      "tls_key = /etc/bastide/key.pem\n"
		      "threads = 8\n"
		      "max_connections = 1000\n"
		      "per_ip_connections = 20\n"
		      "timeout = 15\n"
		      "max_body = 2097152\n"
		      "max_header = 16384\n"
		      "login_rate_per_minute = 12\n"
		      "trusted_proxy = 10.0.0.1\n"
		      "trusted_proxy = ::1\n"
		      "public_scheme = https\n"
		      "public_port = 443\n"
		      "\n"
		      "[smtp]\n"
		      "url = smtps://mail.example.org:465\n"
		      "user = bastide\n"
		      "password = s3cret with spaces\n"
		      "from = Bastide <noreply@example.org>\n",
		      &c, err, sizeof err);
	if (rc != 0)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_string_equal(c.data_dir, "/var/lib/bastide");
	assert_string_equal(c.listen, "0.0.0.0:8081");
	assert_string_equal(c.tls_listen, "0.0.0.0:8443");
	assert_string_equal(c.tls_cert, "/etc/bastide/cert.pem");
	assert_string_equal(c.tls_key, "/etc/bastide/key.pem");
	assert_int_equal(c.threads, 8);
	assert_int_equal(c.max_connections, 1000);
	assert_int_equal(c.per_ip_connections, 20);
	assert_int_equal(c.timeout_s, 15);
	assert_int_equal(c.max_body, 2097152);
	assert_int_equal(c.max_header, 16384);
	assert_int_equal(c.login_rate_per_min, 12);
	assert_int_equal(c.n_trusted_proxies, 2);
	assert_string_equal(c.trusted_proxies[0], "10.0.0.1");
	assert_string_equal(c.trusted_proxies[1], "::1");
	assert_string_equal(c.public_scheme, "https");
	assert_int_equal(c.public_port, 443);
	assert_string_equal(c.smtp_url, "smtps://mail.example.org:465");
	assert_string_equal(c.smtp_user, "bastide");
	assert_string_equal(c.smtp_password, "s3cret with spaces");
	assert_string_equal(c.smtp_from, "Bastide <noreply@example.org>");
}

static void test_config_file_keeps_defaults_for_keys_it_omits(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600];
	assert_int_equal(load(f, "[server]\nthreads = 2\n", &c, err, sizeof err), 0);
	assert_int_equal(c.threads, 2);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.max_connections, 4096);
	assert_string_equal(c.public_scheme, "http");

	/* an empty file is a valid configuration */
	assert_int_equal(load(f, "", &c, err, sizeof err), 0);
	assert_string_equal(c.listen, "127.0.0.1:8080");
}

static void test_config_unknown_key_is_an_error_naming_its_line(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600];
	assert_int_equal(
	    load(f, "[server]\nthreads = 2\n\ncolour = blue\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "line 4"));
	assert_non_null(strstr(err, "unknown setting [server] colour"));

	/* a known key in the wrong section is unknown too */
	assert_int_equal(load(f, "[smtp]\nlisten = 0.0.0.0:80\n", &c, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "line 2"));
	assert_non_null(strstr(err, "unknown setting [smtp] listen"));

	/* and so is a key before any section */
	assert_int_equal(load(f, "threads = 2\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "line 1"));
	assert_non_null(strstr(err, "unknown setting"));
}

static void test_config_bad_number_is_an_error_naming_its_line(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
	    "[server]\nthreads = many\n",
	    "[server]\nthreads = 8x\n",
	    "[server]\nthreads =\n",
	    "[server]\nthreads = -1\n",
	    "[server]\nthreads = 1000000001\n",
	    "[server]\nthreads = 99999999999999999999999\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct bst_config c;
		char err[600] = "";
		int rc = load(f, bad[i], &c, err, sizeof err);
		if (rc != -1)
			print_error("accepted: %s", bad[i]);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, "line 2"));
		assert_non_null(strstr(err, "invalid value for [server] threads"));
	}
	/* the other numeric keys are checked the same way */
	struct bst_config c;
	char err[600];
	assert_int_equal(load(f, "[server]\nmax_body = 1MB\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid value for [server] max_body"));
	assert_int_equal(
	    load(f, "[server]\n\n\npublic_port = http\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "line 4"));
	assert_non_null(strstr(err, "invalid value for [server] public_port"));
	/* the per-file limit of documents: 1 to BST_CONFIG_FILE_MB_MAX MB */
	assert_int_equal(load(f, "[documents]\nmax_file_mb = 0\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid value for [documents] max_file_mb"));
	assert_int_equal(load(f, "[documents]\nmax_file_mb = 2001\n", &c, err, sizeof err), -1);
	assert_int_equal(load(f, "[documents]\nmax_file_mb = 2000\n", &c, err, sizeof err), 0);
	assert_int_equal(c.doc_max_file_mb, 2000);
}

static void test_config_bad_scheme_and_too_many_proxies_are_errors(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600];
	assert_int_equal(load(f, "[server]\npublic_scheme = ftp\n", &c, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "invalid value for [server] public_scheme"));

	char text[2048] = "[server]\n";
	for (int i = 0; i <= BST_MAX_TRUSTED_PROXIES; i++) {
		char line[64];
		snprintf(line, sizeof line, "trusted_proxy = 10.0.0.%d\n", i + 1);
		strcat(text, line);
	}
	assert_int_equal(load(f, text, &c, err, sizeof err), -1);
	char want[32];
	snprintf(want, sizeof want, "line %d", BST_MAX_TRUSTED_PROXIES + 2);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "invalid value for [server] trusted_proxy"));
	assert_int_equal(c.n_trusted_proxies, BST_MAX_TRUSTED_PROXIES);
}

static void test_config_overlong_value_is_an_error(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600];
	char text[512] = "[server]\nlisten = ";
	size_t n = strlen(text);
	memset(text + n, '9', sizeof c.listen); /* one more than fits with its NUL */
	strcpy(text + n + sizeof c.listen, "\n");
	assert_int_equal(load(f, text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid value for [server] listen"));
}

static void test_config_refuses_an_audit_retention_below_six_months(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600];
	assert_int_equal(load(f, "[audit]\nretention_days = 182\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "line 2"));
	assert_non_null(strstr(err, "retention_days is 182, below the floor of 183 days"));
	assert_int_equal(load(f, "[audit]\nretention_days = 183\n", &c, err, sizeof err), 0);
	assert_int_equal(c.audit_retention_days, 183);
	assert_int_equal(load(f, "[server]\n", &c, err, sizeof err), 0);
	assert_int_equal(c.audit_retention_days, 365);
}

static void test_config_backup_targets(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600];
	assert_int_equal(load(f,
			      "[backup]\ndrill_days = 3\n"
			      "[target offsite]\nurl = sftp://b@h.example:2222/~/bk\n"
			      "ssh_key = /k\nhost_key_sha256 = SHA256:abc\nprovider = P SAS\n"
			      "region = EU (France)\n"
			      "[target disk-2]\nurl = /mnt/backup\nprovider = us\nregion = here\n",
			      &c, err, sizeof err),
			 0);
	assert_int_equal(c.backup_drill_days, 3);
	assert_int_equal(c.n_targets, 2);
	assert_string_equal(c.targets[0].name, "offsite");
	assert_string_equal(c.targets[0].url, "sftp://b@h.example:2222/~/bk");
	assert_string_equal(c.targets[0].region, "EU (France)");
	assert_string_equal(c.targets[1].name, "disk-2");
	assert_ptr_equal(bst_config_target(&c, "disk-2"), &c.targets[1]);
	assert_null(bst_config_target(&c, "nope"));
	/* a target says where it is and who hosts it */
	assert_int_equal(load(f, "[target t]\nurl = /mnt/b\nprovider = p\n", &c, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "[target t] needs region"));
	assert_int_equal(load(f, "[target Bad Name]\nurl = /x\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "a target's name is"));
	assert_int_equal(load(f, "[target t]\ncolour = blue\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown setting [target t] colour"));
	/* at most BST_MAX_BACKUP_TARGETS */
	char many[2000] = "";
	for (int i = 0; i <= BST_MAX_BACKUP_TARGETS; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
			 "[target t%d]\nurl = /m\nprovider = p\nregion = r\n", i);
	assert_int_equal(load(f, many, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "at most 8 targets"));
	assert_int_equal(load(f, "[server]\n", &c, err, sizeof err), 0);
	assert_int_equal(c.n_targets, 0);
	assert_int_equal(c.backup_drill_days, 7);
}

static void test_config_syntax_error_names_its_line(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600];
	assert_int_equal(load(f, "[server]\nthreads = 2\nthis is not a setting\n", &c,
			      err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "line 3"));
}

static void test_config_missing_file_is_an_error(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	char err[600] = "";
	char missing[160];
	snprintf(missing, sizeof missing, "%s/no-such.ini", f->dir);
	bst_config_defaults(&c);
	assert_int_equal(bst_config_load(&c, missing, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot read configuration file"));
	assert_non_null(strstr(err, missing));
	/* nothing was changed */
	assert_string_equal(c.listen, "127.0.0.1:8080");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_defaults_are_safe_and_local),
	    cmocka_unit_test_setup_teardown(test_config_file_with_every_key_is_parsed,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_config_file_keeps_defaults_for_keys_it_omits, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_config_unknown_key_is_an_error_naming_its_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_config_bad_number_is_an_error_naming_its_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_config_bad_scheme_and_too_many_proxies_are_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_overlong_value_is_an_error, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_config_refuses_an_audit_retention_below_six_months, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_backup_targets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_syntax_error_names_its_line,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_missing_file_is_an_error, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
