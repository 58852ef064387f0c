/* Platform queries on API tokens. A token is found by the hash of its
 * secret; it authenticates only while unrevoked, unexpired and owned by an
 * active user, all three checked in the one query. Optional times are SQL
 * NULL in the table and 0 in struct bst_token_row. Revocation is a soft
 * delete so that the list still shows what existed. */
#include "db/q_internal.h"
#include "db/queries.h"

#include <string.h>

#define TOKEN_COLS                                                                  \
	"t.id, t.user_id, t.name, t.scope, t.created_ms, t.expires_ms, t.last_used_ms," \
	" t.revoked_ms, u.email"
#define TOKEN_NCOLS 9

static void fill(const bst_row *r, struct bst_token_row *t)
{
	memset(t, 0, sizeof *t);
	t->id = bst_row_int(r, 0);
	t->user_id = bst_row_int(r, 1);
	bst_q_text(r, 2, t->name, sizeof t->name);
	bst_q_text(r, 3, t->scope, sizeof t->scope);
	t->created_ms = bst_row_int(r, 4);
	t->expires_ms = bst_row_int(r, 5); /* NULL reads as 0 */
	t->last_used_ms = bst_row_int(r, 6);
	t->revoked_ms = bst_row_int(r, 7);
	bst_q_text(r, 8, t->email, sizeof t->email);
}

static int one_id(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

/* expires_ms 0: never. */
enum bst_qs bst_q_token_insert(bst_db *db, int64_t user_id, const char *name,
			       const char *token_hash, const char *scope, int64_t now,
			       int64_t expires_ms, int64_t *id)
{
	*id = 0;
	return bst_db_exec(db,
			   "INSERT INTO api_tokens (user_id, name, token_hash, scope, created_ms,"
			   " expires_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_TEXT(name),
					     BST_QP_TEXT(token_hash), BST_QP_TEXT(scope),
					     BST_QP_INT(now),
					     expires_ms ? BST_QP_INT(expires_ms) : BST_QP_NULL,
					     BST_QP_END},
			   one_id, id);
}

struct auth_out {
	struct bst_token_row *tok;
	struct bst_user_row *user;
};

static int one_auth(void *cls, const bst_row *r)
{
	struct auth_out *o = cls;
	fill(r, o->tok);
	bst_q_fill_user(r, TOKEN_NCOLS, o->user);
	return 1;
}

enum bst_qs bst_q_token_auth(bst_db *db, const char *token_hash, int64_t now,
			     struct bst_token_row *tok, struct bst_user_row *user)
{
	memset(tok, 0, sizeof *tok);
	memset(user, 0, sizeof *user);
	struct auth_out o = {tok, user};
	return bst_db_exec(db,
			   "SELECT " TOKEN_COLS ", " BST_USER_COLS("u.")
			   " FROM api_tokens t JOIN users u ON u.id = t.user_id"
			   " WHERE t.token_hash = $1 AND t.revoked_ms IS NULL"
			   " AND (t.expires_ms IS NULL OR t.expires_ms > $2)"
			   " AND u.status = 'active'",
			   (struct bst_qp[]){BST_QP_TEXT(token_hash), BST_QP_INT(now), BST_QP_END},
			   one_auth, &o);
}

enum bst_qs bst_q_token_touch(bst_db *db, int64_t id, int64_t now)
{
	return bst_db_exec(db, "UPDATE api_tokens SET last_used_ms = $2 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(now), BST_QP_END}, NULL,
			   NULL);
}

struct each_token {
	void (*fn)(void *, const struct bst_token_row *);
	void *cls;
};

static int each_token_row(void *cls, const bst_row *r)
{
	struct each_token *e = cls;
	struct bst_token_row t;
	fill(r, &t);
	e->fn(e->cls, &t);
	return 0;
}

/* Revoked and expired tokens included, newest first. */
enum bst_qs bst_q_token_list(bst_db *db, int64_t user_id,
			     void (*fn)(void *cls, const struct bst_token_row *t), void *cls)
{
	struct each_token e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " TOKEN_COLS " FROM api_tokens t JOIN users u ON u.id = t.user_id"
			   " WHERE ($1 = 0 OR t.user_id = $1) ORDER BY t.id DESC",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_END}, each_token_row, &e);
}

/* ONE_RESULT if a live token was revoked; NO_RESULTS if none (already
 * revoked, unknown, or not user_id's). */
enum bst_qs bst_q_token_revoke(bst_db *db, int64_t id, int64_t user_id, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE api_tokens SET revoked_ms = $3"
			   " WHERE id = $1 AND ($2 = 0 OR user_id = $2) AND revoked_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(user_id), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}
