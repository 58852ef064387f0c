/* Platform queries on accounts: the users table and the login_failures that
 * lock an account. Also holds the helpers of q_internal.h (the user row
 * decoder and the LIKE escaping) that the other q_*.c files share. E-mail
 * addresses are stored lower-cased; every comparison lower-cases its
 * parameter too so that a caller's slip cannot create a second account. */
#include "db/q_internal.h"
#include "db/queries.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

void bst_q_fill_user(const bst_row *r, int first_col, struct bst_user_row *u)
{
	int c = first_col;
	u->id = bst_row_int(r, c++);
	bst_q_text(r, c++, u->email, sizeof u->email);
	bst_q_text(r, c++, u->name, sizeof u->name);
	bst_q_text(r, c++, u->role, sizeof u->role);
	bst_q_text(r, c++, u->status, sizeof u->status);
	bst_q_text(r, c++, u->password_hash, sizeof u->password_hash);
	bst_q_text(r, c++, u->lang, sizeof u->lang);
	bst_q_text(r, c++, u->totp_secret, sizeof u->totp_secret);
	u->totp_enabled = bst_row_int(r, c++) != 0;
	u->totp_last_step = bst_row_int(r, c++);
	u->locked_ms = bst_row_int(r, c++); /* NULL reads as 0 */
	u->created_ms = bst_row_int(r, c++);
	assert(c == first_col + BST_USER_NCOLS);
}

int bst_q_like_escape(const char *in, char *out, size_t outlen)
{
	assert(outlen > 0);
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		bool special = *p == '\\' || *p == '%' || *p == '_';
		if (n + (special ? 2 : 1) >= outlen) {
			out[0] = '\0';
			return -1;
		}
		if (special)
			out[n++] = '\\';
		out[n++] = *p;
	}
	out[n] = '\0';
	return 0;
}

static int one_id(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

/* NO_RESULTS (and *id 0) when the e-mail address is taken. */
enum bst_qs bst_q_user_insert(bst_db *db, const char *email, const char *name,
			      const char *role, const char *status,
			      const char *password_hash, int64_t now, int64_t *id)
{
	*id = 0;
	return bst_db_exec(db,
			   "INSERT INTO users (email, name, role, status, password_hash,"
			   " created_ms, updated_ms) VALUES (lower($1), $2, $3, $4, $5, $6, $6)"
			   " ON CONFLICT (email) DO NOTHING RETURNING id",
			   (struct bst_qp[]){BST_QP_TEXT(email), BST_QP_TEXT(name),
					     BST_QP_TEXT(role), BST_QP_TEXT(status),
					     BST_QP_TEXT(password_hash), BST_QP_INT(now),
					     BST_QP_END},
			   one_id, id);
}

static int one_user(void *cls, const bst_row *r)
{
	bst_q_fill_user(r, 0, cls);
	return 1;
}

enum bst_qs bst_q_user_by_email(bst_db *db, const char *email, struct bst_user_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db, "SELECT " BST_USER_COLS("") " FROM users WHERE email = lower($1)",
			   (struct bst_qp[]){BST_QP_TEXT(email), BST_QP_END}, one_user, out);
}

enum bst_qs bst_q_user_by_id(bst_db *db, int64_t id, struct bst_user_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db, "SELECT " BST_USER_COLS("") " FROM users WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, one_user, out);
}

struct each_user {
	void (*fn)(void *, const struct bst_user_row *);
	void *cls;
};

static int each_user_row(void *cls, const bst_row *r)
{
	struct each_user *e = cls;
	struct bst_user_row u;
	memset(&u, 0, sizeof u);
	bst_q_fill_user(r, 0, &u);
	e->fn(e->cls, &u);
	return 0;
}

