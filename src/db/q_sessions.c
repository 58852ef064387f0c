/* Platform queries on browser sessions. A session is found by the hash of
 * its cookie token (never the token itself) and comes with its user, read
 * through the shared user columns of q_internal.h. An ended session is
 * never returned nor changed again; ending is a soft delete so that the
 * audit trail and the account's session list keep it. */
#include "db/q_internal.h"
#include "db/queries.h"

#include <string.h>

#define SESSION_COLS                                                               \
	"s.id, s.created_ms, s.last_seen_ms, s.auth_ms, s.mfa_pending, s.client_addr," \
	" s.user_agent, s.ended_ms, " BST_USER_COLS("u.")
#define SESSION_NCOLS 8

static void fill(const bst_row *r, struct bst_session_row *s)
{
	memset(s, 0, sizeof *s);
	s->id = bst_row_int(r, 0);
	s->created_ms = bst_row_int(r, 1);
	s->last_seen_ms = bst_row_int(r, 2);
	s->auth_ms = bst_row_int(r, 3);
	s->mfa_pending = bst_row_int(r, 4) != 0;
	bst_q_text(r, 5, s->client_addr, sizeof s->client_addr);
	bst_q_text(r, 6, s->user_agent, sizeof s->user_agent);
	s->ended_ms = bst_row_int(r, 7); /* NULL reads as 0 */
	bst_q_fill_user(r, SESSION_NCOLS, &s->user);
}

static int one_id(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

/* addr and user_agent NULL are stored as "". */
enum bst_qs bst_q_session_insert(bst_db *db, const char *token_hash, int64_t user_id,
				 int64_t now, bool mfa_pending, const char *addr,
				 const char *user_agent, int64_t *id)
{
	*id = 0;
	return bst_db_exec(db,
			   "INSERT INTO sessions (token_hash, user_id, created_ms, last_seen_ms,"
			   " auth_ms, mfa_pending, client_addr, user_agent)"
			   " VALUES ($1, $2, $3, $3, $3, $4, $5, $6) RETURNING id",
			   (struct bst_qp[]){BST_QP_TEXT(token_hash), BST_QP_INT(user_id),
					     BST_QP_INT(now), BST_QP_INT(mfa_pending ? 1 : 0),
					     BST_QP_TEXT(addr ? addr : ""),
					     BST_QP_TEXT(user_agent ? user_agent : ""), BST_QP_END},
			   one_id, id);
}

static int one_session(void *cls, const bst_row *r)
{
	fill(r, cls);
	return 1;
}

/* The user comes whatever its status: the caller decides what a disabled
 * or locked account may still do. */
enum bst_qs bst_q_session_get(bst_db *db, const char *token_hash, struct bst_session_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db,
			   "SELECT " SESSION_COLS " FROM sessions s JOIN users u ON u.id = s.user_id"
			   " WHERE s.token_hash = $1 AND s.ended_ms IS NULL",
			   (struct bst_qp[]){BST_QP_TEXT(token_hash), BST_QP_END}, one_session,
			   out);
}

enum bst_qs bst_q_session_touch(bst_db *db, int64_t id, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE sessions SET last_seen_ms = $2 WHERE id = $1 AND ended_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(now), BST_QP_END}, NULL,
			   NULL);
}

enum bst_qs bst_q_session_rotate(bst_db *db, int64_t id, const char *new_hash, int64_t now,
				 bool mfa_pending, int64_t auth_ms)
{
	return bst_db_exec(db,
			   "UPDATE sessions SET token_hash = $2, last_seen_ms = $3,"
			   " mfa_pending = $4, auth_ms = $5 WHERE id = $1 AND ended_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(new_hash), BST_QP_INT(now),
					     BST_QP_INT(mfa_pending ? 1 : 0), BST_QP_INT(auth_ms),
					     BST_QP_END},
			   NULL, NULL);
}

/* user_id guards against ending someone else's session by id. */
enum bst_qs bst_q_session_end(bst_db *db, int64_t id, int64_t user_id, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE sessions SET ended_ms = $3"
			   " WHERE id = $1 AND user_id = $2 AND ended_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(user_id), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_session_end_user(bst_db *db, int64_t user_id, int64_t keep_id, int64_t now)
{
	/* Session ids start at 1, so keep_id 0 keeps none. */
	return bst_db_exec(db,
			   "UPDATE sessions SET ended_ms = $3"
			   " WHERE user_id = $1 AND id <> $2 AND ended_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(keep_id),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

struct each_session {
	void (*fn)(void *, const struct bst_session_row *);
	void *cls;
};

static int each_session_row(void *cls, const bst_row *r)
{
	struct each_session *e = cls;
	struct bst_session_row s;
	fill(r, &s);
	e->fn(e->cls, &s);
	return 0;
}

/* Live sessions of a user, newest first. */
enum bst_qs bst_q_session_list(bst_db *db, int64_t user_id,
			       void (*fn)(void *cls, const struct bst_session_row *s), void *cls)
{
	struct each_session e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " SESSION_COLS " FROM sessions s JOIN users u ON u.id = s.user_id"
			   " WHERE s.user_id = $1 AND s.ended_ms IS NULL ORDER BY s.id DESC",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_END}, each_session_row,
			   &e);
}
