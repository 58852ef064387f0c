/* Publications (see posts.h): statuses, feed access, the decision of what
 * ctx may do with a post, and create, read, edit, delete, pin, versions
 * and attached documents. Each change runs in one transaction with its
 * search-index entry, its mentions and its attachments; edits, deletions
 * and pins are audited after it committed. */
#include "social/posts.h"
#include "core/str.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/i18n.h"
#include "core/log.h"
#include "db/q_social.h"
#include "social/apps.h"
#include "social/documents.h"
#include "social/groups.h"

#include <stdio.h>
#include <stdlib.h>
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
    [BST_POST_ATTACHMENT_NOT_FOUND] =
	{"attachment_not_found",
	 N_("A document to attach does not exist, was deleted, or is not one you may "
	    "read."),
	 400},
    [BST_POST_ATTACHMENT_ELSEWHERE] =
	{"attachment_not_allowed",
	 N_("This document cannot go with this publication: a publication in a group "
	    "carries documents of that group's library only, a publication for everyone "
	    "documents of open groups' libraries only, and none carries documents of a "
	    "personal space."),
	 400},
    [BST_POST_TOO_MANY_ATTACHMENTS] = {"too_many_attachments",
				       N_("A publication carries at most 10 documents."),
				       400},
    [BST_POST_ATTACHMENTS_OFF] = {"attachments_off",
				  N_("The Documents application is off on this platform: "
				     "publications cannot carry documents."),
				  400},
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
	bst_str_copy(fa->group_name, sizeof fa->group_name, g.name);
	bst_str_copy(fa->group_kind, sizeof fa->group_kind, g.kind);
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

/* ---- attachments: checking, storing ---- */

/* The attachments asked for, as a list to store: repeated ids count once,
 * at most BST_POST_ATTACHMENTS_MAX, each a live document ctx may read in a
 * library the rule allows for feed group_id (posts.h). out has room for
 * BST_POST_ATTACHMENTS_MAX ids; *n_out is set first. */
static enum bst_post_status check_attachments(struct bst_ctx *ctx, int64_t group_id,
					      const int64_t *ids, size_t n, int64_t *out,
					      size_t *n_out)
{
	*n_out = 0;
	if (n == 0)
		return BST_POST_OK;
	if (!bst_app_enabled(ctx, BST_APP_DOCUMENTS))
		return BST_POST_ATTACHMENTS_OFF;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++)
			seen = out[j] == ids[i];
		if (seen)
			continue;
		if (k == BST_POST_ATTACHMENTS_MAX)
			return BST_POST_TOO_MANY_ATTACHMENTS;
		out[k++] = ids[i];
	}
	for (size_t i = 0; i < k; i++) {
		if (out[i] <= 0)
			return BST_POST_ATTACHMENT_NOT_FOUND;
		struct bst_document_row d;
		struct bst_library lib;
		enum bst_doc_status ds = bst_doc_get(ctx, out[i], &d, &lib, NULL);
		if (ds == BST_DOC_ERROR)
			return BST_POST_ERROR;
		/* what ctx may not read is refused as what does not exist */
		if (ds != BST_DOC_OK || d.deleted_ms || !lib.read)
			return BST_POST_ATTACHMENT_NOT_FOUND;
		if (strcmp(d.owner, "group") != 0)
			return BST_POST_ATTACHMENT_ELSEWHERE; /* a personal space */
		if (group_id) {
			if (d.owner_id != group_id)
				return BST_POST_ATTACHMENT_ELSEWHERE;
			continue;
		}
		struct bst_group_access a;
		if (bst_group_access(ctx, d.owner_id, &a) != 0)
			return BST_POST_ERROR;
		if (strcmp(a.kind, "open") != 0)
			return BST_POST_ATTACHMENT_ELSEWHERE;
	}
	*n_out = k;
	return BST_POST_OK;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Replaces a post's attachments by ids[0..n) inside the caller's
 * transaction. A document deleted since it was checked refuses the whole
 * change: *refusal says so and the status rolls the transaction back. */
static enum bst_qs store_attachments(bst_db *db, int64_t post_id, const int64_t *ids,
				     size_t n, enum bst_post_status *refusal)
{
	enum bst_qs qs = bst_q_post_detach_all(db, post_id);
	if (qs < 0)
		return qs;
	for (size_t i = 0; i < n; i++) {
		qs = bst_q_post_attach(db, post_id, ids[i]);
		if (qs < 0)
			return qs;
		if (qs == BST_QS_NO_RESULTS) {
			*refusal = BST_POST_ATTACHMENT_NOT_FOUND;
			return BST_QS_HARD_ERROR; /* never retried */
		}
	}
	return BST_QS_ONE_RESULT;
}

/* ---- create ---- */

struct create_tx {
	struct bst_ctx *ctx;
	int64_t group_id;
	const char *group_name;
	const char *body;
	const int64_t *attachments;
	size_t n_attachments;
	enum bst_post_status refusal;
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
	if (t->n_attachments) {
		qs = store_attachments(db, t->id, t->attachments, t->n_attachments,
				       &t->refusal);
		if (qs < 0)
			return qs;
	}
	return bst_mentions_update(t->ctx, t->group_id, t->id, 0, t->body);
}

