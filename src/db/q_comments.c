/* Comment queries (see q_posts.h): comments and comment_versions. */
#include "db/q_internal.h"
#include "db/q_posts.h"

#include <string.h>

/* The viewer is $1, as for posts. */
#define COMMENT_COLS                                                                     \
	"c.id, c.post_id, coalesce(c.parent_id, 0), c.author_id, u.name, u.email,"       \
	" c.body, c.created_ms, coalesce(c.edited_ms, 0), coalesce(c.deleted_ms, 0),"    \
	" coalesce(c.deleted_by, 0),"                                                    \
	" (SELECT count(*) FROM reactions r"                                             \
	" WHERE r.target = 'comment' AND r.target_id = c.id),"                           \
	" EXISTS (SELECT 1 FROM reactions r"                                             \
	" WHERE r.target = 'comment' AND r.target_id = c.id AND r.user_id = $1)"

static void fill_comment(const bst_row *r, struct bst_comment_row *c)
{
	memset(c, 0, sizeof *c);
	c->id = bst_row_int(r, 0);
	c->post_id = bst_row_int(r, 1);
	c->parent_id = bst_row_int(r, 2);
	c->author_id = bst_row_int(r, 3);
	bst_q_text(r, 4, c->author_name, sizeof c->author_name);
	bst_q_text(r, 5, c->author_email, sizeof c->author_email);
	c->body = bst_row_text(r, 6);
	if (!c->body)
		c->body = "";
	c->created_ms = bst_row_int(r, 7);
	c->edited_ms = bst_row_int(r, 8);
	c->deleted_ms = bst_row_int(r, 9);
	c->deleted_by = bst_row_int(r, 10);
	c->likes = bst_row_int(r, 11);
	c->liked = bst_row_int(r, 12) != 0;
}

enum bst_qs bst_q_comment_insert(bst_db *db, int64_t post_id, int64_t parent_id,
				 int64_t author_id, const char *body, int64_t now,
				 int64_t *id)
{
	*id = 0;
	enum bst_qs qs =
	    bst_db_exec(db,
			"INSERT INTO comments (post_id, parent_id, author_id, body,"
			" created_ms) VALUES ($1, $2, $3, $4, $5)",
			(struct bst_qp[]){BST_QP_INT(post_id),
					  parent_id ? BST_QP_INT(parent_id) : BST_QP_NULL,
					  BST_QP_INT(author_id), BST_QP_TEXT(body),
					  BST_QP_INT(now), BST_QP_END},
			NULL, NULL);
	if (qs == BST_QS_ONE_RESULT)
		*id = bst_db_last_id();
	return qs;
}

struct one_comment {
	struct bst_comment_row *out;
	bst_arena *arena;
};

static int one_comment(void *cls, const bst_row *r)
{
	struct one_comment *o = cls;
	fill_comment(r, o->out);
	o->out->body = bst_arena_strdup(o->arena, o->out->body);
	return 1;
}

enum bst_qs bst_q_comment_get(bst_db *db, int64_t id, int64_t viewer_id, bst_arena *arena,
			      struct bst_comment_row *out)
{
	memset(out, 0, sizeof *out);
	struct one_comment o = {out, arena};
	return bst_db_exec(
	    db,
	    "SELECT " COMMENT_COLS " FROM comments c JOIN users u ON u.id = c.author_id"
	    " WHERE c.id = $2",
	    (struct bst_qp[]){BST_QP_INT(viewer_id), BST_QP_INT(id), BST_QP_END},
	    one_comment, &o);
}

struct each_comment {
	void (*fn)(void *, const struct bst_comment_row *);
	void *cls;
};

static int each_comment_row(void *cls, const bst_row *r)
{
	struct each_comment *e = cls;
	struct bst_comment_row c;
	fill_comment(r, &c);
	e->fn(e->cls, &c);
	return 0;
}

enum bst_qs bst_q_comment_list(bst_db *db, int64_t post_id, int64_t viewer_id,
			       bool with_deleted, bool threaded, int64_t after, int limit,
			       void (*fn)(void *cls, const struct bst_comment_row *c),
			       void *cls)
{
	struct each_comment e = {fn, cls};
	struct bst_qp params[] = {
	    BST_QP_INT(viewer_id), BST_QP_INT(post_id), BST_QP_INT(with_deleted ? 1 : 0),
	    BST_QP_INT(after),     BST_QP_INT(limit),   BST_QP_END};
	if (threaded)
		return bst_db_exec(
		    db,
		    "SELECT " COMMENT_COLS " FROM comments c"
		    " JOIN users u ON u.id = c.author_id"
		    " WHERE c.post_id = $2 AND ($3 = 1 OR c.deleted_ms IS NULL)"
		    " ORDER BY coalesce(c.parent_id, c.id), c.id LIMIT $5",
		    params, each_comment_row, &e);
	return bst_db_exec(
	    db,
	    "SELECT " COMMENT_COLS " FROM comments c JOIN users u ON u.id = c.author_id"
	    " WHERE c.post_id = $2 AND ($3 = 1 OR c.deleted_ms IS NULL) AND c.id > $4"
	    " ORDER BY c.id LIMIT $5",
	    params, each_comment_row, &e);
}

enum bst_qs bst_q_comment_edit(bst_db *db, int64_t id, const char *body,
			       int64_t edited_by, int64_t now)
{
	enum bst_qs qs =
	    bst_db_exec(db,
			"INSERT INTO comment_versions (comment_id, body, edited_by,"
			" created_ms) SELECT id, body, $2, $3 FROM comments"
			" WHERE id = $1 AND deleted_ms IS NULL",
			(struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(edited_by),
					  BST_QP_INT(now), BST_QP_END},
			NULL, NULL);
	if (qs != BST_QS_ONE_RESULT)
		return qs;
	return bst_db_exec(db,
			   "UPDATE comments SET body = $2, edited_ms = $3"
			   " WHERE id = $1 AND deleted_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(body),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_comment_delete(bst_db *db, int64_t id, int64_t by, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE comments SET deleted_ms = $3, deleted_by = $2"
			   " WHERE id = $1 AND deleted_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(by),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_comment_versions(bst_db *db, int64_t comment_id,
				   void (*fn)(void *cls, const struct bst_version_row *v),
				   void *cls)
{
	struct bst_q_each_version e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT v.id, v.body, coalesce(v.edited_by, 0), coalesce(u.name, ''),"
	    " v.created_ms FROM comment_versions v"
	    " LEFT JOIN users u ON u.id = v.edited_by"
	    " WHERE v.comment_id = $1 ORDER BY v.id DESC",
	    (struct bst_qp[]){BST_QP_INT(comment_id), BST_QP_END}, bst_q_each_version_row,
	    &e);
}

enum bst_qs bst_q_comment_unindex_post(bst_db *db, int64_t post_id)
{
	/* by rowid through search_refs: never a scan of the index */
	enum bst_qs qs = bst_db_exec(
		db,
		"DELETE FROM search_index WHERE rowid IN (SELECT r.fts_rowid FROM search_refs r"
		" JOIN comments c ON c.id = r.ref WHERE r.kind = 'comment' AND c.post_id = $1)",
		(struct bst_qp[]){BST_QP_INT(post_id), BST_QP_END}, NULL, NULL);
	if (qs < 0)
		return qs;
	return bst_db_exec(db,
			   "DELETE FROM search_refs WHERE kind = 'comment'"
			   " AND ref IN (SELECT id FROM comments WHERE post_id = $1)",
			   (struct bst_qp[]){BST_QP_INT(post_id), BST_QP_END}, NULL, NULL);
}
