/* Mentions (see posts.h): "@alice" names the platform user whose e-mail
 * address is alice@... when no other user's address has that local part.
 * They are resolved when a text is written, for the people who may read
 * it only: a member of nothing cannot be summoned into a private group's
 * conversation, and learns nothing of it. Those newly mentioned are
 * notified; the mentions table remembers who was, so that the text shows
 * them as links to their profiles and an edit does not notify twice. */
#include "social/posts.h"
#include "core/str.h"
#include "core/log.h"
#include "social/notify.h"
#include "social/render_cache.h"

#include <stdio.h>
#include <string.h>

/* People resolved and notified per text: enough for a team; a text naming
 * the whole platform is a mass mailing, not a conversation. */
#define MENTIONS_MAX 50

bool bst_mentions_can_read(struct bst_ctx *ctx, int64_t user_id, int64_t group_id)
{
	struct bst_user_row u;
	if (bst_q_user_by_id(ctx->platform->main, user_id, &u) != BST_QS_ONE_RESULT ||
	    strcmp(u.status, "active") != 0)
		return false;
	/* the same question, asked as that person */
	struct bst_ctx as = *ctx;
	as.actor = BST_ACTOR_USER;
	as.user = u;
	as.session_id = 0;
	as.via_token = false;
	as.token_write = false;
	struct bst_feed_access fa;
	return bst_feed_access(&as, group_id, &fa) == BST_POST_OK && fa.read;
}

struct resolve {
	struct bst_ctx *ctx;
	int64_t group_id;
	char handles[MENTIONS_MAX][BST_MARKDOWN_HANDLE_MAX + 1];
	size_t n_handles;
	int64_t users[MENTIONS_MAX];
	size_t n_users;
	bool failed;
};

static void on_handle(void *cls, const char *handle)
{
	struct resolve *r = cls;
	if (r->failed || r->n_handles == MENTIONS_MAX)
		return;
	for (size_t i = 0; i < r->n_handles; i++)
		if (strcmp(r->handles[i], handle) == 0)
			return;
	bst_str_copy(r->handles[r->n_handles++], sizeof r->handles[0], handle);
	struct bst_user_row u;
	enum bst_qs qs = bst_q_user_by_local_part(r->ctx->platform->main, handle, &u);
	if (qs < 0) {
		r->failed = true;
		return;
	}
	if (qs != BST_QS_ONE_RESULT || strcmp(u.status, "active") != 0 ||
	    !bst_mentions_can_read(r->ctx, u.id, r->group_id))
		return;
	for (size_t i = 0; i < r->n_users; i++)
		if (r->users[i] == u.id)
			return;
	r->users[r->n_users++] = u.id;
}

struct previous {
	int64_t ids[MENTIONS_MAX];
	size_t n;
};

static void on_previous(void *cls, const struct bst_mention_row *m)
{
	struct previous *p = cls;
	if (p->n < MENTIONS_MAX)
		p->ids[p->n++] = m->user_id;
}

enum bst_qs bst_mentions_update(struct bst_ctx *ctx, int64_t group_id, int64_t post_id,
				int64_t comment_id, const char *body)
{
	bst_db *db = ctx->platform->main;
	struct previous prev = {.n = 0};
	enum bst_qs qs = bst_q_mentions_list(db, post_id, comment_id, on_previous, &prev);
	if (qs < 0)
		return qs;
	struct resolve *r = bst_arena_alloc(ctx->arena, sizeof *r);
	r->ctx = ctx;
	r->group_id = group_id;
	if (bst_markdown_mentions(body, on_handle, r) != 0 || r->failed)
		return BST_QS_HARD_ERROR;
	qs = bst_q_mentions_replace(db, post_id, comment_id, r->users, r->n_users);
	if (qs < 0)
		return qs;
	for (size_t i = 0; i < r->n_users; i++) {
		bool known = false;
		for (size_t k = 0; k < prev.n && !known; k++)
			known = prev.ids[k] == r->users[i];
		if (!known)
			bst_notify(ctx, r->users[i], BST_NOTIFY_MENTION, group_id,
				   post_id, comment_id);
	}
	return BST_QS_ONE_RESULT;
}

/* ---- rendering ---- */

struct known {
	struct {
		char local[BST_MARKDOWN_HANDLE_MAX + 1];
		int64_t id;
	} list[MENTIONS_MAX];
	size_t n;
};

static void on_known(void *cls, const struct bst_mention_row *m)
{
	struct known *k = cls;
	const char *at = strrchr(m->email, '@');
	size_t len = at ? (size_t)(at - m->email) : 0;
	if (k->n == MENTIONS_MAX || len == 0 || len > BST_MARKDOWN_HANDLE_MAX)
		return;
	memcpy(k->list[k->n].local, m->email, len);
	k->list[k->n].local[len] = '\0';
	k->list[k->n].id = m->user_id;
	k->n++;
}

static bool link_of(void *cls, const char *handle, char *href, size_t n)
{
	struct known *k = cls;
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->list[i].local, handle) == 0) {
			snprintf(href, n, "/people/%lld", (long long)k->list[i].id);
			return true;
		}
	return false;
}

void bst_mentions_render(struct bst_ctx *ctx, int64_t post_id, int64_t comment_id,
			 const char *body, bst_buf *out)
{
	const char *slug = ctx->platform->slug;
	if (bst_render_cache_get(slug, post_id, comment_id, body, out))
		return;
	struct known *k = bst_arena_alloc(ctx->arena, sizeof *k);
	if (strchr(body, '@') && bst_q_mentions_list(ctx->platform->main, post_id,
						     comment_id, on_known, k) < 0) {
		/* rendered without links this time, and not remembered */
		bst_log_error("platform %s: cannot read the mentions of post %lld", slug,
			      (long long)post_id);
		bst_markdown_render(body, out);
		return;
	}
	size_t start = out->len;
	int rc = k->n ? bst_markdown_render_mentions(body, out, link_of, k)
		      : bst_markdown_render(body, out);
	if (rc != 0) {
		bst_log_error("platform %s: cannot render a text of post %lld", slug,
			      (long long)post_id);
		return;
	}
	if (!out->oom)
		bst_render_cache_put(slug, post_id, comment_id, body, out->data + start,
				     out->len - start);
}