enum bst_post_status bst_post_create(struct bst_ctx *ctx, int64_t group_id,
				     const char *body, int64_t *id)
{
	return bst_post_create_with(ctx, group_id, body, NULL, 0, id);
}

enum bst_post_status bst_post_create_with(struct bst_ctx *ctx, int64_t group_id,
					  const char *body, const int64_t *attachments,
					  size_t n, int64_t *id)
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
	int64_t ids[BST_POST_ATTACHMENTS_MAX];
	size_t n_ids = 0;
	st = check_attachments(ctx, group_id, attachments, n, ids, &n_ids);
	if (st != BST_POST_OK)
		return st;
	struct create_tx t = {.ctx = ctx,
			      .group_id = group_id,
			      .group_name = fa.group_name,
			      .body = body,
			      .attachments = ids,
			      .n_attachments = n_ids};
	if (bst_db_transaction(ctx->platform->main, create_tx, &t) < 0) {
		if (t.refusal != BST_POST_OK)
			return t.refusal;
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
	bool body_changed;
	const int64_t *attachments; /* NULL: unchanged */
	size_t n_attachments;
	enum bst_post_status refusal;
};

static enum bst_qs edit_tx(bst_db *db, void *cls)
{
	struct edit_tx *t = cls;
	enum bst_qs qs = bst_q_post_edit(db, t->p->row.id, t->body,
					 bst_post_actor(t->ctx), t->ctx->now);
	if (qs != BST_QS_ONE_RESULT)
		return qs < 0 ? qs : BST_QS_HARD_ERROR; /* deleted meanwhile */
	if (t->attachments) {
		qs = store_attachments(db, t->p->row.id, t->attachments, t->n_attachments,
				       &t->refusal);
		if (qs < 0)
			return qs;
	}
	if (!t->body_changed)
		return BST_QS_ONE_RESULT;
	qs = bst_q_search_put(db, "post", t->p->row.id, t->fa->group_name, t->body);
	if (qs < 0)
		return qs;
	return bst_mentions_update(t->ctx, t->p->row.group_id, t->p->row.id, 0, t->body);
}

/* The attachment ids of a post, whatever their state, in increasing order. */
struct id_list {
	int64_t *ids;
	size_t n, cap;
};

static void add_id(void *cls, int64_t id)
{
	struct id_list *l = cls;
	if (l->n < l->cap)
		l->ids[l->n++] = id;
}

static json_t *json_ids(const int64_t *ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

enum bst_post_status bst_post_edit(struct bst_ctx *ctx, int64_t id, const char *body)
{
	return bst_post_edit_with(ctx, id, body, NULL, 0);
}

enum bst_post_status bst_post_edit_with(struct bst_ctx *ctx, int64_t id, const char *body,
					const int64_t *attachments, size_t n)
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
	if (body) {
		st = bst_post_check_body(body, BST_POST_BODY_MAX);
		if (st != BST_POST_OK)
			return st;
	} else {
		body = p.row.body;
	}
	bool body_changed = strcmp(body, p.row.body) != 0;

	/* the attachments: an empty list while Documents is off leaves the
	 * hidden ones alone (they come back with the application) */
	int64_t after[BST_POST_ATTACHMENTS_MAX];
	size_t n_after = 0;
	/* the stored list can only be longer than the rule allows if rows were
	 * written by hand: then it changes whatever is asked */
	int64_t before[BST_POST_ATTACHMENTS_MAX + 1];
	struct id_list bl = {before, 0, BST_POST_ATTACHMENTS_MAX + 1};
	bool attachments_changed = false;
	if (attachments && (n || bst_app_enabled(ctx, BST_APP_DOCUMENTS))) {
		st = check_attachments(ctx, p.row.group_id, attachments, n, after,
				       &n_after);
		if (st != BST_POST_OK)
			return st;
		qsort(after, n_after, sizeof *after, cmp_id);
		if (bst_q_post_attachment_ids(ctx->platform->main, id, add_id, &bl) < 0)
			return BST_POST_ERROR;
		attachments_changed =
		    bl.n != n_after ||
		    (n_after && memcmp(before, after, n_after * sizeof *after) != 0);
	}
	if (!body_changed && !attachments_changed)
		return BST_POST_OK; /* nothing to keep a version of */
	struct edit_tx t = {.ctx = ctx,
			    .p = &p,
			    .fa = &fa,
			    .body = body,
			    .body_changed = body_changed,
			    .attachments = attachments_changed ? after : NULL,
			    .n_attachments = n_after};
	if (bst_db_transaction(ctx->platform->main, edit_tx, &t) < 0) {
		if (t.refusal != BST_POST_OK)
			return t.refusal;
		bst_log_error("platform %s: cannot edit post %lld", ctx->platform->slug,
			      (long long)id);
		return BST_POST_ERROR;
	}
	json_t *details = json_pack("{sI sI sI}", "group_id", (json_int_t)p.row.group_id,
				    "bytes_before", (json_int_t)strlen(p.row.body),
				    "bytes_after", (json_int_t)strlen(body));
	if (attachments_changed) {
		json_object_set_new(details, "attachments_before",
				    json_ids(before, bl.n));
		json_object_set_new(details, "attachments_after",
				    json_ids(after, n_after));
	}
	bst_audit_record(ctx, "post.edit", target_of(ctx, "post", id), details);
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

/* ---- attachments: reading ---- */

/* Rows collected before anything else is asked of the store (a query run
 * from inside another's callback would hold two connections). */
struct doc_rows {
	struct bst_document_row *rows;
	char **groups; /* NULL when not asked for */
	size_t n, cap;
	bst_arena *arena;
};

static void collect_doc(void *cls, const struct bst_document_row *d)
{
	struct doc_rows *c = cls;
	if (c->n < c->cap)
		c->rows[c->n++] = *d;
}

static void collect_choice(void *cls, const struct bst_document_row *d, const char *group)
{
	struct doc_rows *c = cls;
	if (c->n < c->cap) {
		c->groups[c->n] = bst_arena_strdup(c->arena, group);
		c->rows[c->n++] = *d;
	}
}

/* May ctx read documents of library (owner, owner_id)? Decided once per
 * library during one call: the answers are remembered in seen[]. */
struct readable {
	struct bst_ctx *ctx;
	struct {
		char owner[8];
		int64_t owner_id;
		bool read;
	} seen[BST_POST_ATTACH_CHOICES_MAX];
	size_t n;
};

static bool readable(struct readable *r, const struct bst_document_row *d)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->seen[i].owner_id == d->owner_id &&
		    strcmp(r->seen[i].owner, d->owner) == 0)
			return r->seen[i].read;
	struct bst_library lib;
	bool read = bst_library_open(r->ctx, d->owner, d->owner_id, &lib) == BST_DOC_OK &&
		    lib.read;
	if (r->n < sizeof r->seen / sizeof *r->seen) {
		bst_str_copy(r->seen[r->n].owner, sizeof r->seen[r->n].owner, d->owner);
		r->seen[r->n].owner_id = d->owner_id;
		r->seen[r->n].read = read;
		r->n++;
	}
	return read;
}

