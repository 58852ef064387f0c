/* Notification mail (see notifications.h): one message per notification
 * for people who want them at once, a daily digest for the others. Mails
 * name who did what and link to it; they never quote content (a mail
 * leaves the platform). Each is written in its recipient's language. A
 * notification is marked mailed before its message is queued and unmarked
 * if queuing fails, so two senders (the request that caused it and the
 * scheduler's pass) never both mail it. */
#include "social/notifications.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/log.h"
#include "ops/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Notifications taken per platform and pass by the immediate sender. */
#define MAIL_BATCH 200
/* People given a digest per platform and pass (the next pass, an hour
 * later, goes on). */
#define DIGEST_BATCH 500

/* The language of a mail to p: theirs, else the platform's default. */
static const char *lang_of(const struct bst_ctx *ctx, const struct bst_profile_row *p)
{
	return p->lang[0] ? p->lang : ctx->settings.default_lang;
}

static void footer(const struct bst_ctx *ctx, const struct bst_profile_row *to, bst_buf *body)
{
	bst_buf_printf(body, _("\nAll your notifications: %s/notifications\n"
			       "Choose how notifications reach you by e-mail: %s/people/%lld/edit\n"),
		       ctx->base_url, ctx->base_url, (long long)to->id);
}

/* Queues the mail of one notification to its recipient. */
static int mail_one(struct bst_ctx *ctx, const struct bst_profile_row *to,
		    const struct bst_notification_row *n)
{
	if (bst_q_notification_claim_mail(ctx->platform->main, n->id, ctx->now) !=
	    BST_QS_ONE_RESULT)
		return 0; /* mailed by someone else, or gone */
	const char *page_lang = bst_i18n_current();
	bst_i18n_use(lang_of(ctx, to));
	const char *sentence = bst_notification_sentence(ctx->arena, n, false);
	/* TRANSLATORS: the first %s is the platform's name, the second says what happened */
	const char *subject = bst_arena_printf(ctx->arena, _("%s: %s"), ctx->platform->name,
					       sentence);
	bst_buf body;
	bst_buf_init(&body);
	/* TRANSLATORS: %s is the person's name */
	bst_buf_printf(&body, _("Hello %s,\n\n"), to->name);
	bst_buf_printf(&body, "%s\n\n", sentence);
	bst_buf_printf(&body, _("Open it: %s%s\n"), ctx->base_url,
		       bst_notification_path(ctx->arena, n));
	footer(ctx, to, &body);
	int rc = body.oom ? -1 : bst_mail_enqueue(ctx, to->email, subject, bst_buf_str(&body));
	bst_buf_free(&body);
	bst_i18n_use(page_lang);
	if (rc != 0) {
		bst_q_notification_unclaim_mail(ctx->platform->main, n->id);
		return -1;
	}
	return 0;
}

int bst_notification_mail_now(struct bst_ctx *ctx, int64_t user_id, int64_t id)
{
	struct bst_profile_row *to = bst_arena_alloc(ctx->arena, sizeof *to);
	if (bst_q_profile_get(ctx->platform->main, user_id, to) != BST_QS_ONE_RESULT)
		return -1;
	if (strcmp(to->status, "active") != 0 || strcmp(to->notify_mail, "immediate") != 0)
		return 0;
	struct bst_notification_row n;
	switch (bst_q_notification_get(ctx->platform->main, user_id, id, &n)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return 0;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return -1;
	}
	if (n.read_ms || n.mailed_ms)
		return 0;
	return mail_one(ctx, to, &n);
}

/* ---- scheduler jobs: a context per platform, as the CLI builds one ---- */

struct job {
	struct bst_install *in;
	const struct bst_config *cfg;
	int64_t now;
	struct bst_platform **platforms;
	size_t n, cap;
};

