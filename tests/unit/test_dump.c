/* Unit tests for src/ops/dump.c: the portable SQL dump of a platform. What
 * it writes loads into SQLite and gives back the same rows (texts with
 * quotes, backslashes, newlines, comment markers and non-ASCII included);
 * credentials never appear in it; a table nobody classified stops it with
 * nothing written; a failing writer stops it. Loading into PostgreSQL is
 * tested by tests/integration/export.test.mjs against a real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/q_groups.h"
#include "db/queries.h"
#include "ops/dump.h"

#define NOW 1700000000000LL

/* Texts that break naive dumps. */
static const char tricky[] = "l'été \\n \"quoted\" -- not a comment; DROP TABLE x;\n"
			     "second line \xf0\x9f\x90\x98 ''";

static int setup(void **state)
{
	struct bst_test_platform *t = calloc(1, sizeof *t);
	if (!t || bst_test_platform_open(t, "dump", NOW) != 0)
		return -1;
	bst_db *db = t->p->main;
	int64_t alice = 0, group = 0;
	if (bst_q_user_insert(db, "alice@acme.example", tricky, "member", "active",
			      "$argon2id$SECRET-HASH-MARKER", NOW, &alice) != BST_QS_ONE_RESULT ||
	    bst_q_user_set_totp(db, alice, "TOTP-SEED-MARKER", true, NOW) < 0 ||
	    bst_q_group_insert(db, "Équipe 'A'", tricky, "open", alice, NOW, &group) !=
		BST_QS_ONE_RESULT)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	int rc = bst_test_platform_close(*state);
	free(*state);
	return rc;
}

static int group_setup(void **state)
{
	bst_log_set_level(BST_LOG_ERROR);
	return bst_crypto_init();
}

static int to_buf(void *cls, const char *data, size_t len)
{
	return bst_buf_append(cls, data, len) ? 0 : -1;
}

static int refuse(void *cls, const char *data, size_t len)
{
	return -1;
}

static int64_t count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_dump_loads_into_sqlite_with_the_same_rows(void **state)
{
	struct bst_test_platform *t = *state;
	bst_buf b;
	bst_buf_init(&b);
	struct bst_dump_stats stats;
	char err[256];
	assert_int_equal(bst_dump_sql(t->p, NOW, to_buf, &b, &stats, err, sizeof err), 0);
	assert_int_equal(stats.bytes, (int64_t)b.len);
	/* credentials stay home */
	assert_null(strstr(bst_buf_str(&b), "SECRET-HASH-MARKER"));
	assert_null(strstr(bst_buf_str(&b), "TOTP-SEED-MARKER"));
	assert_null(strstr(bst_buf_str(&b), "password_hash"));
	assert_null(strstr(bst_buf_str(&b), "CREATE TABLE \"sessions\""));
	assert_null(strstr(bst_buf_str(&b), "search_index"));

	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, bst_buf_str(&b), NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("the dump does not load: %s", msg ? msg : "?");
	/* every table's rows, as the stats say, as the source has */
	for (size_t i = 0; i < stats.n_tables; i++) {
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", stats.tables[i].name);
		assert_int_equal(count(db, sql), stats.tables[i].rows);
	}
	assert_int_equal(count(db, "SELECT count(*) FROM users"), 1);
	/* the tricky text came back byte for byte, twice */
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT u.name, g.description, g.name FROM users u,"
					    " groups g WHERE g.created_by = u.id",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), tricky);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), tricky);
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "Équipe 'A'");
	sqlite3_finalize(st);
	/* the second factor's state is a fact worth keeping; its seed is not */
	assert_int_equal(count(db, "SELECT totp_enabled FROM users"), 1);
	sqlite3_close(db);
	bst_buf_free(&b);
}

static void test_dump_stops_on_an_unclassified_table_and_a_failing_writer(void **state)
{
	struct bst_test_platform *t = *state;
	char err[256];
	bst_buf b;
	bst_buf_init(&b);
	assert_int_equal(bst_dump_sql(t->p, NOW, refuse, NULL, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot write"));
	assert_true(bst_db_exec(t->p->main, "CREATE TABLE zz_new (x INTEGER)", NULL, NULL,
				NULL) >= 0);
	assert_int_equal(bst_dump_sql(t->p, NOW, to_buf, &b, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "zz_new"));
	assert_int_equal(b.len, 0); /* nothing written */
	bst_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dump_loads_into_sqlite_with_the_same_rows,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_dump_stops_on_an_unclassified_table_and_a_failing_writer, setup,
		teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
