/* Comments (see posts.h): one level of replies, the same Markdown, edit
 * and delete rules as publications, and the notifications of a
 * conversation: the publication's author hears of a comment, a comment's
 * author of a reply to it, and those mentioned of the mention, each only
 * if they may read the publication. */
#include "social/posts.h"
#include "audit/audit.h"
#include "core/log.h"
#include "db/q_social.h"
#include "social/notify.h"

#include <stdio.h>
#include <string.h>

static void decide(const struct bst_ctx *ctx, const struct bst_feed_access *fa,
		   const struct bst_post *p, struct bst_comment *c)
{
	int64_t me = bst_post_actor(ctx);
	bool live = c->row.deleted_ms == 0 && p->row.deleted_ms == 0;
	bool mine = me && c->row.author_id == me;
	c->can_reply = live && fa->write;
	c->can_edit = live && mine && fa->write;
	c->can_delete = live && (mine || fa->moderate);
	c->can_see_versions = mine || fa->admin;
}

/* The comment as ctx may know it, with its post and ctx's access: a
 * deleted comment (or one of a deleted post) only for platform
 * administrators. post_id != 0: it must belong to that post. */
static enum bst_post_status load(struct bst_ctx *ctx, int64_t post_id, int64_t comment_id,
				 struct bst_comment *c, struct bst_post *p,
				 struct bst_feed_access *fa)
{
	memset(c, 0, sizeof *c);
	switch (bst_q_comment_get(ctx->platform->main, comment_id, bst_post_actor(ctx),
				  ctx->arena, &c->row)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_POST_NOT_FOUND;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		bst_log_error("platform %s: cannot read comment %lld",
			      ctx->platform->slug, (long long)comment_id);
		return BST_POST_ERROR;
	}
	if (post_id && c->row.post_id != post_id)
		return BST_POST_NOT_FOUND;
	enum bst_post_status st = bst_post_load(ctx, c->row.post_id, p, fa);
	if (st != BST_POST_OK)
		return st;
	if (c->row.deleted_ms && !fa->admin)
		return BST_POST_NOT_FOUND;
	decide(ctx, fa, p, c);
	return BST_POST_OK;
}

enum bst_post_status bst_comment_get(struct bst_ctx *ctx, int64_t post_id,
				     int64_t comment_id, struct bst_comment *out)
{
	struct bst_post p;
	struct bst_feed_access fa;
	return load(ctx, post_id, comment_id, out, &p, &fa);
}

static const char *target_of(struct bst_ctx *ctx, int64_t id)
{
	return bst_arena_printf(ctx->arena, "comment:%lld", (long long)id);
}

/* ---- create ---- */

struct create_tx {
	struct bst_ctx *ctx;
	const struct bst_post *p;
	const struct bst_feed_access *fa;
	int64_t parent_id;         /* the top comment: where the reply goes */
	int64_t replied_author_id; /* the author of the comment replied to */
	const char *body;
	int64_t id;
};

static enum bst_qs create_tx(bst_db *db, void *cls)
{
	struct create_tx *t = cls;
	struct bst_ctx *ctx = t->ctx;
	const struct bst_post_row *p = &t->p->row;
	enum bst_qs qs = bst_q_comment_insert(
	    db, p->id, t->parent_id, bst_post_actor(ctx), t->body, ctx->now, &t->id);
	if (qs != BST_QS_ONE_RESULT)
		return qs < 0 ? qs : BST_QS_HARD_ERROR;
	qs = bst_q_search_put(db, "comment", t->id, t->fa->group_name, t->body);
	if (qs < 0)
		return qs;
	qs = bst_mentions_update(ctx, p->group_id, p->id, t->id, t->body);
	if (qs < 0)
		return qs;
	if (t->parent_id) {
		if (bst_mentions_can_read(ctx, t->replied_author_id, p->group_id))
			bst_notify(ctx, t->replied_author_id, BST_NOTIFY_REPLY,
				   p->group_id, p->id, t->id);
	} else if (bst_mentions_can_read(ctx, p->author_id, p->group_id)) {
		bst_notify(ctx, p->author_id, BST_NOTIFY_COMMENT, p->group_id, p->id,
			   t->id);
	}
	return BST_QS_ONE_RESULT;
}