static void collect(struct bst_platform *p, void *cls)
{
	struct job *j = cls;
	if (atomic_load(&p->suspended))
		return;
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 16;
		struct bst_platform **v = realloc(j->platforms, cap * sizeof *v);
		if (!v)
			return;
		j->platforms = v;
		j->cap = cap;
	}
	j->platforms[j->n++] = p;
}

static void take_first(void *cls, const char *host, int64_t id)
{
	char *first = cls;
	if (!first[0])
		snprintf(first, BST_HOST_MAX + 1, "%s", host);
}

/* Builds ctx for platform p: the links point at its first host name, on
 * the scheme and port people use (as the CLI's links do). Returns 0. */
static int job_ctx(struct job *j, struct bst_platform *p, bst_arena *arena, struct bst_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->install = j->in;
	ctx->config = j->cfg;
	ctx->platform = p;
	ctx->actor = BST_ACTOR_OPERATOR;
	ctx->client_addr = "scheduler";
	ctx->user_agent = "bastide-scheduler";
	ctx->now = j->now;
	ctx->arena = arena;
	if (bst_platform_settings(p, &ctx->settings, j->now) != 0)
		return -1;
	char host[BST_HOST_MAX + 1] = "";
	bst_q_platform_hosts(j->in->control, p->id, take_first, host);
	if (!host[0])
		return -1;
	unsigned port = j->cfg->public_port;
	if (!port) {
		const char *colon = strrchr(j->cfg->listen, ':');
		port = colon ? (unsigned)atoi(colon + 1) : 0;
	}
	bool https = strcmp(j->cfg->public_scheme, "https") == 0;
	bool default_port = port == 0 || (https && port == 443) || (!https && port == 80);
	ctx->base_url = default_port
				? bst_arena_printf(arena, "%s://%s", j->cfg->public_scheme, host)
				: bst_arena_printf(arena, "%s://%s:%u", j->cfg->public_scheme, host,
						   port);
	return 0;
}

/* Runs fn for each open platform, outside the registry's lock. */
static void each_platform(struct bst_install *in, bst_registry *reg,
			  const struct bst_config *cfg, int64_t now,
			  void (*fn)(struct bst_ctx *ctx))
{
	struct job j = {in, cfg, now, NULL, 0, 0};
	bst_registry_each(reg, collect, &j);
	for (size_t i = 0; i < j.n; i++) {
		bst_arena *arena = bst_arena_new();
		struct bst_ctx ctx;
		if (job_ctx(&j, j.platforms[i], arena, &ctx) == 0)
			fn(&ctx);
		else
			bst_log_warn("platform %s: notification mail skipped (no settings or "
				     "host name)", j.platforms[i]->slug);
		bst_arena_free(arena);
	}
	free(j.platforms);
}

struct rows {
	struct bst_notification_row *v;
	size_t n, cap;
};

static void keep_row(void *cls, const struct bst_notification_row *n)
{
	struct rows *r = cls;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct bst_notification_row *v = realloc(r->v, cap * sizeof *v);
		if (!v)
			return;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *n;
}

static void mail_platform(struct bst_ctx *ctx)
{
	struct rows rows = {NULL, 0, 0};
	if (bst_q_notification_mail_due(ctx->platform->main, ctx->now - BST_NOTIFY_MAIL_WINDOW_MS,
					MAIL_BATCH, keep_row, &rows) < 0) {
		bst_log_error("platform %s: cannot read the notifications to mail",
			      ctx->platform->slug);
		free(rows.v);
		return;
	}
	struct bst_profile_row *to = bst_arena_alloc(ctx->arena, sizeof *to);
	for (size_t i = 0; i < rows.n; i++) {
		if (to->id != rows.v[i].user_id &&
		    bst_q_profile_get(ctx->platform->main, rows.v[i].user_id, to) !=
			    BST_QS_ONE_RESULT)
			continue;
		mail_one(ctx, to, &rows.v[i]);
	}
	free(rows.v);
}

