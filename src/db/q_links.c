/* Platform queries on single-use secrets: the one_time_links of invitations
 * and password resets, and the recovery codes of a second factor. Both are
 * looked up by hash only. Using one is a single conditional UPDATE, so that
 * of two concurrent requests presenting the same secret exactly one wins,
 * without a transaction and on either back end. */
#include "db/queries.h"

enum bst_qs bst_q_link_insert(bst_db *db, int64_t user_id, const char *purpose,
			      const char *token_hash, int64_t now, int64_t expires_ms)
{
	return bst_db_exec(db,
			   "INSERT INTO one_time_links (user_id, purpose, token_hash, created_ms,"
			   " expires_ms) VALUES ($1, $2, $3, $4, $5)",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_TEXT(purpose),
					     BST_QP_TEXT(token_hash), BST_QP_INT(now),
					     BST_QP_INT(expires_ms), BST_QP_END},
			   NULL, NULL);
}

static int one_id(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

enum bst_qs bst_q_link_peek(bst_db *db, const char *token_hash, const char *purpose,
			    int64_t now, int64_t *user_id)
{
	*user_id = 0;
	return bst_db_exec(db,
			   "SELECT user_id FROM one_time_links WHERE token_hash = $1"
			   " AND purpose = $2 AND used_ms IS NULL AND expires_ms > $3",
			   (struct bst_qp[]){BST_QP_TEXT(token_hash), BST_QP_TEXT(purpose),
					     BST_QP_INT(now), BST_QP_END},
			   one_id, user_id);
}

enum bst_qs bst_q_link_consume(bst_db *db, const char *token_hash, const char *purpose,
			       int64_t now, int64_t *user_id)
{
	*user_id = 0;
	return bst_db_exec(db,
			   "UPDATE one_time_links SET used_ms = $3 WHERE token_hash = $1"
			   " AND purpose = $2 AND used_ms IS NULL AND expires_ms > $3"
			   " RETURNING user_id",
			   (struct bst_qp[]){BST_QP_TEXT(token_hash), BST_QP_TEXT(purpose),
					     BST_QP_INT(now), BST_QP_END},
			   one_id, user_id);
}

/* Links already expired are left as they are (their expiry stays true). */
enum bst_qs bst_q_link_revoke_user(bst_db *db, int64_t user_id, const char *purpose,
				   int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE one_time_links SET expires_ms = $3 WHERE user_id = $1"
			   " AND purpose = $2 AND used_ms IS NULL AND expires_ms > $3",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_TEXT(purpose),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

struct replace_args {
	int64_t user_id;
	const char *const *hashes;
	size_t n;
};

static enum bst_qs replace_txn(bst_db *db, void *cls)
{
	struct replace_args *a = cls;
	enum bst_qs qs = bst_db_exec(db, "DELETE FROM recovery_codes WHERE user_id = $1",
				     (struct bst_qp[]){BST_QP_INT(a->user_id), BST_QP_END},
				     NULL, NULL);
	if (qs < 0)
		return qs;
	for (size_t i = 0; i < a->n; i++) {
		qs = bst_db_exec(db,
				 "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
				 (struct bst_qp[]){BST_QP_INT(a->user_id),
						   BST_QP_TEXT(a->hashes[i]), BST_QP_END},
				 NULL, NULL);
		if (qs < 0)
			return qs;
	}
	return BST_QS_ONE_RESULT;
}

/* The old codes stop working in the same transaction that adds the new;
 * if any insert fails (a NULL hash included), the old codes stay. */
enum bst_qs bst_q_recovery_replace(bst_db *db, int64_t user_id, const char *const *hashes,
				   size_t n)
{
	struct replace_args a = {user_id, hashes, n};
	return bst_db_transaction(db, replace_txn, &a);
}

/* Marks one unused code with that hash used: ONE_RESULT, or NO_RESULTS. */
enum bst_qs bst_q_recovery_use(bst_db *db, int64_t user_id, const char *hash, int64_t now)
{
	/* The outer "used_ms IS NULL" is rechecked on the row actually updated,
	 * which keeps the use single under PostgreSQL's READ COMMITTED too. */
	return bst_db_exec(db,
			   "UPDATE recovery_codes SET used_ms = $3 WHERE used_ms IS NULL AND id ="
			   " (SELECT min(id) FROM recovery_codes WHERE user_id = $1"
			   " AND code_hash = $2 AND used_ms IS NULL)",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_TEXT(hash),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

int64_t bst_q_recovery_remaining(bst_db *db, int64_t user_id)
{
	int64_t n = -1;
	if (bst_db_exec(db,
			"SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_ms IS NULL",
			(struct bst_qp[]){BST_QP_INT(user_id), BST_QP_END}, one_id,
			&n) != BST_QS_ONE_RESULT)
		return -1;
	return n;
}
