/* Feeds (see posts.h): the home feed (the platform feed and the groups ctx
 * is a member of), one feed, pinned publications, and the count of new
 * ones. Each post comes with what ctx may do with it; access to each
 * group is decided once per call. Rows are collected before the caller
 * sees them: the caller renders (and the renderer queries mentions), and a
 * query run from inside another's callback would hold two connections. */
#include "social/posts.h"
#include "core/log.h"

#include <string.h>

/* Groups whose access is remembered during one listing. */
#define ACCESS_CACHE 16

struct listing {
	struct bst_ctx *ctx;
	void (*fn)(void *cls, const struct bst_post *p);
	void *cls;
	struct {
		int64_t group_id;
		enum bst_post_status st;
		struct bst_feed_access fa;
	} cache[ACCESS_CACHE];
	size_t n_cache;
	size_t next_slot;
	struct bst_post_row *rows;
	size_t n_rows, cap_rows;
};

static const struct bst_feed_access *access_of(struct listing *l, int64_t group_id,
					       enum bst_post_status *st)
{
	for (size_t i = 0; i < l->n_cache; i++)
		if (l->cache[i].group_id == group_id) {
			*st = l->cache[i].st;
			return &l->cache[i].fa;
		}
	size_t slot =
	    l->n_cache < ACCESS_CACHE ? l->n_cache++ : l->next_slot++ % ACCESS_CACHE;
	l->cache[slot].group_id = group_id;
	l->cache[slot].st = bst_feed_access(l->ctx, group_id, &l->cache[slot].fa);
	*st = l->cache[slot].st;
	return &l->cache[slot].fa;
}

static void collect(void *cls, const struct bst_post_row *row)
{
	struct listing *l = cls;
	if (l->n_rows == l->cap_rows)
		return; /* the queries are limited to cap_rows */
	l->rows[l->n_rows] = *row;
	l->rows[l->n_rows].body = bst_arena_strdup(l->ctx->arena, row->body);
	l->n_rows++;
}

static void deliver(struct listing *l, const struct bst_post_row *row)
{
	enum bst_post_status st;
	const struct bst_feed_access *fa = access_of(l, row->group_id, &st);
	/* the queries ask for readable feeds only; this is the service's own
	 * check that nothing else slips through */
	if (st != BST_POST_OK || !fa->read || (row->deleted_ms && !fa->admin))
		return;
	struct bst_post p;
	memset(&p, 0, sizeof p);
	p.row = *row;
	bst_post_decide(l->ctx, fa, &p);
	l->fn(l->cls, &p);
}

static struct listing *new_listing(struct bst_ctx *ctx, size_t cap,
				   void (*fn)(void *cls, const struct bst_post *p),
				   void *cls)
{
	struct listing *l = bst_arena_alloc(ctx->arena, sizeof *l);
	l->ctx = ctx;
	l->fn = fn;
	l->cls = cls;
	l->rows = bst_arena_alloc(ctx->arena, cap * sizeof *l->rows);
	l->cap_rows = cap;
	return l;
}

static void deliver_all(struct listing *l)
{
	for (size_t i = 0; i < l->n_rows; i++)
		deliver(l, &l->rows[i]);
}

/* The feed's access (home: signed in). */
static enum bst_post_status feed_access(struct bst_ctx *ctx, int64_t feed,
					struct bst_feed_access *fa)
{
	if (feed == BST_FEED_HOME) {
		enum bst_post_status st = bst_feed_access(ctx, 0, fa);
		return st == BST_POST_OK && bst_post_actor(ctx) ? BST_POST_OK
								: BST_POST_FORBIDDEN;
	}
	return bst_feed_access(ctx, feed, fa);
}

enum bst_post_status bst_feed_list(struct bst_ctx *ctx, int64_t feed, int64_t before,
				   int limit, bool without_pins,
				   void (*fn)(void *cls, const struct bst_post *p),
				   void *cls)
{
	struct bst_feed_access fa;
	enum bst_post_status st = feed_access(ctx, feed, &fa);
	if (st != BST_POST_OK)
		return st;
	if (limit < 1 || limit > BST_FEED_PAGE_MAX + 1)
		return BST_POST_INVALID;
	struct listing *l = new_listing(ctx, (size_t)limit, fn, cls);
	struct bst_q_feed q = {
	    .viewer_id = bst_post_actor(ctx),
	    .before = before > 0 ? before : 0,
	    .limit = limit,
	    .with_deleted = fa.admin,
	    .without_pins = without_pins,
	};
	enum bst_qs qs =
	    feed == BST_FEED_HOME
		? bst_q_feed_home(ctx->platform->main, &q, collect, l)
		: bst_q_feed_group(ctx->platform->main, feed, &q, collect, l);
	if (qs < 0) {
		bst_log_error("platform %s: cannot read a feed", ctx->platform->slug);
		return BST_POST_ERROR;
	}
	deliver_all(l);
	return BST_POST_OK;
}

enum bst_post_status bst_feed_pins(struct bst_ctx *ctx, int64_t feed,
				   void (*fn)(void *cls, const struct bst_post *p),
				   void *cls)
{
	struct bst_feed_access fa;
	enum bst_post_status st = feed_access(ctx, feed, &fa);
	if (st != BST_POST_OK)
		return st;
	struct listing *l = new_listing(ctx, BST_FEED_PINS_MAX, fn, cls);
	if (bst_q_feed_pins(ctx->platform->main, feed == BST_FEED_HOME ? 0 : feed,
			    bst_post_actor(ctx), BST_FEED_PINS_MAX, collect, l) < 0) {
		bst_log_error("platform %s: cannot read pinned posts",
			      ctx->platform->slug);
		return BST_POST_ERROR;
	}
	deliver_all(l);
	return BST_POST_OK;
}

enum bst_post_status bst_feed_count_new(struct bst_ctx *ctx, int64_t feed, int64_t since,
					int64_t *count)
{
	*count = 0;
	struct bst_feed_access fa;
	enum bst_post_status st = feed_access(ctx, feed, &fa);
	if (st != BST_POST_OK)
		return st;
	if (since < 0)
		return BST_POST_INVALID;
	int64_t n = bst_q_feed_count_new(ctx->platform->main, bst_post_actor(ctx), feed,
					 since, BST_FEED_NEW_CAP);
	if (n < 0) {
		bst_log_error("platform %s: cannot count new posts", ctx->platform->slug);
		return BST_POST_ERROR;
	}
	*count = n;
	return BST_POST_OK;
}
