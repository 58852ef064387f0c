/* Unit tests for the installation's SSH key (src/ops/transfer_key.c): the
 * key is made once, in OpenSSH's own format (stock ssh-keygen reads it and
 * derives the same public line and fingerprint), with mode 0600, and is
 * never replaced by a second call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "ops/transfer_key.h"

/* The first line cmd prints, without its newline. */
static void first_line(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	if (!fgets(out, (int)len, p))
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
}

static void test_transfer_key_is_made_once_and_ssh_keygen_reads_it(void **state)
{
	(void)state;
	char dir[] = "/tmp/bst-transfer-key-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[700], line[BST_TRANSFER_PUBLINE_MAX + 1], fp[BST_TRANSFER_KEY_FP_MAX + 1];
	char err[300];
	assert_int_equal(bst_transfer_key_ensure(dir, path, sizeof path, line, fp, err, sizeof err), 0);
	assert_memory_equal(line, "ssh-ed25519 ", 12);
	assert_memory_equal(fp, "SHA256:", 7);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* stock ssh-keygen: the same public key from the private file, the
	 * same fingerprint */
	char cmd[1000], got[400];
	snprintf(cmd, sizeof cmd, "ssh-keygen -y -f '%s' 2>&1", path);
	first_line(cmd, got, sizeof got);
	assert_memory_equal(got, line, 12 + 68);
	snprintf(cmd, sizeof cmd, "ssh-keygen -lf '%s.pub' 2>&1", path);
	first_line(cmd, got, sizeof got);
	assert_non_null(strstr(got, fp));

	/* a second call keeps it */
	char again[BST_TRANSFER_PUBLINE_MAX + 1];
	assert_int_equal(bst_transfer_key_ensure(dir, NULL, 0, again, NULL, err, sizeof err), 0);
	assert_string_equal(again, line);
	/* a lost .pub is written again, from the private key */
	char pub[720];
	snprintf(pub, sizeof pub, "%s.pub", path);
	unlink(pub);
	assert_int_equal(bst_transfer_key_ensure(dir, NULL, 0, again, NULL, err, sizeof err), 0);
	assert_string_equal(again, line);
	assert_int_equal(access(pub, R_OK), 0);

	/* something else under its name is refused, not replaced */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a key\n", f);
	fclose(f);
	assert_int_equal(bst_transfer_key_ensure(dir, NULL, 0, again, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "not in OpenSSH's format"));
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	bst_crypto_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transfer_key_is_made_once_and_ssh_keygen_reads_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
