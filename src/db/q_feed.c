/* Feed and mention queries (see q_posts.h): the home feed (the platform
 * feed and the groups where the viewer is a member), one feed, its pins,
 * the count of new posts, and the mentions table. */
#include "db/q_internal.h"
#include "db/q_posts.h"

#include <string.h>

/* The home feed: parameters $1 viewer, $2 before, $3 with_deleted,
 * $4 without_pins, $5 limit. */
#define HOME_WHERE                                                                       \
	" (p.group_id IS NULL OR EXISTS (SELECT 1 FROM group_members m"                  \
	" WHERE m.group_id = p.group_id AND m.user_id = $1 AND m.state = 'member'))"

enum bst_qs bst_q_feed_home(bst_db *db, const struct bst_q_feed *q,
			    void (*fn)(void *cls, const struct bst_post_row *p),
			    void *cls)
{
	struct bst_q_each_post e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT " BST_Q_POST_COLS " FROM " BST_Q_POST_FROM " WHERE" HOME_WHERE
	    " AND ($2 = 0 OR p.id < $2) AND ($3 = 1 OR p.deleted_ms IS NULL)"
	    " AND ($4 = 0 OR p.group_id IS NOT NULL OR p.pinned_ms IS NULL)"
	    " ORDER BY p.id DESC LIMIT $5",
	    (struct bst_qp[]){BST_QP_INT(q->viewer_id), BST_QP_INT(q->before),
			      BST_QP_INT(q->with_deleted ? 1 : 0),
			      BST_QP_INT(q->without_pins ? 1 : 0), BST_QP_INT(q->limit),
			      BST_QP_END},
	    bst_q_each_post_row, &e);
}

enum bst_qs bst_q_feed_group(bst_db *db, int64_t group_id, const struct bst_q_feed *q,
			     void (*fn)(void *cls, const struct bst_post_row *p),
			     void *cls)
{
	struct bst_q_each_post e = {fn, cls};
	struct bst_qp params[] = {BST_QP_INT(q->viewer_id),
				  BST_QP_INT(q->before),
				  BST_QP_INT(q->with_deleted ? 1 : 0),
				  BST_QP_INT(q->without_pins ? 1 : 0),
				  BST_QP_INT(q->limit),
				  BST_QP_INT(group_id),
				  BST_QP_END};
	/* two statements so that each uses the (group_id, id) index */
	if (group_id == 0)
		return bst_db_exec(
		    db,
		    "SELECT " BST_Q_POST_COLS " FROM " BST_Q_POST_FROM
		    " WHERE p.group_id IS NULL"
		    " AND ($2 = 0 OR p.id < $2) AND ($3 = 1 OR p.deleted_ms IS NULL)"
		    " AND ($4 = 0 OR p.pinned_ms IS NULL)"
		    " ORDER BY p.id DESC LIMIT $5",
		    params, bst_q_each_post_row, &e);
	return bst_db_exec(
	    db,
	    "SELECT " BST_Q_POST_COLS " FROM " BST_Q_POST_FROM " WHERE p.group_id = $6"
	    " AND ($2 = 0 OR p.id < $2) AND ($3 = 1 OR p.deleted_ms IS NULL)"
	    " AND ($4 = 0 OR p.pinned_ms IS NULL)"
	    " ORDER BY p.id DESC LIMIT $5",
	    params, bst_q_each_post_row, &e);
}

enum bst_qs bst_q_feed_pins(bst_db *db, int64_t group_id, int64_t viewer_id, int limit,
			    void (*fn)(void *cls, const struct bst_post_row *p),
			    void *cls)
{
	struct bst_q_each_post e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT " BST_Q_POST_COLS " FROM " BST_Q_POST_FROM
	    " WHERE coalesce(p.group_id, 0) = $2 AND p.pinned_ms IS NOT NULL"
	    " AND p.deleted_ms IS NULL ORDER BY p.pinned_ms DESC, p.id DESC LIMIT $3",
	    (struct bst_qp[]){BST_QP_INT(viewer_id), BST_QP_INT(group_id),
			      BST_QP_INT(limit), BST_QP_END},
	    bst_q_each_post_row, &e);
}

