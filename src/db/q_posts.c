/* Post queries (see q_posts.h): posts, post_versions and
 * post_attachments, and the row decoders the other q_*.c files of the feature share. An
 * edit copies the current body into post_versions in the same transaction as the update,
 * so no version is ever lost.
 */
#include "db/q_internal.h"
#include "db/q_posts.h"

#include <string.h>

void bst_q_fill_post(const bst_row *r, struct bst_post_row *p)
{
	memset(p, 0, sizeof *p);
	int c = 0;
	p->id = bst_row_int(r, c++);
	p->author_id = bst_row_int(r, c++);
	bst_q_text(r, c++, p->author_name, sizeof p->author_name);
	bst_q_text(r, c++, p->author_email, sizeof p->author_email);
	p->group_id = bst_row_int(r, c++);
	bst_q_text(r, c++, p->group_name, sizeof p->group_name);
	bst_q_text(r, c++, p->group_kind, sizeof p->group_kind);
	p->body = bst_row_text(r, c++);
	if (!p->body)
		p->body = "";
	p->created_ms = bst_row_int(r, c++);
	p->edited_ms = bst_row_int(r, c++);
	p->deleted_ms = bst_row_int(r, c++);
	p->deleted_by = bst_row_int(r, c++);
	p->pinned_ms = bst_row_int(r, c++);
	p->pinned_by = bst_row_int(r, c++);
	p->comments = bst_row_int(r, c++);
	p->likes = bst_row_int(r, c++);
	p->liked = bst_row_int(r, c++) != 0;
	p->attachments = bst_row_int(r, c++);
}

int bst_q_each_post_row(void *cls, const bst_row *r)
{
	struct bst_q_each_post *e = cls;
	struct bst_post_row p;
	bst_q_fill_post(r, &p);
	e->fn(e->cls, &p);
	return 0;
}

enum bst_qs bst_q_post_insert(bst_db *db, int64_t author_id, int64_t group_id,
			      const char *body, int64_t now, int64_t *id)
{
	*id = 0;
	enum bst_qs qs =
	    bst_db_exec(db,
			"INSERT INTO posts (author_id, group_id, body, created_ms)"
			" VALUES ($1, $2, $3, $4)",
			(struct bst_qp[]){BST_QP_INT(author_id),
					  group_id ? BST_QP_INT(group_id) : BST_QP_NULL,
					  BST_QP_TEXT(body), BST_QP_INT(now), BST_QP_END},
			NULL, NULL);
	if (qs == BST_QS_ONE_RESULT)
		*id = bst_db_last_id();
	return qs;
}

struct one_post {
	struct bst_post_row *out;
	bst_arena *arena;
};

static int one_post(void *cls, const bst_row *r)
{
	struct one_post *o = cls;
	bst_q_fill_post(r, o->out);
	o->out->body = bst_arena_strdup(o->arena, o->out->body);
	return 1;
}

enum bst_qs bst_q_post_get(bst_db *db, int64_t id, int64_t viewer_id, bst_arena *arena,
			   struct bst_post_row *out)
{
	memset(out, 0, sizeof *out);
	struct one_post o = {out, arena};
	return bst_db_exec(
	    db, "SELECT " BST_Q_POST_COLS " FROM " BST_Q_POST_FROM " WHERE p.id = $2",
	    (struct bst_qp[]){BST_QP_INT(viewer_id), BST_QP_INT(id), BST_QP_END},
	    one_post, &o);
}

