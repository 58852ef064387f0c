/* Publications (see posts.h): statuses, feed access, the decision of what
 * ctx may do with a post, and create, read, edit, delete, pin and
 * versions. Each change runs in one transaction with its search-index
 * entry and its mentions; edits, deletions and pins are audited after it
 * committed. */
#include "social/posts.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/i18n.h"
#include "core/log.h"
#include "db/q_social.h"
#include "social/groups.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
    [BST_POST_OK] = {"ok", N_("Done."), 200},
    [BST_POST_NOT_FOUND] = {"post_not_found",
			    N_("There is no such publication or comment."), 404},
    [BST_POST_GROUP_NOT_FOUND] = {"group_not_found", N_("There is no such group."), 404},
    [BST_POST_FORBIDDEN] = {"forbidden", N_("You are not allowed to do this."), 403},
    [BST_POST_DELETED] = {"post_deleted",
			  N_("This text was deleted: it can no longer change."), 409},
    [BST_POST_EMPTY] = {"text_empty", N_("Write something first: the text is empty."),
			400},
    [BST_POST_TOO_LARGE] = {"text_too_large", N_("The text is too long: at most 64 KiB."),
			    413},
    [BST_POST_TOO_DEEP] =
	{"text_too_deep",
	 N_("The text nests too deeply (lists, quotes or emphasis within one another)."),
	 400},
    [BST_POST_TOO_COMPLEX] = {"text_too_complex",
			      N_("The text is too complex to display: too many table "
				 "cells or columns, brackets, @ signs or links."),
			      400},
    [BST_POST_INVALID] = {"invalid", N_("This request is not valid."), 400},
    [BST_POST_ERROR] =
	{"internal",
	 N_("Something went wrong on our side; nothing was changed. Please try again."),
	 500},
};

const char *bst_post_code(enum bst_post_status s)
{
	return statuses[s].code;
}

const char *bst_post_text(enum bst_post_status s)
{
	return statuses[s].text;
}

int bst_post_http_status(enum bst_post_status s)
{
	return statuses[s].http;
}

int64_t bst_post_actor(const struct bst_ctx *ctx)
{
	if (ctx->actor != BST_ACTOR_USER || strcmp(ctx->user.status, "active") != 0)
		return 0;
	return ctx->user.id;
}

bool bst_post_platform_admin(const struct bst_ctx *ctx)
{
	return ctx->actor == BST_ACTOR_OPERATOR ||
	       (bst_post_actor(ctx) && bst_ctx_is_admin(ctx));
}

enum bst_post_status bst_post_check_body(const char *body, size_t max)
{
	switch (bst_markdown_check(body, max)) {
	case BST_MARKDOWN_OK:
		return BST_POST_OK;
	case BST_MARKDOWN_EMPTY:
		return BST_POST_EMPTY;
	case BST_MARKDOWN_TOO_LARGE:
		return BST_POST_TOO_LARGE;
	case BST_MARKDOWN_TOO_DEEP:
		return BST_POST_TOO_DEEP;
	case BST_MARKDOWN_TOO_COMPLEX:
		return BST_POST_TOO_COMPLEX;
	case BST_MARKDOWN_ERROR:
		return BST_POST_ERROR;
	}
	return BST_POST_ERROR;
}

enum bst_post_status bst_feed_access(struct bst_ctx *ctx, int64_t group_id,
				     struct bst_feed_access *fa)
{
	memset(fa, 0, sizeof *fa);
	fa->admin = bst_post_platform_admin(ctx);
	if (group_id == 0) {
		fa->read = bst_post_actor(ctx) != 0 || ctx->actor == BST_ACTOR_OPERATOR;
		fa->write = bst_post_actor(ctx) != 0;
		fa->moderate = fa->admin;
		return fa->read ? BST_POST_OK : BST_POST_GROUP_NOT_FOUND;
	}
	if (group_id < 0)
		return BST_POST_GROUP_NOT_FOUND;
	struct bst_group g;
	struct bst_group_access a;
	if (bst_group_get(ctx, group_id, &g, &a) != 0)
		return BST_POST_GROUP_NOT_FOUND;
	snprintf(fa->group_name, sizeof fa->group_name, "%s", g.name);
	snprintf(fa->group_kind, sizeof fa->group_kind, "%s", g.kind);
	fa->read = a.read;
	fa->write = a.write;
	fa->moderate = a.manage;
	return fa->read ? BST_POST_OK : BST_POST_FORBIDDEN;
}