static int one_int(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

int64_t bst_q_feed_count_new(bst_db *db, int64_t viewer_id, int64_t group_id,
			     int64_t since, int64_t cap)
{
	int64_t n = 0;
	enum bst_qs qs;
	struct bst_qp params[] = {BST_QP_INT(viewer_id), BST_QP_INT(since),
				  BST_QP_INT(cap), BST_QP_INT(group_id), BST_QP_END};
	if (group_id < 0)
		qs = bst_db_exec(
		    db,
		    "SELECT count(*) FROM (SELECT 1 FROM posts p WHERE" HOME_WHERE
		    " AND p.id > $2 AND p.deleted_ms IS NULL AND p.author_id <> $1"
		    " LIMIT $3)",
		    params, one_int, &n);
	else
		qs = bst_db_exec(
		    db,
		    "SELECT count(*) FROM (SELECT 1 FROM posts p"
		    " WHERE coalesce(p.group_id, 0) = $4 AND p.id > $2"
		    " AND p.deleted_ms IS NULL AND p.author_id <> $1 LIMIT $3)",
		    params, one_int, &n);
	return qs == BST_QS_ONE_RESULT ? n : -1;
}

enum bst_qs bst_q_mentions_replace(bst_db *db, int64_t post_id, int64_t comment_id,
				   const int64_t *users, size_t n)
{
	enum bst_qs qs = bst_db_exec(
	    db,
	    "DELETE FROM mentions WHERE post_id = $1"
	    " AND coalesce(comment_id, 0) = $2",
	    (struct bst_qp[]){BST_QP_INT(post_id), BST_QP_INT(comment_id), BST_QP_END},
	    NULL, NULL);
	if (qs < 0)
		return qs;
	for (size_t i = 0; i < n; i++) {
		qs = bst_db_exec(
		    db,
		    "INSERT INTO mentions (post_id, comment_id, user_id)"
		    " VALUES ($1, $2, $3)",
		    (struct bst_qp[]){BST_QP_INT(post_id),
				      comment_id ? BST_QP_INT(comment_id) : BST_QP_NULL,
				      BST_QP_INT(users[i]), BST_QP_END},
		    NULL, NULL);
		if (qs < 0)
			return qs;
	}
	return BST_QS_ONE_RESULT;
}

struct each_mention {
	void (*fn)(void *, const struct bst_mention_row *);
	void *cls;
};

static int each_mention_row(void *cls, const bst_row *r)
{
	struct each_mention *e = cls;
	struct bst_mention_row m;
	memset(&m, 0, sizeof m);
	m.user_id = bst_row_int(r, 0);
	bst_q_text(r, 1, m.email, sizeof m.email);
	bst_q_text(r, 2, m.name, sizeof m.name);
	e->fn(e->cls, &m);
	return 0;
}

enum bst_qs bst_q_mentions_list(bst_db *db, int64_t post_id, int64_t comment_id,
				void (*fn)(void *cls, const struct bst_mention_row *m),
				void *cls)
{
	struct each_mention e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT DISTINCT u.id, u.email, u.name FROM mentions m"
	    " JOIN users u ON u.id = m.user_id"
	    " WHERE m.post_id = $1 AND coalesce(m.comment_id, 0) = $2 ORDER BY u.id",
	    (struct bst_qp[]){BST_QP_INT(post_id), BST_QP_INT(comment_id), BST_QP_END},
	    each_mention_row, &e);
}

/* The local part is what comes before the last '@': $1 is it, escaped for
 * LIKE; $2 as it is. (Unformatted: clang-format indents the lines after a
 * macro call.) */
/* clang-format off */
#define USER_BY_LOCAL_PART                                                               \
	"SELECT " BST_USER_COLS("") " FROM users"                                        \
	" WHERE email LIKE $1 || '@%' ESCAPE '\\'"                                       \
	" AND instr(substr(email, length($2) + 2), '@') = 0"                             \
	" ORDER BY id LIMIT 2"
/* clang-format on */

struct by_local {
	struct bst_user_row *out;
	int n;
};

static int by_local_row(void *cls, const bst_row *r)
{
	struct by_local *b = cls;
	if (b->n++ == 0)
		bst_q_fill_user(r, 0, b->out);
	return 0;
}

enum bst_qs bst_q_user_by_local_part(bst_db *db, const char *local,
				     struct bst_user_row *out)
{
	memset(out, 0, sizeof *out);
	/* e-mail addresses are stored lower-cased */
	char pattern[2 * BST_EMAIL_MAX + 1];
	if (bst_q_like_escape(local, pattern, sizeof pattern) != 0)
		return BST_QS_NO_RESULTS;
	struct by_local b = {out, 0};
	enum bst_qs qs = bst_db_exec(
	    db, USER_BY_LOCAL_PART,
	    (struct bst_qp[]){BST_QP_TEXT(pattern), BST_QP_TEXT(local), BST_QP_END},
	    by_local_row, &b);
	if (qs < 0)
		return qs;
	if (b.n != 1)
		memset(out, 0, sizeof *out);
	return (enum bst_qs)b.n;
}
