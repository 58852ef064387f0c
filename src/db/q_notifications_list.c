/* Reading notifications (see q_people.h): the list, the unread count, read
 * marks, and what the mail sender (immediate and daily digest) reads and
 * records. Every read applies the same visibility rule, written once below
 * as SQL fragments joined into each statement (still one literal each). */
#include "db/q_internal.h"
#include "db/q_people.h"

#include <string.h>

/* What a notification n is about, and what its recipient is to the group. */
#define N_JOINS                                                                       \
	" FROM notifications n"                                                       \
	" LEFT JOIN posts p ON p.id = n.post_id"                                      \
	" LEFT JOIN comments c ON c.id = n.comment_id"                                \
	" LEFT JOIN groups g ON g.id = coalesce(n.group_id, p.group_id)"              \
	" LEFT JOIN group_members m ON m.group_id = g.id AND m.user_id = n.user_id"  \
	" LEFT JOIN users a ON a.id = n.actor_id"

/* The rule of social/groups.h: reading a group's content needs an open
 * group or membership; knowing a secret group exists needs membership or
 * an invitation. A deleted publication or comment takes its notifications
 * with it. */
#define N_VISIBLE                                                                       \
	" (n.post_id IS NULL OR (p.id IS NOT NULL AND p.deleted_ms IS NULL))"           \
	" AND (n.comment_id IS NULL OR (c.id IS NOT NULL AND c.deleted_ms IS NULL))"    \
	" AND (coalesce(n.group_id, p.group_id) IS NULL OR (g.id IS NOT NULL AND ("     \
	" (n.kind IN ('mention', 'comment', 'reply')"                                   \
	" AND (g.kind = 'open' OR m.state = 'member'))"                                 \
	" OR (n.kind IN ('group_invitation', 'join_approved', 'join_request')"          \
	" AND (g.kind <> 'secret' OR m.state IN ('member', 'invited'))))))"

#define N_COLS                                                                          \
	"n.id, n.user_id, n.kind, n.actor_id, a.name, g.id, g.name, g.kind, n.post_id,"  \
	" n.comment_id, n.created_ms, n.read_ms, n.mailed_ms"

static void fill(const bst_row *r, struct bst_notification_row *n)
{
	int c = 0;
	memset(n, 0, sizeof *n);
	n->id = bst_row_int(r, c++);
	n->user_id = bst_row_int(r, c++);
	bst_q_text(r, c++, n->kind, sizeof n->kind);
	n->actor_id = bst_row_int(r, c++);
	bst_q_text(r, c++, n->actor_name, sizeof n->actor_name);
	n->group_id = bst_row_int(r, c++);
	bst_q_text(r, c++, n->group_name, sizeof n->group_name);
	bst_q_text(r, c++, n->group_kind, sizeof n->group_kind);
	n->post_id = bst_row_int(r, c++);
	n->comment_id = bst_row_int(r, c++);
	n->created_ms = bst_row_int(r, c++);
	n->read_ms = bst_row_int(r, c++);
	n->mailed_ms = bst_row_int(r, c++);
	if (!n->actor_name[0])
		n->actor_id = 0; /* the actor's account is gone */
}

struct each {
	void (*fn)(void *, const struct bst_notification_row *);
	void *cls;
};

static int each_row(void *cls, const bst_row *r)
{
	struct each *e = cls;
	struct bst_notification_row n;
	fill(r, &n);
	e->fn(e->cls, &n);
	return 0;
}

static int one_row(void *cls, const bst_row *r)
{
	fill(r, cls);
	return 1;
}

static int one_int(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

enum bst_qs bst_q_notification_list(bst_db *db, int64_t user_id, int64_t before,
				    bool unread_only, int limit,
				    void (*fn)(void *cls, const struct bst_notification_row *n),
				    void *cls)
{
	struct each e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " N_COLS N_JOINS " WHERE n.user_id = $1"
			   " AND ($2 = 0 OR n.id < $2) AND ($3 = 0 OR n.read_ms IS NULL)"
			   " AND" N_VISIBLE " ORDER BY n.id DESC LIMIT $4",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(before),
					     BST_QP_INT(unread_only ? 1 : 0), BST_QP_INT(limit),
					     BST_QP_END},
			   each_row, &e);
}

enum bst_qs bst_q_notification_get(bst_db *db, int64_t user_id, int64_t id,
				   struct bst_notification_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db,
			   "SELECT " N_COLS N_JOINS " WHERE n.user_id = $1 AND n.id = $2"
			   " AND" N_VISIBLE,
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(id), BST_QP_END},
			   one_row, out);
}