enum bst_post_status
bst_post_attachments(struct bst_ctx *ctx, const struct bst_post_row *p,
		     void (*fn)(void *cls, const struct bst_document_row *d), void *cls)
{
	if (p->attachments == 0 || ctx->actor != BST_ACTOR_USER ||
	    !bst_app_enabled(ctx, BST_APP_DOCUMENTS))
		return BST_POST_OK;
	struct doc_rows c = {
	    bst_arena_alloc(ctx->arena, BST_POST_ATTACHMENTS_MAX * sizeof *c.rows), NULL,
	    0, BST_POST_ATTACHMENTS_MAX, ctx->arena};
	if (bst_q_documents_of_post(ctx->platform->main, p->id, collect_doc, &c) < 0) {
		bst_log_error("platform %s: cannot read the attachments of post %lld",
			      ctx->platform->slug, (long long)p->id);
		return BST_POST_ERROR;
	}
	struct readable *r = bst_arena_alloc(ctx->arena, sizeof *r);
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	for (size_t i = 0; i < c.n; i++)
		if (!c.rows[i].deleted_ms && readable(r, &c.rows[i]))
			fn(cls, &c.rows[i]);
	return BST_POST_OK;
}

enum bst_post_status bst_post_attach_choices(struct bst_ctx *ctx, int64_t feed,
					     void (*fn)(void *cls,
							const struct bst_document_row *d,
							const char *group_name),
					     void *cls)
{
	if (!bst_post_actor(ctx) || !bst_app_enabled(ctx, BST_APP_DOCUMENTS))
		return BST_POST_OK;
	struct bst_feed_access fa;
	if (bst_feed_access(ctx, feed > 0 ? feed : 0, &fa) != BST_POST_OK || !fa.write)
		return BST_POST_OK;
	struct doc_rows c = {
	    bst_arena_alloc(ctx->arena, BST_POST_ATTACH_CHOICES_MAX * sizeof *c.rows),
	    bst_arena_alloc(ctx->arena, BST_POST_ATTACH_CHOICES_MAX * sizeof *c.groups),
	    0, BST_POST_ATTACH_CHOICES_MAX, ctx->arena};
	enum bst_qs qs =
	    feed > 0
		? bst_q_documents_recent(ctx->platform->main, "group", feed,
					 BST_POST_ATTACH_CHOICES_MAX, collect_choice, &c)
		: bst_q_documents_recent(ctx->platform->main, NULL, 0,
					 BST_POST_ATTACH_CHOICES_MAX, collect_choice, &c);
	if (qs < 0) {
		bst_log_error("platform %s: cannot list documents to attach",
			      ctx->platform->slug);
		return BST_POST_ERROR;
	}
	struct readable *r = bst_arena_alloc(ctx->arena, sizeof *r);
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	for (size_t i = 0; i < c.n; i++)
		if (readable(r, &c.rows[i]))
			fn(cls, &c.rows[i], c.groups[i]);
	return BST_POST_OK;
}
