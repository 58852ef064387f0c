/* Control-plane queries on the outbound mail queue. A message is due until
 * it is sent or given up on; each failed attempt pushes next_attempt_ms
 * forward (the back-off is the mailer's, not the queue's). The body is lent
 * to the callback, not copied. */
#include "db/q_internal.h"
#include "db/queries.h"

/* platform_id 0: a message of the installation itself. */
enum bst_qs bst_q_mail_enqueue(bst_db *db, int64_t platform_id, const char *to,
			       const char *subject, const char *body, int64_t now)
{
	return bst_db_exec(db,
			   "INSERT INTO mail_queue (platform_id, recipient, subject, body,"
			   " created_ms, next_attempt_ms) VALUES ($1, $2, $3, $4, $5, $5)",
			   (struct bst_qp[]){platform_id ? BST_QP_INT(platform_id) : BST_QP_NULL,
					     BST_QP_TEXT(to), BST_QP_TEXT(subject),
					     BST_QP_TEXT(body), BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

struct each_mail {
	void (*fn)(void *, const struct bst_mail_row *);
	void *cls;
};

static int each_mail_row(void *cls, const bst_row *r)
{
	struct each_mail *e = cls;
	struct bst_mail_row m = {
		.id = bst_row_int(r, 0),
		.attempts = bst_row_int(r, 1),
	};
	bst_q_text(r, 2, m.recipient, sizeof m.recipient);
	bst_q_text(r, 3, m.subject, sizeof m.subject);
	const char *body = bst_row_text(r, 4);
	m.body = body ? body : "";
	e->fn(e->cls, &m);
	return 0;
}

/* Oldest first, at most limit. */
enum bst_qs bst_q_mail_due(bst_db *db, int64_t now, int limit,
			   void (*fn)(void *cls, const struct bst_mail_row *m), void *cls)
{
	struct each_mail e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT id, attempts, recipient, subject, body FROM mail_queue"
			   " WHERE sent_ms IS NULL AND failed_ms IS NULL AND next_attempt_ms <= $1"
			   " ORDER BY id LIMIT $2",
			   (struct bst_qp[]){BST_QP_INT(now), BST_QP_INT(limit), BST_QP_END},
			   each_mail_row, &e);
}

enum bst_qs bst_q_mail_sent(bst_db *db, int64_t id, int64_t now)
{
	return bst_db_exec(db, "UPDATE mail_queue SET sent_ms = $2 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(now), BST_QP_END}, NULL,
			   NULL);
}

enum bst_qs bst_q_mail_retry(bst_db *db, int64_t id, int64_t next_ms, const char *error)
{
	return bst_db_exec(db,
			   "UPDATE mail_queue SET attempts = attempts + 1, next_attempt_ms = $2,"
			   " last_error = $3 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(next_ms),
					     BST_QP_TEXT(error), BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_mail_failed(bst_db *db, int64_t id, int64_t now, const char *error)
{
	return bst_db_exec(db,
			   "UPDATE mail_queue SET failed_ms = $2, last_error = $3 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(now), BST_QP_TEXT(error),
					     BST_QP_END},
			   NULL, NULL);
}