int64_t bst_q_notification_unread(bst_db *db, int64_t user_id, int64_t cap)
{
	int64_t n = -1;
	/* bounded: the bell needs "more than cap - 1", not the exact count */
	if (bst_db_exec(db,
			"SELECT count(*) FROM (SELECT 1" N_JOINS " WHERE n.user_id = $1"
			" AND n.read_ms IS NULL AND" N_VISIBLE " LIMIT $2)",
			(struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(cap), BST_QP_END},
			one_int, &n) != BST_QS_ONE_RESULT)
		return -1;
	return n;
}

enum bst_qs bst_q_notification_read(bst_db *db, int64_t user_id, int64_t id, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE notifications SET read_ms = $3"
			   " WHERE user_id = $1 AND id = $2 AND read_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(id), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_notification_read_all(bst_db *db, int64_t user_id, int64_t upto, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE notifications SET read_ms = $3"
			   " WHERE user_id = $1 AND ($2 = 0 OR id <= $2) AND read_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(upto), BST_QP_INT(now),
					     BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_notification_claim_mail(bst_db *db, int64_t id, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE notifications SET mailed_ms = $2 WHERE id = $1 AND mailed_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(now), BST_QP_END}, NULL,
			   NULL);
}

enum bst_qs bst_q_notification_unclaim_mail(bst_db *db, int64_t id)
{
	return bst_db_exec(db, "UPDATE notifications SET mailed_ms = NULL WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, NULL, NULL);
}

enum bst_qs bst_q_notification_mail_due(bst_db *db, int64_t since, int limit,
					void (*fn)(void *cls,
						   const struct bst_notification_row *n),
					void *cls)
{
	struct each e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " N_COLS N_JOINS " JOIN users u ON u.id = n.user_id"
			   " WHERE n.created_ms >= $1 AND n.read_ms IS NULL AND n.mailed_ms IS NULL"
			   " AND u.status = 'active' AND u.notify_mail = 'immediate'"
			   " AND" N_VISIBLE " ORDER BY n.id LIMIT $2",
			   (struct bst_qp[]){BST_QP_INT(since), BST_QP_INT(limit), BST_QP_END},
			   each_row, &e);
}

struct each_id {
	void (*fn)(void *, int64_t);
	void *cls;
};

static int each_id_row(void *cls, const bst_row *r)
{
	struct each_id *e = cls;
	e->fn(e->cls, bst_row_int(r, 0));
	return 0;
}

enum bst_qs bst_q_digest_due(bst_db *db, int64_t sent_before, int limit,
			     void (*fn)(void *cls, int64_t user_id), void *cls)
{
	struct each_id e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT u.id FROM users u WHERE u.status = 'active'"
			   " AND u.notify_mail = 'digest' AND u.digest_sent_ms <= $1"
			   " AND EXISTS (SELECT 1" N_JOINS " WHERE n.user_id = u.id"
			   " AND n.read_ms IS NULL AND n.mailed_ms IS NULL AND" N_VISIBLE ")"
			   " ORDER BY u.id LIMIT $2",
			   (struct bst_qp[]){BST_QP_INT(sent_before), BST_QP_INT(limit), BST_QP_END},
			   each_id_row, &e);
}

enum bst_qs bst_q_digest_items(bst_db *db, int64_t user_id, int limit,
			       void (*fn)(void *cls, const struct bst_notification_row *n),
			       void *cls)
{
	struct each e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT " N_COLS N_JOINS " WHERE n.user_id = $1 AND n.read_ms IS NULL"
			   " AND n.mailed_ms IS NULL AND" N_VISIBLE " ORDER BY n.id LIMIT $2",
			   (struct bst_qp[]){BST_QP_INT(user_id), BST_QP_INT(limit), BST_QP_END},
			   each_row, &e);
}

struct sent {
	int64_t user_id, upto, now;
};

static enum bst_qs sent_txn(bst_db *db, void *cls)
{
	struct sent *s = cls;
	enum bst_qs qs = bst_db_exec(db,
				     "UPDATE notifications SET mailed_ms = $3 WHERE user_id = $1"
				     " AND id <= $2 AND read_ms IS NULL AND mailed_ms IS NULL",
				     (struct bst_qp[]){BST_QP_INT(s->user_id), BST_QP_INT(s->upto),
						       BST_QP_INT(s->now), BST_QP_END},
				     NULL, NULL);
	if (qs < 0)
		return qs;
	return bst_db_exec(db, "UPDATE users SET digest_sent_ms = $2 WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(s->user_id), BST_QP_INT(s->now), BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_digest_sent(bst_db *db, int64_t user_id, int64_t upto, int64_t now)
{
	struct sent s = {user_id, upto, now};
	return bst_db_transaction(db, sent_txn, &s);
}
