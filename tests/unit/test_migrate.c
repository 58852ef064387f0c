/* Unit tests for the store against real SQLite files in a temporary
 * directory: src/db/migrate.c (every kind of database migrates, reopening
 * is idempotent, a newer schema is refused) and every query of the q_*.c
 * files on accounts, sessions, links, recovery codes, API tokens, settings,
 * audit events and the mail queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/trail.h"
#include "core/embedded.h"
#include "core/log.h"
#include "db/queries.h"
#include "db/store.h"

#define NOW 1700000000000LL /* any fixed UTC instant, in ms */
#define MAX_ROWS 16

struct fx {
	char dir[64];
	bst_db *main, *audit, *control;
};

static void path_in(const struct fx *f, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", f->dir, name);
}

static bst_db *open_ok(const struct fx *f, const char *name, enum bst_db_kind kind)
{
	char path[128], err[256] = "";
	bst_db *db = NULL;
	path_in(f, name, path, sizeof path);
	int rc = bst_db_open(path, kind, &db, err, sizeof err);
	if (rc != 0)
		print_error("bst_db_open(%s): %s\n", path, err);
	assert_int_equal(rc, 0);
	assert_non_null(db);
	return db;
}

/* The newest migration compiled in for a kind's directory. */
static int newest_embedded(const char *dir)
{
	int newest = 0;
	size_t dlen = strlen(dir);
	for (const struct bst_embedded_file *e = bst_embedded_files; e->path; e++)
		if (strncmp(e->path, dir, dlen) == 0 && atoi(e->path + dlen) > newest)
			newest = atoi(e->path + dlen);
	return newest;
}