enum bst_qs bst_q_user_list(bst_db *db, const char *search, int64_t after, int limit,
			    void (*fn)(void *cls, const struct bst_user_row *u), void *cls)
{
	struct each_user e = {fn, cls};
	/* Longer than any stored e-mail or name once escaped: matches nothing. */
	char pattern[2 * BST_EMAIL_MAX + 1];
	if (search && bst_q_like_escape(search, pattern, sizeof pattern) != 0)
		return BST_QS_NO_RESULTS;
	const char *like = search ? pattern : NULL;
	return bst_db_exec(db,
			   "SELECT " BST_USER_COLS("") " FROM users"
			   " WHERE ($1 IS NULL"
			   " OR lower(email) LIKE '%' || lower($1) || '%' ESCAPE '\\'"
			   " OR lower(name) LIKE '%' || lower($1) || '%' ESCAPE '\\')"
			   " AND id > $2 ORDER BY id LIMIT $3",
			   (struct bst_qp[]){BST_QP_TEXT(like), BST_QP_INT(after),
					     BST_QP_INT(limit), BST_QP_END},
			   each_user_row, &e);
}

enum bst_qs bst_q_user_set_status(bst_db *db, int64_t id, const char *status, int64_t now)
{
	return bst_db_exec(db, "UPDATE users SET status = $2, updated_ms = $3 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(status), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_user_set_role(bst_db *db, int64_t id, const char *role, int64_t now)
{
	return bst_db_exec(db, "UPDATE users SET role = $2, updated_ms = $3 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(role), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

/* A new password also lifts a lock: the owner proved control of the
 * account (reset link) or an administrator set it. */
enum bst_qs bst_q_user_set_password(bst_db *db, int64_t id, const char *hash, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE users SET password_hash = $2,"
			   " status = CASE WHEN status = 'invited' THEN 'active' ELSE status END,"
			   " locked_ms = NULL, updated_ms = $3 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(hash), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

/* The last used step belongs to the secret: clearing the secret resets it.
 * A new secret keeps it, so that the code that confirmed enrolment cannot
 * be replayed. Enabled without a secret is stored as disabled. */
enum bst_qs bst_q_user_set_totp(bst_db *db, int64_t id, const char *secret_hex,
				bool enabled, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE users SET totp_secret = $2, totp_enabled = $3,"
			   " totp_last_step = CASE WHEN $2 IS NULL THEN 0 ELSE totp_last_step END,"
			   " updated_ms = $4 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(secret_hex),
					     BST_QP_INT(secret_hex && enabled ? 1 : 0),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_user_set_totp_step(bst_db *db, int64_t id, int64_t step)
{
	return bst_db_exec(db,
			   "UPDATE users SET totp_last_step = $2"
			   " WHERE id = $1 AND totp_last_step < $2",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(step), BST_QP_END}, NULL,
			   NULL);
}

/* NULL or "": back to the platform's default language. */
enum bst_qs bst_q_user_set_lang(bst_db *db, int64_t id, const char *lang, int64_t now)
{
	return bst_db_exec(db, "UPDATE users SET lang = $2, updated_ms = $3 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id),
					     BST_QP_TEXT(lang && *lang ? lang : NULL),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

/* locked_ms 0 unlocks. */
enum bst_qs bst_q_user_set_locked(bst_db *db, int64_t id, int64_t locked_ms)
{
	return bst_db_exec(db, "UPDATE users SET locked_ms = $2 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id),
					     locked_ms ? BST_QP_INT(locked_ms) : BST_QP_NULL,
					     BST_QP_END},
			   NULL, NULL);
}

int64_t bst_q_user_count_active_admins(bst_db *db)
{
	int64_t n = -1;
	if (bst_db_exec(db,
			"SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active'",
			NULL, one_id, &n) != BST_QS_ONE_RESULT)
		return -1;
	return n;
}

enum bst_qs bst_q_failure_add(bst_db *db, int64_t user_id, int64_t now)
{
	return bst_db_exec(db, "INSERT INTO login_failures (user_id, at_ms) VALUES ($1, $2)",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

/* Failures at or after since, or -1. */
int64_t bst_q_failure_count(bst_db *db, int64_t user_id, int64_t since)
{
	int64_t n = -1;
	if (bst_db_exec(db,
			"SELECT count(*) FROM login_failures WHERE user_id = $1 AND at_ms >= $2",
			(struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(since), BST_QP_END},
			one_id, &n) != BST_QS_ONE_RESULT)
		return -1;
	return n;
}

enum bst_qs bst_q_failure_clear(bst_db *db, int64_t user_id)
{
	return bst_db_exec(db, "DELETE FROM login_failures WHERE user_id = $1",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_END}, NULL, NULL);
}