enum bst_post_status bst_comment_create(struct bst_ctx *ctx, int64_t post_id,
					int64_t parent_id, const char *body, int64_t *id)
{
	*id = 0;
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = bst_post_load(ctx, post_id, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (p.row.deleted_ms)
		return BST_POST_DELETED;
	if (!p.can_take_part)
		return BST_POST_FORBIDDEN;
	struct create_tx t = {ctx, &p, &fa, 0, 0, body, 0};
	if (parent_id) {
		struct bst_comment parent;
		struct bst_post pp;
		struct bst_feed_access pfa;
		st = load(ctx, post_id, parent_id, &parent, &pp, &pfa);
		if (st != BST_POST_OK)
			return st;
		if (parent.row.deleted_ms)
			return BST_POST_DELETED;
		/* one level: a reply to a reply joins the thread of its comment */
		t.parent_id = parent.row.parent_id ? parent.row.parent_id : parent.row.id;
		t.replied_author_id = parent.row.author_id;
	}
	st = bst_post_check_body(body, BST_COMMENT_BODY_MAX);
	if (st != BST_POST_OK)
		return st;
	if (bst_db_transaction(ctx->platform->main, create_tx, &t) < 0) {
		bst_log_error("platform %s: cannot comment post %lld",
			      ctx->platform->slug, (long long)post_id);
		return BST_POST_ERROR;
	}
	*id = t.id;
	return BST_POST_OK;
}

/* ---- edit, delete, versions ---- */

struct edit_tx {
	struct bst_ctx *ctx;
	const struct bst_comment *c;
	const struct bst_post *p;
	const struct bst_feed_access *fa;
	const char *body;
};

static enum bst_qs edit_tx(bst_db *db, void *cls)
{
	struct edit_tx *t = cls;
	enum bst_qs qs = bst_q_comment_edit(db, t->c->row.id, t->body,
					    bst_post_actor(t->ctx), t->ctx->now);
	if (qs != BST_QS_ONE_RESULT)
		return qs < 0 ? qs : BST_QS_HARD_ERROR;
	qs = bst_q_search_put(db, "comment", t->c->row.id, t->fa->group_name, t->body);
	if (qs < 0)
		return qs;
	return bst_mentions_update(t->ctx, t->p->row.group_id, t->p->row.id, t->c->row.id,
				   t->body);
}

enum bst_post_status bst_comment_edit(struct bst_ctx *ctx, int64_t comment_id,
				      const char *body)
{
	struct bst_comment c;
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = load(ctx, 0, comment_id, &c, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (c.row.deleted_ms || p.row.deleted_ms)
		return BST_POST_DELETED;
	if (!c.can_edit)
		return BST_POST_FORBIDDEN;
	st = bst_post_check_body(body, BST_COMMENT_BODY_MAX);
	if (st != BST_POST_OK)
		return st;
	if (strcmp(body, c.row.body) == 0)
		return BST_POST_OK;
	struct edit_tx t = {ctx, &c, &p, &fa, body};
	if (bst_db_transaction(ctx->platform->main, edit_tx, &t) < 0) {
		bst_log_error("platform %s: cannot edit comment %lld",
			      ctx->platform->slug, (long long)comment_id);
		return BST_POST_ERROR;
	}
	bst_audit_record(ctx, "comment.edit", target_of(ctx, comment_id),
			 json_pack("{sI sI sI}", "post_id", (json_int_t)c.row.post_id,
				   "bytes_before", (json_int_t)strlen(c.row.body),
				   "bytes_after", (json_int_t)strlen(body)));
	return BST_POST_OK;
}

struct delete_tx {
	struct bst_ctx *ctx;
	int64_t id;
};

static enum bst_qs delete_tx(bst_db *db, void *cls)
{
	struct delete_tx *t = cls;
	enum bst_qs qs =
	    bst_q_comment_delete(db, t->id, bst_post_actor(t->ctx), t->ctx->now);
	if (qs <= 0)
		return qs;
	qs = bst_q_search_delete(db, "comment", t->id);
	return qs < 0 ? qs : BST_QS_ONE_RESULT;
}

enum bst_post_status bst_comment_delete(struct bst_ctx *ctx, int64_t comment_id)
{
	struct bst_comment c;
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = load(ctx, 0, comment_id, &c, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (c.row.deleted_ms || p.row.deleted_ms)
		return BST_POST_DELETED;
	if (!c.can_delete)
		return BST_POST_FORBIDDEN;
	struct delete_tx t = {ctx, comment_id};
	enum bst_qs qs = bst_db_transaction(ctx->platform->main, delete_tx, &t);
	if (qs < 0) {
		bst_log_error("platform %s: cannot delete comment %lld",
			      ctx->platform->slug, (long long)comment_id);
		return BST_POST_ERROR;
	}
	if (qs == BST_QS_NO_RESULTS)
		return BST_POST_DELETED;
	bst_audit_record(ctx, "comment.delete", target_of(ctx, comment_id),
			 json_pack("{sI sI sb}", "post_id", (json_int_t)c.row.post_id,
				   "author_id", (json_int_t)c.row.author_id, "by_author",
				   c.row.author_id == bst_post_actor(ctx)));
	return BST_POST_OK;
}

enum bst_post_status
bst_comment_versions(struct bst_ctx *ctx, int64_t comment_id,
		     void (*fn)(void *cls, const struct bst_version_row *v), void *cls)
{
	struct bst_comment c;
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = load(ctx, 0, comment_id, &c, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (!c.can_see_versions)
		return BST_POST_FORBIDDEN;
	if (bst_q_comment_versions(ctx->platform->main, comment_id, fn, cls) < 0)
		return BST_POST_ERROR;
	return BST_POST_OK;
}

/* ---- list and render ---- */

struct collected {
	struct bst_ctx *ctx;
	struct bst_comment_row *rows;
	size_t n, cap;
};

/* Rows are copied before the caller sees them: rendering queries mentions,
 * which must not run inside this query's callback. */
static void collect(void *cls, const struct bst_comment_row *c)
{
	struct collected *l = cls;
	if (l->n == l->cap)
		return;
	l->rows[l->n] = *c;
	l->rows[l->n].body = bst_arena_strdup(l->ctx->arena, c->body);
	l->n++;
}

enum bst_post_status bst_comment_list(struct bst_ctx *ctx, int64_t post_id, bool threaded,
				      int64_t after, int limit,
				      void (*fn)(void *cls, const struct bst_comment *c),
				      void *cls)
{
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = bst_post_load(ctx, post_id, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (limit < 1 || limit > BST_COMMENTS_PAGE_MAX + 1)
		return BST_POST_INVALID;
	struct collected l = {ctx,
			      bst_arena_alloc(ctx->arena, (size_t)limit * sizeof *l.rows),
			      0, (size_t)limit};
	if (bst_q_comment_list(ctx->platform->main, post_id, bst_post_actor(ctx),
			       fa.admin, threaded, after, limit, collect, &l) < 0) {
		bst_log_error("platform %s: cannot list the comments of post %lld",
			      ctx->platform->slug, (long long)post_id);
		return BST_POST_ERROR;
	}
	for (size_t i = 0; i < l.n; i++) {
		struct bst_comment c;
		memset(&c, 0, sizeof c);
		c.row = l.rows[i];
		decide(ctx, &fa, &p, &c);
		fn(cls, &c);
	}
	return BST_POST_OK;
}

void bst_comment_render(struct bst_ctx *ctx, const struct bst_comment_row *c,
			bst_buf *out)
{
	bst_mentions_render(ctx, c->post_id, c->id, c->body, out);
}