static int group_setup(void **state)
{
	(void)state;
	bst_log_set_level(BST_LOG_WARN);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/bst-test-migrate-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	f->main = open_ok(f, "main.db", BST_DB_PLATFORM);
	f->audit = open_ok(f, "audit.db", BST_DB_AUDIT);
	f->control = open_ok(f, "control.db", BST_DB_CONTROL);
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	bst_db_close(f->main);
	bst_db_close(f->audit);
	bst_db_close(f->control);
	int rc = nftw(f->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return rc;
}

/* ---- collecting rows from the list callbacks ---- */

struct ids {
	int n;
	int64_t id[MAX_ROWS];
};

static void push(struct ids *ids, int64_t id)
{
	assert_true(ids->n < MAX_ROWS);
	ids->id[ids->n++] = id;
}

static void collect_user(void *cls, const struct bst_user_row *u)
{
	push(cls, u->id);
}

static void collect_session(void *cls, const struct bst_session_row *s)
{
	push(cls, s->id);
}

static void collect_token(void *cls, const struct bst_token_row *t)
{
	push(cls, t->id);
}

static void assert_ids(const struct ids *got, int n, const int64_t *want)
{
	assert_int_equal(got->n, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(got->id[i], want[i]);
}

static int64_t add_user(bst_db *db, const char *email, const char *name, const char *role,
			const char *status)
{
	int64_t id = 0;
	assert_int_equal(bst_q_user_insert(db, email, name, role, status, "$argon2id$h", NOW, &id),
			 BST_QS_ONE_RESULT);
	assert_true(id > 0);
	return id;
}

/* ---- migrations ---- */

static void test_open_migrates_every_kind_to_its_newest_migration(void **state)
{
	struct fx *f = *state;
	int v = newest_embedded("migrations/platform/");
	assert_true(v >= 1);
	assert_int_equal(bst_db_schema_version(f->main), v);
	assert_int_equal(bst_db_schema_version(f->audit), newest_embedded("migrations/audit/"));
	assert_int_equal(bst_db_schema_version(f->control),
			 newest_embedded("migrations/control/"));
	bst_db *keys = open_ok(f, "keys.db", BST_DB_KEYS);
	assert_int_equal(bst_db_schema_version(keys), newest_embedded("migrations/keys/"));
	assert_true(bst_db_schema_version(keys) >= 1);
	bst_db_close(keys);
}

static int count_cb(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

static void test_reopening_keeps_data_and_applies_nothing_twice(void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice", "admin", "active");
	int v = bst_db_schema_version(f->main);
	bst_db_close(f->main);
	f->main = open_ok(f, "main.db", BST_DB_PLATFORM);
	bst_db_close(f->main);
	f->main = open_ok(f, "main.db", BST_DB_PLATFORM);

	assert_int_equal(bst_db_schema_version(f->main), v);
	int64_t n = -1;
	assert_int_equal(bst_db_exec(f->main, "SELECT count(*) FROM schema_migrations", NULL,
				     count_cb, &n),
			 BST_QS_ONE_RESULT);
	assert_int_equal(n, v);
	struct bst_user_row u;
	assert_int_equal(bst_q_user_by_id(f->main, alice, &u), BST_QS_ONE_RESULT);
	assert_string_equal(u.email, "alice@example.org");
	/* the settings row of the first migration was not inserted twice */
	struct bst_settings s;
	assert_int_equal(bst_q_settings_get(f->main, &s), BST_QS_ONE_RESULT);
}

static void test_database_newer_than_the_program_is_refused(void **state)
{
	struct fx *f = *state;
	int v = bst_db_schema_version(f->main);
	assert_int_equal(bst_db_exec(f->main,
				     "INSERT INTO schema_migrations (version, name, applied_ms)"
				     " VALUES ($1, 'from_the_future.sql', $2)",
				     (struct bst_qp[]){BST_QP_INT(v + 1), BST_QP_INT(NOW), BST_QP_END},
				     NULL, NULL),
			 BST_QS_ONE_RESULT);
	bst_db_close(f->main);
	f->main = NULL;

	char path[128], err[256] = "";
	bst_db *db = (bst_db *)&db; /* any non-NULL value: open must reset it */
	path_in(f, "main.db", path, sizeof path);
	assert_int_equal(bst_db_open(path, BST_DB_PLATFORM, &db, err, sizeof err), -1);
	assert_null(db);
	assert_non_null(strstr(err, "newer than this program knows"));
	assert_non_null(strstr(err, "main.db"));
}

static void test_open_in_missing_directory_fails_with_a_reason(void **state)
{
	struct fx *f = *state;
	char path[128], err[256] = "";
	bst_db *db = NULL;
	path_in(f, "no/such/dir/main.db", path, sizeof path);
	assert_int_equal(bst_db_open(path, BST_DB_PLATFORM, &db, err, sizeof err), -1);
	assert_null(db);
	assert_true(err[0] != '\0');
}

/* ---- users ---- */

/* A platform's database zeroes what a deletion frees in the pages it
 * writes (secure_delete=FAST): a deleted account's name and e-mail are in
 * no byte of the file afterwards (nor, then, of the page copies backups
 * make of it). */
static void test_platform_database_zeroes_deleted_rows(void **state)
{
	struct fx *f = *state;
	static const char marker[] = "zq-deleted-7f3a9c";
	char email[64];
	int64_t id = 0;
	for (int i = 0; i < 20; i++) {
		snprintf(email, sizeof email, "u%d@example.org", i);
		assert_int_equal(bst_q_user_insert(f->main, email, "Someone", "member", "invited",
						   NULL, NOW, &id),
				 BST_QS_ONE_RESULT);
	}
	assert_int_equal(bst_q_user_insert(f->main, "zq-deleted-7f3a9c@example.org", marker,
					   "member", "invited", NULL, NOW, &id),
			 BST_QS_ONE_RESULT);
	assert_int_equal(bst_db_checkpoint(f->main), 0);
	assert_true(bst_db_exec_once(f->main, "DELETE FROM users WHERE id = $1",
				     (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, NULL, NULL) >= 0);
	assert_int_equal(bst_db_checkpoint(f->main), 0);
	char path[128];
	path_in(f, "main.db", path, sizeof path);
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	static char buf[4 << 20];
	size_t n = fread(buf, 1, sizeof buf, in);
	fclose(in);
	assert_true(n > 0 && n < sizeof buf);
	assert_null(memmem(buf, n, marker, strlen(marker)));
}

static void test_user_insert_lowercases_email_and_reads_back_by_email_and_id(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	assert_int_equal(bst_q_user_insert(f->main, "Bob@Example.ORG", "Bob Durand", "member",
					   "invited", NULL, NOW, &id),
			 BST_QS_ONE_RESULT);
	assert_true(id > 0);

	struct bst_user_row u;
	assert_int_equal(bst_q_user_by_email(f->main, "BOB@example.org", &u), BST_QS_ONE_RESULT);
	assert_int_equal(u.id, id);
	assert_string_equal(u.email, "bob@example.org");
	assert_string_equal(u.name, "Bob Durand");
	assert_string_equal(u.role, "member");
	assert_string_equal(u.status, "invited");
	assert_string_equal(u.password_hash, "");
	assert_string_equal(u.lang, "");
	assert_string_equal(u.totp_secret, "");
	assert_false(u.totp_enabled);
	assert_int_equal(u.totp_last_step, 0);
	assert_int_equal(u.locked_ms, 0);
	assert_int_equal(u.created_ms, NOW);

	struct bst_user_row by_id;
	assert_int_equal(bst_q_user_by_id(f->main, id, &by_id), BST_QS_ONE_RESULT);
	assert_memory_equal(&by_id, &u, sizeof u);

	assert_int_equal(bst_q_user_by_email(f->main, "nobody@example.org", &u),
			 BST_QS_NO_RESULTS);
	assert_int_equal(u.id, 0);
	assert_int_equal(bst_q_user_by_id(f->main, id + 1000, &u), BST_QS_NO_RESULTS);
}

static void test_user_insert_with_taken_email_fails_in_any_case(void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice", "admin", "active");
	int64_t id = 42;
	assert_int_equal(bst_q_user_insert(f->main, "alice@example.org", "Other", "member",
					   "active", NULL, NOW, &id),
			 BST_QS_NO_RESULTS);
	assert_int_equal(id, 0);
	assert_int_equal(bst_q_user_insert(f->main, "ALICE@Example.org", "Other", "member",
					   "active", NULL, NOW, &id),
			 BST_QS_NO_RESULTS);
	struct ids all = {0};
	assert_int_equal(bst_q_user_list(f->main, NULL, 0, 10, collect_user, &all),
			 BST_QS_ONE_RESULT);
	assert_ids(&all, 1, (int64_t[]){alice});
	struct bst_user_row u;
	assert_int_equal(bst_q_user_by_id(f->main, alice, &u), BST_QS_ONE_RESULT);
	assert_string_equal(u.name, "Alice");
}

static void test_user_list_search_is_case_insensitive_and_wildcards_are_literal(void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice Martin", "admin", "active");
	int64_t promo = add_user(f->main, "promo@example.org", "100% off", "member", "active");
	int64_t under = add_user(f->main, "a_b@example.org", "Under Score", "member", "active");
	int64_t slash = add_user(f->main, "slash@example.org", "Back\\slash", "member", "active");
	int64_t plain = add_user(f->main, "axb@example.org", "Plain", "member", "active");

	struct ids got = {0};
	assert_int_equal(bst_q_user_list(f->main, "MARTIN", 0, 10, collect_user, &got), 1);
	assert_ids(&got, 1, (int64_t[]){alice});

	got.n = 0;
	assert_int_equal(bst_q_user_list(f->main, "EXAMPLE.org", 0, 10, collect_user, &got), 5);
	assert_ids(&got, 5, (int64_t[]){alice, promo, under, slash, plain});

	got.n = 0; /* '%' matches only a percent sign, not everything */
	bst_q_user_list(f->main, "%", 0, 10, collect_user, &got);
	assert_ids(&got, 1, (int64_t[]){promo});

	got.n = 0; /* '_' matches only an underscore, not "axb" */
	bst_q_user_list(f->main, "a_b", 0, 10, collect_user, &got);
	assert_ids(&got, 1, (int64_t[]){under});

	got.n = 0;
	bst_q_user_list(f->main, "k\\s", 0, 10, collect_user, &got);
	assert_ids(&got, 1, (int64_t[]){slash});

	got.n = 0;
	assert_int_equal(bst_q_user_list(f->main, "zzz", 0, 10, collect_user, &got),
			 BST_QS_NO_RESULTS);
	assert_int_equal(got.n, 0);

	char huge[1000];
	memset(huge, '%', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	assert_int_equal(bst_q_user_list(f->main, huge, 0, 10, collect_user, &got),
			 BST_QS_NO_RESULTS);
}

static void test_user_list_pages_by_id_after_and_limit(void **state)
{
	struct fx *f = *state;
	int64_t id[5];
	for (int i = 0; i < 5; i++) {
		char email[64];
		snprintf(email, sizeof email, "user%d@example.org", i);
		id[i] = add_user(f->main, email, "User", "member", "active");
	}
	struct ids got = {0};
	assert_int_equal(bst_q_user_list(f->main, NULL, 0, 2, collect_user, &got), 2);
	assert_ids(&got, 2, (int64_t[]){id[0], id[1]});
	got.n = 0;
	assert_int_equal(bst_q_user_list(f->main, NULL, id[1], 2, collect_user, &got), 2);
	assert_ids(&got, 2, (int64_t[]){id[2], id[3]});
	got.n = 0;
	assert_int_equal(bst_q_user_list(f->main, NULL, id[3], 2, collect_user, &got), 1);
	assert_ids(&got, 1, (int64_t[]){id[4]});
}

static void test_user_set_password_activates_invited_and_clears_the_lock(void **state)
{
	struct fx *f = *state;
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "invited");
	int64_t carol = add_user(f->main, "carol@example.org", "Carol", "member", "disabled");
	assert_int_equal(bst_q_user_set_locked(f->main, bob, NOW - 5), BST_QS_ONE_RESULT);

	struct bst_user_row u;
	bst_q_user_by_id(f->main, bob, &u);
	assert_int_equal(u.locked_ms, NOW - 5);

	assert_int_equal(bst_q_user_set_password(f->main, bob, "$argon2id$new", NOW + 1),
			 BST_QS_ONE_RESULT);
	bst_q_user_by_id(f->main, bob, &u);
	assert_string_equal(u.status, "active");
	assert_string_equal(u.password_hash, "$argon2id$new");
	assert_int_equal(u.locked_ms, 0);

	/* a disabled account stays disabled */
	assert_int_equal(bst_q_user_set_password(f->main, carol, "$argon2id$c", NOW + 1),
			 BST_QS_ONE_RESULT);
	bst_q_user_by_id(f->main, carol, &u);
	assert_string_equal(u.status, "disabled");

	assert_int_equal(bst_q_user_set_password(f->main, 9999, "$x", NOW), BST_QS_NO_RESULTS);
}

static void test_user_totp_step_only_moves_forward_and_clearing_resets_it(void **state)
{
	struct fx *f = *state;
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	assert_int_equal(bst_q_user_set_totp(f->main, bob, "c0ffee", false, NOW),
			 BST_QS_ONE_RESULT);
	struct bst_user_row u;
	bst_q_user_by_id(f->main, bob, &u);
	assert_string_equal(u.totp_secret, "c0ffee");
	assert_false(u.totp_enabled);

	assert_int_equal(bst_q_user_set_totp_step(f->main, bob, 100), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_user_set_totp_step(f->main, bob, 100), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_user_set_totp_step(f->main, bob, 99), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_user_set_totp_step(f->main, bob, 101), BST_QS_ONE_RESULT);

	/* enabling keeps the step: the confirming code cannot be replayed */
	assert_int_equal(bst_q_user_set_totp(f->main, bob, "c0ffee", true, NOW),
			 BST_QS_ONE_RESULT);
	bst_q_user_by_id(f->main, bob, &u);
	assert_true(u.totp_enabled);
	assert_int_equal(u.totp_last_step, 101);

	assert_int_equal(bst_q_user_set_totp(f->main, bob, NULL, true, NOW), BST_QS_ONE_RESULT);
	bst_q_user_by_id(f->main, bob, &u);
	assert_string_equal(u.totp_secret, "");
	assert_false(u.totp_enabled);
	assert_int_equal(u.totp_last_step, 0);
}

static void test_user_setters_for_lang_lock_role_status_and_admin_count(void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice", "admin", "active");
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	add_user(f->main, "dave@example.org", "Dave", "admin", "disabled");
	assert_int_equal(bst_q_user_count_active_admins(f->main), 1);

	assert_int_equal(bst_q_user_set_role(f->main, bob, "admin", NOW), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_user_count_active_admins(f->main), 2);
	assert_int_equal(bst_q_user_set_status(f->main, alice, "disabled", NOW),
			 BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_user_count_active_admins(f->main), 1);
	/* the schema refuses values outside its lists */
	assert_int_equal(bst_q_user_set_role(f->main, bob, "root", NOW), BST_QS_HARD_ERROR);

	struct bst_user_row u;
	assert_int_equal(bst_q_user_set_lang(f->main, bob, "en", NOW), BST_QS_ONE_RESULT);
	bst_q_user_by_id(f->main, bob, &u);
	assert_string_equal(u.lang, "en");
	assert_string_equal(u.role, "admin");
	assert_int_equal(bst_q_user_set_lang(f->main, bob, "", NOW), BST_QS_ONE_RESULT);
	bst_q_user_by_id(f->main, bob, &u);
	assert_string_equal(u.lang, "");

	assert_int_equal(bst_q_user_set_locked(f->main, bob, NOW), BST_QS_ONE_RESULT);
	bst_q_user_by_id(f->main, bob, &u);
	assert_int_equal(u.locked_ms, NOW);
	assert_int_equal(bst_q_user_set_locked(f->main, bob, 0), BST_QS_ONE_RESULT);
	bst_q_user_by_id(f->main, bob, &u);
	assert_int_equal(u.locked_ms, 0);
}

static void test_login_failures_count_since_a_time_and_clear(void **state)
{
	struct fx *f = *state;
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	int64_t carol = add_user(f->main, "carol@example.org", "Carol", "member", "active");
	for (int i = 0; i < 3; i++)
		assert_int_equal(bst_q_failure_add(f->main, bob, NOW + i * 1000),
				 BST_QS_ONE_RESULT);
	bst_q_failure_add(f->main, carol, NOW);
	assert_int_equal(bst_q_failure_count(f->main, bob, NOW), 3);
	assert_int_equal(bst_q_failure_count(f->main, bob, NOW + 1000), 2);
	assert_int_equal(bst_q_failure_count(f->main, bob, NOW + 2001), 0);
	assert_int_equal(bst_q_failure_clear(f->main, bob), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_failure_count(f->main, bob, 0), 0);
	assert_int_equal(bst_q_failure_count(f->main, carol, 0), 1);
}

/* ---- sessions ---- */

static void test_session_get_touch_rotate_and_end(void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice", "admin", "active");
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	int64_t sid = 0;
	assert_int_equal(bst_q_session_insert(f->main, "hash-1", alice, NOW, true, "192.0.2.1",
					      "Firefox", &sid),
			 BST_QS_ONE_RESULT);
	assert_true(sid > 0);

	struct bst_session_row s;
	assert_int_equal(bst_q_session_get(f->main, "hash-1", &s), BST_QS_ONE_RESULT);
	assert_int_equal(s.id, sid);
	assert_int_equal(s.created_ms, NOW);
	assert_int_equal(s.last_seen_ms, NOW);
	assert_int_equal(s.auth_ms, NOW);
	assert_true(s.mfa_pending);
	assert_string_equal(s.client_addr, "192.0.2.1");
	assert_string_equal(s.user_agent, "Firefox");
	assert_int_equal(s.ended_ms, 0);
	assert_int_equal(s.user.id, alice);
	assert_string_equal(s.user.email, "alice@example.org");
	assert_string_equal(s.user.role, "admin");
	assert_string_equal(s.user.password_hash, "$argon2id$h");

	assert_int_equal(bst_q_session_touch(f->main, sid, NOW + 10), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_session_rotate(f->main, sid, "hash-2", NOW + 20, false, NOW + 15),
			 BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_session_get(f->main, "hash-1", &s), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_session_get(f->main, "hash-2", &s), BST_QS_ONE_RESULT);
	assert_int_equal(s.id, sid);
	assert_false(s.mfa_pending);
	assert_int_equal(s.auth_ms, NOW + 15);
	assert_int_equal(s.last_seen_ms, NOW + 20);
	assert_int_equal(s.created_ms, NOW);

	/* another user cannot end it by id */
	assert_int_equal(bst_q_session_end(f->main, sid, bob, NOW + 30), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_session_get(f->main, "hash-2", &s), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_session_end(f->main, sid, alice, NOW + 30), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_session_get(f->main, "hash-2", &s), BST_QS_NO_RESULTS);
	/* an ended session is never changed again */
	assert_int_equal(bst_q_session_end(f->main, sid, alice, NOW + 40), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_session_touch(f->main, sid, NOW + 40), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_session_rotate(f->main, sid, "hash-3", NOW + 40, false, NOW),
			 BST_QS_NO_RESULTS);
}

static void test_session_end_user_ends_all_but_the_kept_one_and_list_is_newest_first(
	void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice", "admin", "active");
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	int64_t s[3], other;
	const char *hashes[3] = {"a-1", "a-2", "a-3"};
	for (int i = 0; i < 3; i++)
		bst_q_session_insert(f->main, hashes[i], alice, NOW + i, false, NULL, NULL, &s[i]);
	bst_q_session_insert(f->main, "b-1", bob, NOW, false, "198.51.100.7", "curl", &other);

	struct ids got = {0};
	assert_int_equal(bst_q_session_list(f->main, alice, collect_session, &got), 3);
	assert_ids(&got, 3, (int64_t[]){s[2], s[1], s[0]});

	assert_int_equal(bst_q_session_end_user(f->main, alice, s[1], NOW + 5),
			 BST_QS_ONE_RESULT);
	assert_int_equal(bst_db_changes(), 2);
	got.n = 0;
	bst_q_session_list(f->main, alice, collect_session, &got);
	assert_ids(&got, 1, (int64_t[]){s[1]});
	struct bst_session_row row;
	assert_int_equal(bst_q_session_get(f->main, "a-2", &row), BST_QS_ONE_RESULT);
	assert_string_equal(row.client_addr, ""); /* NULL address stored as "" */
	assert_int_equal(bst_q_session_get(f->main, "b-1", &row), BST_QS_ONE_RESULT);

	assert_int_equal(bst_q_session_end_user(f->main, alice, 0, NOW + 6), BST_QS_ONE_RESULT);
	got.n = 0;
	assert_int_equal(bst_q_session_list(f->main, alice, collect_session, &got),
			 BST_QS_NO_RESULTS);
	got.n = 0;
	bst_q_session_list(f->main, bob, collect_session, &got);
	assert_ids(&got, 1, (int64_t[]){other});
}

/* ---- one-time links and recovery codes ---- */

static void test_link_consume_succeeds_exactly_once(void **state)
{
	struct fx *f = *state;
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "invited");
	assert_int_equal(bst_q_link_insert(f->main, bob, "invite", "link-1", NOW, NOW + 1000),
			 BST_QS_ONE_RESULT);
	int64_t uid = 0;
	assert_int_equal(bst_q_link_peek(f->main, "link-1", "invite", NOW, &uid),
			 BST_QS_ONE_RESULT);
	assert_int_equal(uid, bob);
	assert_int_equal(bst_q_link_consume(f->main, "link-1", "invite", NOW + 1, &uid),
			 BST_QS_ONE_RESULT);
	assert_int_equal(uid, bob);
	assert_int_equal(bst_q_link_consume(f->main, "link-1", "invite", NOW + 2, &uid),
			 BST_QS_NO_RESULTS);
	assert_int_equal(uid, 0);
	assert_int_equal(bst_q_link_peek(f->main, "link-1", "invite", NOW + 2, &uid),
			 BST_QS_NO_RESULTS);
}

static void test_link_refuses_expired_wrong_purpose_and_revoked(void **state)
{
	struct fx *f = *state;
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	int64_t uid = 0;
	bst_q_link_insert(f->main, bob, "reset", "expiring", NOW, NOW + 10);
	assert_int_equal(bst_q_link_consume(f->main, "expiring", "invite", NOW, &uid),
			 BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_link_peek(f->main, "expiring", "reset", NOW + 10, &uid),
			 BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_link_consume(f->main, "expiring", "reset", NOW + 10, &uid),
			 BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_link_consume(f->main, "unknown", "reset", NOW, &uid),
			 BST_QS_NO_RESULTS);

	bst_q_link_insert(f->main, bob, "reset", "reset-a", NOW, NOW + 1000);
	bst_q_link_insert(f->main, bob, "reset", "reset-b", NOW, NOW + 1000);
	bst_q_link_insert(f->main, bob, "invite", "invite-a", NOW, NOW + 1000);
	assert_int_equal(bst_q_link_revoke_user(f->main, bob, "reset", NOW + 1),
			 BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_link_consume(f->main, "reset-a", "reset", NOW + 1, &uid),
			 BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_link_consume(f->main, "reset-b", "reset", NOW + 1, &uid),
			 BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_link_consume(f->main, "invite-a", "invite", NOW + 1, &uid),
			 BST_QS_ONE_RESULT);
}

static void test_recovery_code_is_used_once_and_replacement_is_all_or_nothing(void **state)
{
	struct fx *f = *state;
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	int64_t carol = add_user(f->main, "carol@example.org", "Carol", "member", "active");
	const char *first[] = {"h1", "h2", "h3"};
	assert_int_equal(bst_q_recovery_replace(f->main, bob, first, 3), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_recovery_remaining(f->main, bob), 3);

	assert_int_equal(bst_q_recovery_use(f->main, bob, "h2", NOW), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_recovery_use(f->main, bob, "h2", NOW), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_recovery_use(f->main, bob, "nope", NOW), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_recovery_use(f->main, carol, "h1", NOW), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_recovery_remaining(f->main, bob), 2);
	assert_int_equal(bst_q_recovery_remaining(f->main, carol), 0);

	/* a failing insert rolls the deletion of the old codes back */
	const char *broken[] = {"h9", NULL};
	assert_true(bst_q_recovery_replace(f->main, bob, broken, 2) < 0);
	assert_int_equal(bst_q_recovery_remaining(f->main, bob), 2);
	assert_int_equal(bst_q_recovery_use(f->main, bob, "h9", NOW), BST_QS_NO_RESULTS);

	const char *second[] = {"h4"};
	assert_int_equal(bst_q_recovery_replace(f->main, bob, second, 1), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_recovery_remaining(f->main, bob), 1);
	assert_int_equal(bst_q_recovery_use(f->main, bob, "h1", NOW), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_recovery_use(f->main, bob, "h4", NOW), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_recovery_remaining(f->main, bob), 0);
}

/* ---- API tokens ---- */

static void test_token_auth_refuses_revoked_expired_and_inactive_owner(void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice", "admin", "active");
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	int64_t t1, t2, t3;
	assert_int_equal(bst_q_token_insert(f->main, alice, "ci", "tok-1", "read", NOW, 0, &t1),
			 BST_QS_ONE_RESULT);
	bst_q_token_insert(f->main, alice, "short", "tok-2", "read-write", NOW, NOW + 100, &t2);
	bst_q_token_insert(f->main, bob, "bob's", "tok-3", "read", NOW, 0, &t3);
	assert_true(t1 > 0 && t2 > t1 && t3 > t2);

	struct bst_token_row tok;
	struct bst_user_row user;
	assert_int_equal(bst_q_token_auth(f->main, "tok-1", NOW, &tok, &user), BST_QS_ONE_RESULT);
	assert_int_equal(tok.id, t1);
	assert_int_equal(tok.user_id, alice);
	assert_string_equal(tok.name, "ci");
	assert_string_equal(tok.scope, "read");
	assert_int_equal(tok.expires_ms, 0);
	assert_int_equal(tok.revoked_ms, 0);
	assert_string_equal(tok.email, "alice@example.org");
	assert_int_equal(user.id, alice);
	assert_string_equal(user.role, "admin");

	/* expiry is exclusive */
	assert_int_equal(bst_q_token_auth(f->main, "tok-2", NOW + 99, &tok, &user),
			 BST_QS_ONE_RESULT);
	assert_int_equal(tok.expires_ms, NOW + 100);
	assert_int_equal(bst_q_token_auth(f->main, "tok-2", NOW + 100, &tok, &user),
			 BST_QS_NO_RESULTS);
	assert_int_equal(tok.id, 0);
	assert_int_equal(user.id, 0);

	assert_int_equal(bst_q_token_auth(f->main, "tok-3", NOW, &tok, &user), BST_QS_ONE_RESULT);
	bst_q_user_set_status(f->main, bob, "disabled", NOW);
	assert_int_equal(bst_q_token_auth(f->main, "tok-3", NOW, &tok, &user), BST_QS_NO_RESULTS);
	bst_q_user_set_status(f->main, bob, "invited", NOW);
	assert_int_equal(bst_q_token_auth(f->main, "tok-3", NOW, &tok, &user), BST_QS_NO_RESULTS);

	/* revocation: only the owner (or anyone with user_id 0), only once */
	assert_int_equal(bst_q_token_revoke(f->main, t1, bob, NOW + 1), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_token_auth(f->main, "tok-1", NOW, &tok, &user), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_token_revoke(f->main, t1, alice, NOW + 1), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_token_revoke(f->main, t1, alice, NOW + 2), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_token_auth(f->main, "tok-1", NOW + 1, &tok, &user),
			 BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_token_revoke(f->main, t3, 0, NOW + 3), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_token_auth(f->main, "unknown", NOW, &tok, &user),
			 BST_QS_NO_RESULTS);
}

struct token_seen {
	struct ids ids;
	struct bst_token_row first;
};

static void keep_token(void *cls, const struct bst_token_row *t)
{
	struct token_seen *s = cls;
	if (s->ids.n == 0)
		s->first = *t;
	push(&s->ids, t->id);
}

static void test_token_list_shows_owner_email_newest_first_for_one_or_all(void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice", "admin", "active");
	int64_t bob = add_user(f->main, "bob@example.org", "Bob", "member", "active");
	int64_t t1, t2, t3;
	bst_q_token_insert(f->main, alice, "a1", "tok-1", "read", NOW, 0, &t1);
	bst_q_token_insert(f->main, bob, "b1", "tok-2", "read", NOW, 0, &t2);
	bst_q_token_insert(f->main, alice, "a2", "tok-3", "read", NOW, NOW + 50, &t3);
	assert_int_equal(bst_q_token_touch(f->main, t1, NOW + 7), BST_QS_ONE_RESULT);
	bst_q_token_revoke(f->main, t1, alice, NOW + 8);

	struct ids all = {0};
	assert_int_equal(bst_q_token_list(f->main, 0, collect_token, &all), 3);
	assert_ids(&all, 3, (int64_t[]){t3, t2, t1});

	struct token_seen seen = {0};
	bst_q_token_list(f->main, bob, keep_token, &seen);
	assert_ids(&seen.ids, 1, (int64_t[]){t2});
	assert_string_equal(seen.first.email, "bob@example.org");
	assert_int_equal(seen.first.last_used_ms, 0);

	memset(&seen, 0, sizeof seen);
	bst_q_token_list(f->main, alice, keep_token, &seen);
	assert_ids(&seen.ids, 2, (int64_t[]){t3, t1});
	assert_int_equal(seen.first.expires_ms, NOW + 50);
}

static void last_token(void *cls, const struct bst_token_row *t)
{
	*(struct bst_token_row *)cls = *t;
}

static void test_token_touch_and_revoke_show_in_the_list(void **state)
{
	struct fx *f = *state;
	int64_t alice = add_user(f->main, "alice@example.org", "Alice", "admin", "active");
	int64_t t1;
	bst_q_token_insert(f->main, alice, "a1", "tok-1", "read", NOW, 0, &t1);
	bst_q_token_touch(f->main, t1, NOW + 7);
	bst_q_token_revoke(f->main, t1, 0, NOW + 8);
	struct bst_token_row t;
	memset(&t, 0, sizeof t);
	assert_int_equal(bst_q_token_list(f->main, alice, last_token, &t), 1);
	assert_int_equal(t.id, t1);
	assert_int_equal(t.created_ms, NOW);
	assert_int_equal(t.last_used_ms, NOW + 7);
	assert_int_equal(t.revoked_ms, NOW + 8);
	assert_int_equal(t.expires_ms, 0);
}

/* ---- settings ---- */

static void test_settings_defaults_and_round_trip(void **state)
{
	struct fx *f = *state;
	struct bst_settings s;
	assert_int_equal(bst_q_settings_get(f->main, &s), BST_QS_ONE_RESULT);
	assert_string_equal(s.registration, "closed");
	assert_string_equal(s.registration_domains, "");
	assert_int_equal(s.idle_timeout_s, 43200);
	assert_int_equal(s.absolute_timeout_s, 1209600);
	assert_string_equal(s.mfa_policy, "admins");
	assert_string_equal(s.default_lang, "fr");
	assert_false(s.demo);

	struct bst_settings w = {
		.registration = "open",
		.registration_domains = "example.org example.net",
		.idle_timeout_s = 600,
		.absolute_timeout_s = 86400,
		.mfa_policy = "everyone",
		.default_lang = "en",
		.demo = true,
	};
	assert_int_equal(bst_q_settings_put(f->main, &w, NOW), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_settings_get(f->main, &s), BST_QS_ONE_RESULT);
	assert_memory_equal(&s, &w, sizeof s);

	/* a value outside the schema's list changes nothing */
	struct bst_settings bad = w;
	snprintf(bad.mfa_policy, sizeof bad.mfa_policy, "sometimes");
	bad.idle_timeout_s = 1;
	assert_int_equal(bst_q_settings_put(f->main, &bad, NOW), BST_QS_HARD_ERROR);
	bst_q_settings_get(f->main, &s);
	assert_memory_equal(&s, &w, sizeof s);
}

/* ---- audit events ---- */

struct event_seen {
	struct ids ids;
	char events[MAX_ROWS][32];
	int64_t actor_id[MAX_ROWS];
};

static void keep_event(void *cls, const struct bst_event_row *e)
{
	struct event_seen *s = cls;
	snprintf(s->events[s->ids.n], sizeof s->events[0], "%s", e->event);
	s->actor_id[s->ids.n] = e->actor_id;
	push(&s->ids, e->id);
}

/* Security events are appended to the chained trail (src/audit/trail.c),
 * as bst_audit_record does. */
static enum bst_qs event_insert(bst_db *db, int64_t at_ms, int64_t actor_id, const char *actor,
				const char *addr, const char *event, const char *target,
				const char *details)
{
	struct bst_trail_entry e = {.at_ms = at_ms, .kind = BST_TRAIL_EVENT,
				    .user_id = actor_id, .actor = actor, .client_addr = addr,
				    .event = event, .target = target,
				    .details = details ? details : "{}"};
	struct bst_trail_entry *ep = &e;
	return bst_trail_append(db, &ep, 1) == 0 ? BST_QS_ONE_RESULT : BST_QS_HARD_ERROR;
}

static void test_events_list_newest_first_by_escaped_prefix_and_before(void **state)
{
	struct fx *f = *state;
	const char *names[] = {"auth.login.success", "auth.login.failure", "admin.user.invite",
			       "authXlogin", "auth.logout"};
	for (int i = 0; i < 5; i++)
		assert_int_equal(event_insert(f->audit, NOW + i, i == 2 ? 0 : 7,
						    "alice@example.org", "192.0.2.1", names[i],
						    "user:7", "{\"k\":1}"),
				 BST_QS_ONE_RESULT);

	struct event_seen all = {0};
	assert_int_equal(bst_q_event_list(f->audit, NULL, 0, 10, keep_event, &all), 5);
	assert_int_equal(all.ids.n, 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(all.events[i], names[4 - i]);
	for (int i = 1; i < 5; i++)
		assert_true(all.ids.id[i] < all.ids.id[i - 1]);
	assert_int_equal(all.actor_id[2], 0); /* NULL actor_id reads as 0 */
	assert_int_equal(all.actor_id[0], 7);

	/* a prefix matches from the start only */
	struct event_seen auth = {0};
	bst_q_event_list(f->audit, "auth.login", 0, 10, keep_event, &auth);
	assert_int_equal(auth.ids.n, 2);
	assert_string_equal(auth.events[0], "auth.login.failure");
	assert_string_equal(auth.events[1], "auth.login.success");
	/* '_' and '%' in a prefix are literal: they match neither "auth.x"
	 * nor "authXlogin" */
	struct event_seen wild = {0};
	assert_int_equal(bst_q_event_list(f->audit, "auth_", 0, 10, keep_event, &wild),
			 BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_event_list(f->audit, "%", 0, 10, keep_event, &wild),
			 BST_QS_NO_RESULTS);

	struct event_seen page = {0};
	assert_int_equal(bst_q_event_list(f->audit, NULL, all.ids.id[1], 2, keep_event, &page),
			 2);
	assert_ids(&page.ids, 2, (int64_t[]){all.ids.id[2], all.ids.id[3]});
}

struct event_full {
	int n;
	int64_t at_ms;
	char actor[64], addr[64], target[64], details[64];
};

static void keep_event_text(void *cls, const struct bst_event_row *e)
{
	struct event_full *s = cls;
	s->n++;
	s->at_ms = e->at_ms;
	snprintf(s->actor, sizeof s->actor, "%s", e->actor);
	snprintf(s->addr, sizeof s->addr, "%s", e->client_addr);
	snprintf(s->target, sizeof s->target, "%s", e->target);
	snprintf(s->details, sizeof s->details, "%s", e->details);
}

static void test_event_insert_stores_every_field_and_defaults_missing_text(void **state)
{
	struct fx *f = *state;
	event_insert(f->audit, NOW, 0, "operator:root", NULL, "platform.create", NULL, NULL);
	struct event_full e = {0};
	assert_int_equal(bst_q_event_list(f->audit, "platform.", 0, 1, keep_event_text, &e), 1);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.at_ms, NOW);
	assert_string_equal(e.actor, "operator:root");
	assert_string_equal(e.addr, "");
	assert_string_equal(e.target, "");
	assert_string_equal(e.details, "{}");
}

/* ---- mail queue ---- */

struct mail_seen {
	struct ids ids;
	int64_t attempts[MAX_ROWS];
	char to[MAX_ROWS][BST_EMAIL_MAX + 1];
	char body[MAX_ROWS][64];
};

static void keep_mail(void *cls, const struct bst_mail_row *m)
{
	struct mail_seen *s = cls;
	s->attempts[s->ids.n] = m->attempts;
	snprintf(s->to[s->ids.n], sizeof s->to[0], "%s", m->recipient);
	snprintf(s->body[s->ids.n], sizeof s->body[0], "%s", m->body);
	push(&s->ids, m->id);
}

static void test_mail_due_retry_sent_and_failed(void **state)
{
	struct fx *f = *state;
	assert_int_equal(bst_q_mail_enqueue(f->control, 0, "bob@example.org", "Invitation",
					    "Hello Bob", NOW),
			 BST_QS_ONE_RESULT);
	int64_t m1 = bst_db_last_id();
	assert_int_equal(bst_q_mail_enqueue(f->control, 0, "carol@example.org", "Reset",
					    "Hello Carol", NOW + 5),
			 BST_QS_ONE_RESULT);
	int64_t m2 = bst_db_last_id();

	struct mail_seen s = {0};
	assert_int_equal(bst_q_mail_due(f->control, NOW - 1, 10, keep_mail, &s),
			 BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_mail_due(f->control, NOW, 10, keep_mail, &s), 1);
	assert_ids(&s.ids, 1, (int64_t[]){m1});
	assert_string_equal(s.to[0], "bob@example.org");
	assert_string_equal(s.body[0], "Hello Bob");
	assert_int_equal(s.attempts[0], 0);

	memset(&s, 0, sizeof s);
	assert_int_equal(bst_q_mail_due(f->control, NOW + 5, 1, keep_mail, &s), 1);
	assert_ids(&s.ids, 1, (int64_t[]){m1}); /* oldest first, limit honoured */

	assert_int_equal(bst_q_mail_retry(f->control, m1, NOW + 100, "421 try later"),
			 BST_QS_ONE_RESULT);
	memset(&s, 0, sizeof s);
	bst_q_mail_due(f->control, NOW + 5, 10, keep_mail, &s);
	assert_ids(&s.ids, 1, (int64_t[]){m2});

	assert_int_equal(bst_q_mail_sent(f->control, m2, NOW + 6), BST_QS_ONE_RESULT);
	memset(&s, 0, sizeof s);
	bst_q_mail_due(f->control, NOW + 100, 10, keep_mail, &s);
	assert_ids(&s.ids, 1, (int64_t[]){m1});
	assert_int_equal(s.attempts[0], 1);

	assert_int_equal(bst_q_mail_failed(f->control, m1, NOW + 101, "550 no such user"),
			 BST_QS_ONE_RESULT);
	memset(&s, 0, sizeof s);
	assert_int_equal(bst_q_mail_due(f->control, NOW + 1000000, 10, keep_mail, &s),
			 BST_QS_NO_RESULTS);
}

/* ---- parameters ---- */

struct got {
	int64_t a, b;
	char text[16];
	unsigned char blob[8];
	size_t blob_len;
	bool blob_null;
};

static int got_row(void *cls, const bst_row *r)
{
	struct got *g = cls;
	g->a = bst_row_int(r, 0);
	g->b = bst_row_int(r, 1);
	const char *t = bst_row_text(r, 2);
	snprintf(g->text, sizeof g->text, "%s", t ? t : "(null)");
	size_t len = 0;
	const void *p = bst_row_blob(r, 3, &len);
	g->blob_null = p == NULL;
	g->blob_len = len;
	if (p && len <= sizeof g->blob)
		memcpy(g->blob, p, len);
	return 0;
}

/* $k binds the k-th parameter wherever it stands, however often, with
 * gaps; blobs keep their bytes, NUL included; NULL binds SQL NULL. */
static void test_parameters_bind_by_number_and_blobs_round_trip(void **state)
{
	struct fx *f = *state;
	const unsigned char bytes[5] = {0xde, 0x00, 0xad, 0xbe, 0xef};
	struct got g = {0};
	assert_int_equal(
	    bst_db_exec(f->main, "SELECT $3 + $3, $1, $5, $6",
			(struct bst_qp[]){BST_QP_INT(7), BST_QP_INT(99), BST_QP_INT(20),
					  BST_QP_NULL, BST_QP_TEXT("five"),
					  BST_QP_BLOB(bytes, sizeof bytes), BST_QP_END},
			got_row, &g),
	    1);
	assert_int_equal(g.a, 40);
	assert_int_equal(g.b, 7);
	assert_string_equal(g.text, "five");
	assert_false(g.blob_null);
	assert_int_equal(g.blob_len, sizeof bytes);
	assert_memory_equal(g.blob, bytes, sizeof bytes);
	memset(&g, 0, sizeof g);
	assert_int_equal(bst_db_exec(f->main, "SELECT 1, 2, $1, $2",
				     (struct bst_qp[]){BST_QP_TEXT(NULL),
						       BST_QP_BLOB(NULL, 0), BST_QP_END},
				     got_row, &g),
			 1);
	assert_string_equal(g.text, "(null)");
	assert_true(g.blob_null);
	assert_int_equal(g.blob_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_open_migrates_every_kind_to_its_newest_migration),
		T(test_reopening_keeps_data_and_applies_nothing_twice),
		T(test_database_newer_than_the_program_is_refused),
		T(test_open_in_missing_directory_fails_with_a_reason),
		T(test_platform_database_zeroes_deleted_rows),
		T(test_user_insert_lowercases_email_and_reads_back_by_email_and_id),
		T(test_user_insert_with_taken_email_fails_in_any_case),
		T(test_user_list_search_is_case_insensitive_and_wildcards_are_literal),
		T(test_user_list_pages_by_id_after_and_limit),
		T(test_user_set_password_activates_invited_and_clears_the_lock),
		T(test_user_totp_step_only_moves_forward_and_clearing_resets_it),
		T(test_user_setters_for_lang_lock_role_status_and_admin_count),
		T(test_login_failures_count_since_a_time_and_clear),
		T(test_session_get_touch_rotate_and_end),
		T(test_session_end_user_ends_all_but_the_kept_one_and_list_is_newest_first),
		T(test_link_consume_succeeds_exactly_once),
		T(test_link_refuses_expired_wrong_purpose_and_revoked),
		T(test_recovery_code_is_used_once_and_replacement_is_all_or_nothing),
		T(test_token_auth_refuses_revoked_expired_and_inactive_owner),
		T(test_token_list_shows_owner_email_newest_first_for_one_or_all),
		T(test_token_touch_and_revoke_show_in_the_list),
		T(test_settings_defaults_and_round_trip),
		T(test_events_list_newest_first_by_escaped_prefix_and_before),
		T(test_event_insert_stores_every_field_and_defaults_missing_text),
		T(test_mail_due_retry_sent_and_failed),
		T(test_parameters_bind_by_number_and_blobs_round_trip),
#undef T
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