void bst_notification_mail_run(struct bst_install *in, bst_registry *reg,
			       const struct bst_config *cfg, int64_t now)
{
	each_platform(in, reg, cfg, now, mail_platform);
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

static void keep_id(void *cls, int64_t id)
{
	struct ids *s = cls;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		int64_t *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = id;
}

/* One person's digest: the items, queued as one mail, then marked. */
static void digest_one(struct bst_ctx *ctx, int64_t user_id, struct bst_profile_row *to)
{
	if (bst_q_profile_get(ctx->platform->main, user_id, to) != BST_QS_ONE_RESULT)
		return;
	struct rows rows = {NULL, 0, 0};
	if (bst_q_digest_items(ctx->platform->main, user_id, BST_DIGEST_MAX_ITEMS + 1, keep_row,
			       &rows) < 0 ||
	    rows.n == 0) {
		free(rows.v);
		return;
	}
	bool more = rows.n > BST_DIGEST_MAX_ITEMS;
	size_t shown = more ? BST_DIGEST_MAX_ITEMS : rows.n;
	const char *page_lang = bst_i18n_current();
	bst_i18n_use(lang_of(ctx, to));
	/* TRANSLATORS: %s is the platform's name, %lu a number of notifications */
	const char *subject = bst_arena_printf(
		ctx->arena,
		bst_i18n_ngettext("%s: your daily summary, %lu notification",
				  "%s: your daily summary, %lu notifications", (unsigned long)shown),
		ctx->platform->name, (unsigned long)shown);
	bst_buf body;
	bst_buf_init(&body);
	/* TRANSLATORS: %s is the person's name */
	bst_buf_printf(&body, _("Hello %s,\n\n"), to->name);
	/* TRANSLATORS: %s is the platform's name */
	bst_buf_printf(&body, _("Here is what concerns you on %s since your last summary:\n\n"),
		       ctx->platform->name);
	for (size_t i = 0; i < shown; i++) {
		char when[64];
		bst_i18n_datetime(rows.v[i].created_ms, when, sizeof when);
		bst_buf_printf(&body, "- %s (%s)\n  %s%s\n",
			       bst_notification_sentence(ctx->arena, &rows.v[i], false), when,
			       ctx->base_url, bst_notification_path(ctx->arena, &rows.v[i]));
	}
	if (more)
		bst_buf_printf(&body, _("\nAnd more: see them all on the platform.\n"));
	footer(ctx, to, &body);
	int rc = body.oom ? -1 : bst_mail_enqueue(ctx, to->email, subject, bst_buf_str(&body));
	bst_buf_free(&body);
	bst_i18n_use(page_lang);
	/* the items not shown wait for the next digest */
	if (rc == 0 && bst_q_digest_sent(ctx->platform->main, user_id, rows.v[shown - 1].id,
					 ctx->now) < 0)
		bst_log_error("platform %s: a digest went out but could not be recorded; the "
			      "next one may repeat it",
			      ctx->platform->slug);
	free(rows.v);
}

static void digest_platform(struct bst_ctx *ctx)
{
	struct ids ids = {NULL, 0, 0};
	if (bst_q_digest_due(ctx->platform->main, ctx->now - BST_DIGEST_PERIOD_MS, DIGEST_BATCH,
			     keep_id, &ids) < 0) {
		bst_log_error("platform %s: cannot read who is due a digest", ctx->platform->slug);
		free(ids.v);
		return;
	}
	struct bst_profile_row *to = bst_arena_alloc(ctx->arena, sizeof *to);
	for (size_t i = 0; i < ids.n; i++)
		digest_one(ctx, ids.v[i], to);
	if (ids.n)
		bst_log_info("platform %s: %zu daily digest(s) queued", ctx->platform->slug, ids.n);
	free(ids.v);
}

void bst_digest_run(struct bst_install *in, bst_registry *reg, const struct bst_config *cfg,
		    int64_t now)
{
	each_platform(in, reg, cfg, now, digest_platform);
}