enum bst_qs bst_q_post_edit(bst_db *db, int64_t id, const char *body, int64_t edited_by,
			    int64_t now)
{
	enum bst_qs qs =
	    bst_db_exec(db,
			"INSERT INTO post_versions (post_id, body, edited_by, created_ms)"
			" SELECT id, body, $2, $3 FROM posts"
			" WHERE id = $1 AND deleted_ms IS NULL",
			(struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(edited_by),
					  BST_QP_INT(now), BST_QP_END},
			NULL, NULL);
	if (qs != BST_QS_ONE_RESULT)
		return qs;
	return bst_db_exec(db,
			   "UPDATE posts SET body = $2, edited_ms = $3"
			   " WHERE id = $1 AND deleted_ms IS NULL",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(body),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_post_delete(bst_db *db, int64_t id, int64_t by, int64_t now)
{
	return bst_db_exec(
	    db,
	    "UPDATE posts SET deleted_ms = $3, deleted_by = $2, pinned_ms = NULL,"
	    " pinned_by = NULL WHERE id = $1 AND deleted_ms IS NULL",
	    (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(by), BST_QP_INT(now),
			      BST_QP_END},
	    NULL, NULL);
}

enum bst_qs bst_q_post_pin(bst_db *db, int64_t id, int64_t by, int64_t now)
{
	if (by)
		return bst_db_exec(
		    db,
		    "UPDATE posts SET pinned_ms = $3, pinned_by = $2"
		    " WHERE id = $1 AND deleted_ms IS NULL AND pinned_ms IS NULL",
		    (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(by), BST_QP_INT(now),
				      BST_QP_END},
		    NULL, NULL);
	return bst_db_exec(
	    db,
	    "UPDATE posts SET pinned_ms = NULL, pinned_by = NULL"
	    " WHERE id = $1 AND deleted_ms IS NULL AND pinned_ms IS NOT NULL",
	    (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, NULL, NULL);
}

int bst_q_each_version_row(void *cls, const bst_row *r)
{
	struct bst_q_each_version *e = cls;
	struct bst_version_row v;
	memset(&v, 0, sizeof v);
	v.id = bst_row_int(r, 0);
	v.body = bst_row_text(r, 1);
	if (!v.body)
		v.body = "";
	v.edited_by = bst_row_int(r, 2);
	bst_q_text(r, 3, v.editor_name, sizeof v.editor_name);
	v.created_ms = bst_row_int(r, 4);
	e->fn(e->cls, &v);
	return 0;
}

enum bst_qs bst_q_post_versions(bst_db *db, int64_t post_id,
				void (*fn)(void *cls, const struct bst_version_row *v),
				void *cls)
{
	struct bst_q_each_version e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT v.id, v.body, coalesce(v.edited_by, 0), coalesce(u.name, ''),"
	    " v.created_ms FROM post_versions v"
	    " LEFT JOIN users u ON u.id = v.edited_by"
	    " WHERE v.post_id = $1 ORDER BY v.id DESC",
	    (struct bst_qp[]){BST_QP_INT(post_id), BST_QP_END}, bst_q_each_version_row,
	    &e);
}

struct each_id {
	void (*fn)(void *cls, int64_t id);
	void *cls;
};

static int each_id_row(void *cls, const bst_row *r)
{
	struct each_id *e = cls;
	e->fn(e->cls, bst_row_int(r, 0));
	return 0;
}

enum bst_qs bst_q_post_attachment_ids(bst_db *db, int64_t post_id,
				      void (*fn)(void *cls, int64_t document_id),
				      void *cls)
{
	struct each_id e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT document_id FROM post_attachments WHERE post_id = $1"
			   " ORDER BY document_id",
			   (struct bst_qp[]){BST_QP_INT(post_id), BST_QP_END},
			   each_id_row, &e);
}

enum bst_qs bst_q_post_detach_all(bst_db *db, int64_t post_id)
{
	return bst_db_exec(db, "DELETE FROM post_attachments WHERE post_id = $1",
			   (struct bst_qp[]){BST_QP_INT(post_id), BST_QP_END}, NULL,
			   NULL);
}

enum bst_qs bst_q_post_attach(bst_db *db, int64_t post_id, int64_t document_id)
{
	return bst_db_exec(
	    db,
	    "INSERT INTO post_attachments (post_id, document_id)"
	    " SELECT $1, d.id FROM documents d WHERE d.id = $2 AND d.deleted_ms IS NULL"
	    " AND NOT EXISTS (SELECT 1 FROM post_attachments"
	    " WHERE post_id = $1 AND document_id = $2)",
	    (struct bst_qp[]){BST_QP_INT(post_id), BST_QP_INT(document_id), BST_QP_END},
	    NULL, NULL);
}