void bst_post_decide(const struct bst_ctx *ctx, const struct bst_feed_access *fa,
		     struct bst_post *p)
{
	int64_t me = bst_post_actor(ctx);
	bool live = p->row.deleted_ms == 0;
	bool mine = me && p->row.author_id == me;
	p->can_take_part = live && fa->write;
	p->can_edit = live && mine && fa->write;
	p->can_delete = live && (mine || fa->moderate);
	p->can_pin = live && fa->moderate;
	p->can_see_versions = mine || fa->admin;
}

enum bst_post_status bst_post_load(struct bst_ctx *ctx, int64_t id, struct bst_post *p,
				   struct bst_feed_access *fa)
{
	memset(p, 0, sizeof *p);
	memset(fa, 0, sizeof *fa);
	switch (bst_q_post_get(ctx->platform->main, id, bst_post_actor(ctx), ctx->arena,
			       &p->row)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_POST_NOT_FOUND;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		bst_log_error("platform %s: cannot read post %lld", ctx->platform->slug,
			      (long long)id);
		return BST_POST_ERROR;
	}
	if (bst_feed_access(ctx, p->row.group_id, fa) != BST_POST_OK)
		return BST_POST_NOT_FOUND;
	if (p->row.deleted_ms && !fa->admin)
		return BST_POST_NOT_FOUND;
	bst_post_decide(ctx, fa, p);
	return BST_POST_OK;
}

enum bst_post_status bst_post_get(struct bst_ctx *ctx, int64_t id, struct bst_post *out)
{
	struct bst_feed_access fa;
	return bst_post_load(ctx, id, out, &fa);
}

static const char *target_of(struct bst_ctx *ctx, const char *kind, int64_t id)
{
	return bst_arena_printf(ctx->arena, "%s:%lld", kind, (long long)id);
}

/* ---- create ---- */

struct create_tx {
	struct bst_ctx *ctx;
	int64_t group_id;
	const char *group_name;
	const char *body;
	int64_t id;
};

static enum bst_qs create_tx(bst_db *db, void *cls)
{
	struct create_tx *t = cls;
	enum bst_qs qs = bst_q_post_insert(db, bst_post_actor(t->ctx), t->group_id,
					   t->body, t->ctx->now, &t->id);
	if (qs != BST_QS_ONE_RESULT)
		return qs < 0 ? qs : BST_QS_HARD_ERROR;
	qs = bst_q_search_put(db, "post", t->id, t->group_name, t->body);
	if (qs < 0)
		return qs;
	return bst_mentions_update(t->ctx, t->group_id, t->id, 0, t->body);
}

enum bst_post_status bst_post_create(struct bst_ctx *ctx, int64_t group_id,
				     const char *body, int64_t *id)
{
	*id = 0;
	if (!bst_post_actor(ctx))
		return BST_POST_FORBIDDEN;
	struct bst_feed_access fa;
	enum bst_post_status st = bst_feed_access(ctx, group_id, &fa);
	if (st != BST_POST_OK)
		return st == BST_POST_FORBIDDEN ? BST_POST_FORBIDDEN
						: BST_POST_GROUP_NOT_FOUND;
	if (!fa.write)
		return BST_POST_FORBIDDEN;
	st = bst_post_check_body(body, BST_POST_BODY_MAX);
	if (st != BST_POST_OK)
		return st;
	struct create_tx t = {ctx, group_id, fa.group_name, body, 0};
	if (bst_db_transaction(ctx->platform->main, create_tx, &t) < 0) {
		bst_log_error("platform %s: cannot publish", ctx->platform->slug);
		return BST_POST_ERROR;
	}
	*id = t.id;
	return BST_POST_OK;
}

/* ---- edit ---- */

struct edit_tx {
	struct bst_ctx *ctx;
	const struct bst_post *p;
	const struct bst_feed_access *fa;
	const char *body;
};

static enum bst_qs edit_tx(bst_db *db, void *cls)
{
	struct edit_tx *t = cls;
	enum bst_qs qs = bst_q_post_edit(db, t->p->row.id, t->body,
					 bst_post_actor(t->ctx), t->ctx->now);
	if (qs != BST_QS_ONE_RESULT)
		return qs < 0 ? qs : BST_QS_HARD_ERROR; /* deleted meanwhile */
	qs = bst_q_search_put(db, "post", t->p->row.id, t->fa->group_name, t->body);
	if (qs < 0)
		return qs;
	return bst_mentions_update(t->ctx, t->p->row.group_id, t->p->row.id, 0, t->body);
}

enum bst_post_status bst_post_edit(struct bst_ctx *ctx, int64_t id, const char *body)
{
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = bst_post_load(ctx, id, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (p.row.deleted_ms)
		return BST_POST_DELETED;
	if (!p.can_edit)
		return BST_POST_FORBIDDEN;
	st = bst_post_check_body(body, BST_POST_BODY_MAX);
	if (st != BST_POST_OK)
		return st;
	if (strcmp(body, p.row.body) == 0)
		return BST_POST_OK; /* nothing to keep a version of */
	struct edit_tx t = {ctx, &p, &fa, body};
	if (bst_db_transaction(ctx->platform->main, edit_tx, &t) < 0) {
		bst_log_error("platform %s: cannot edit post %lld", ctx->platform->slug,
			      (long long)id);
		return BST_POST_ERROR;
	}
	bst_audit_record(ctx, "post.edit", target_of(ctx, "post", id),
			 json_pack("{sI sI sI}", "group_id", (json_int_t)p.row.group_id,
				   "bytes_before", (json_int_t)strlen(p.row.body),
				   "bytes_after", (json_int_t)strlen(body)));
	return BST_POST_OK;
}

/* ---- delete ---- */

struct delete_tx {
	struct bst_ctx *ctx;
	int64_t id;
};

static enum bst_qs delete_tx(bst_db *db, void *cls)
{
	struct delete_tx *t = cls;
	enum bst_qs qs =
	    bst_q_post_delete(db, t->id, bst_post_actor(t->ctx), t->ctx->now);
	if (qs <= 0)
		return qs; /* NO_RESULTS: deleted meanwhile, nothing more to do */
	qs = bst_q_search_delete(db, "post", t->id);
	if (qs < 0)
		return qs;
	qs = bst_q_comment_unindex_post(db, t->id);
	return qs < 0 ? qs : BST_QS_ONE_RESULT;
}

enum bst_post_status bst_post_delete(struct bst_ctx *ctx, int64_t id)
{
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = bst_post_load(ctx, id, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (p.row.deleted_ms)
		return BST_POST_DELETED;
	if (!p.can_delete)
		return BST_POST_FORBIDDEN;
	struct delete_tx t = {ctx, id};
	enum bst_qs qs = bst_db_transaction(ctx->platform->main, delete_tx, &t);
	if (qs < 0) {
		bst_log_error("platform %s: cannot delete post %lld", ctx->platform->slug,
			      (long long)id);
		return BST_POST_ERROR;
	}
	if (qs == BST_QS_NO_RESULTS)
		return BST_POST_DELETED;
	bool own = p.row.author_id == bst_post_actor(ctx);
	bst_audit_record(ctx, "post.delete", target_of(ctx, "post", id),
			 json_pack("{sI sI sb}", "group_id", (json_int_t)p.row.group_id,
				   "author_id", (json_int_t)p.row.author_id, "by_author",
				   own));
	return BST_POST_OK;
}

/* ---- pin ---- */

enum bst_post_status bst_post_pin(struct bst_ctx *ctx, int64_t id, bool pinned)
{
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = bst_post_load(ctx, id, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (p.row.deleted_ms)
		return BST_POST_DELETED;
	if (!p.can_pin || !bst_authz_write(ctx))
		return BST_POST_FORBIDDEN;
	enum bst_qs qs = bst_q_post_pin(ctx->platform->main, id,
					pinned ? bst_post_actor(ctx) : 0, ctx->now);
	if (qs < 0) {
		bst_log_error("platform %s: cannot pin post %lld", ctx->platform->slug,
			      (long long)id);
		return BST_POST_ERROR;
	}
	if (qs == BST_QS_ONE_RESULT)
		bst_audit_record(
		    ctx, pinned ? "post.pin" : "post.unpin", target_of(ctx, "post", id),
		    json_pack("{sI}", "group_id", (json_int_t)p.row.group_id));
	return BST_POST_OK;
}

/* ---- versions and rendering ---- */

enum bst_post_status
bst_post_versions(struct bst_ctx *ctx, int64_t id,
		  void (*fn)(void *cls, const struct bst_version_row *v), void *cls)
{
	struct bst_post p;
	struct bst_feed_access fa;
	enum bst_post_status st = bst_post_load(ctx, id, &p, &fa);
	if (st != BST_POST_OK)
		return st;
	if (!p.can_see_versions)
		return BST_POST_FORBIDDEN;
	if (bst_q_post_versions(ctx->platform->main, id, fn, cls) < 0)
		return BST_POST_ERROR;
	return BST_POST_OK;
}

void bst_post_render(struct bst_ctx *ctx, const struct bst_post_row *p, bst_buf *out)
{
	bst_mentions_render(ctx, p->id, 0, p->body, out);
}
