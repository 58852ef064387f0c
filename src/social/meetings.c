/* Applications registry and video meetings (see meetings.h). */
#include "social/meetings.h"
#include "core/str.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/crypto.h"
#include "core/i18n.h"
#include "core/log.h"
#include "db/q_people.h"
#include "social/apps.h"
#include "social/profiles.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
	[BST_APP_OK] = {"ok", N_("Done."), 200},
	[BST_APP_UNKNOWN] = {"app_not_found", N_("There is no such application."), 404},
	[BST_APP_FORBIDDEN] = {"forbidden", N_("Only the platform's administrators may switch applications."), 403},
	[BST_APP_UNAVAILABLE] = {"app_unavailable", N_("This application's service is not configured on this server: ask the operator."), 409},
	[BST_APP_OFF] = {"not_found", N_("There is nothing at this address."), 404},
	[BST_APP_INVALID_TITLE] = {"title_invalid", N_("A meeting title takes at most 100 characters, on one line, without control or invisible characters."), 400},
	[BST_APP_ERROR] = {"internal", N_("Something went wrong on our side; nothing was changed. Please try again."), 500},
};

const char *bst_app_code(enum bst_app_status s)
{
	return statuses[s].code;
}

const char *bst_app_text(enum bst_app_status s)
{
	return statuses[s].text;
}

int bst_app_http_status(enum bst_app_status s)
{
	return statuses[s].http;
}

/* The catalogue: what each application is, in the order shown. */
static const struct {
	const char *name, *label, *description;
} catalogue[] = {
	{BST_APP_DOCUMENTS, N_("Documents"),
	 N_("A library per group and a personal space per person, with folders and versions.")},
	{BST_APP_MEETINGS, N_("Video meetings"),
	 N_("Start a video meeting and share its link with the platform's members.")},
};
#define N_APPS (sizeof catalogue / sizeof *catalogue)

static void describe(const struct bst_ctx *ctx, size_t i, struct bst_app_info *a)
{
	memset(a, 0, sizeof *a);
	a->name = catalogue[i].name;
	a->label = catalogue[i].label;
	a->description = catalogue[i].description;
	a->provider = "";
	a->url = "";
	if (strcmp(a->name, BST_APP_MEETINGS) == 0) {
		const struct bst_config *c = ctx->config;
		a->available = c && c->meetings_url[0];
		a->url = a->available ? c->meetings_url : "";
		a->provider = c ? c->meetings_provider : "";
		if (c && c->meetings_region[0]) {
			a->hosting = c->meetings_region;
		} else {
			a->hosting = N_("Not declared by the operator");
			a->hosting_msgid = true;
		}
	} else {
		a->available = true;
		a->hosting = N_("On this server, encrypted with the platform's key");
		a->hosting_msgid = true;
	}
}

struct rows {
	struct bst_app_info *out;
	size_t n;
};

static void merge_row(void *cls, const struct bst_app_row *row)
{
	struct rows *r = cls;
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->out[i].name, row->name) == 0) {
			r->out[i].enabled = row->enabled;
			r->out[i].updated_ms = row->updated_ms;
		}
}

int bst_apps_list(struct bst_ctx *ctx, struct bst_app_info *out)
{
	_Static_assert(N_APPS <= BST_APPS_MAX, "BST_APPS_MAX too small");
	for (size_t i = 0; i < N_APPS; i++)
		describe(ctx, i, &out[i]);
	struct rows r = {out, N_APPS};
	if (bst_q_apps_list(ctx->platform->main, merge_row, &r) < 0)
		return -1;
	return (int)N_APPS;
}

enum bst_app_status bst_app_info_get(struct bst_ctx *ctx, const char *name,
				     struct bst_app_info *out)
{
	struct bst_app_info all[BST_APPS_MAX];
	int n = bst_apps_list(ctx, all);
	if (n < 0)
		return BST_APP_ERROR;
	for (int i = 0; i < n; i++)
		if (name && strcmp(all[i].name, name) == 0) {
			*out = all[i];
			return BST_APP_OK;
		}
	return BST_APP_UNKNOWN;
}

enum bst_app_status bst_app_switch(struct bst_ctx *ctx, const char *name, bool on)
{
	if (!bst_authz_admin(ctx))
		return BST_APP_FORBIDDEN;
	struct bst_app_info a;
	enum bst_app_status st = bst_app_info_get(ctx, name, &a);
	if (st != BST_APP_OK)
		return st;
	if (on && !a.available)
		return BST_APP_UNAVAILABLE;
	int64_t by = ctx->actor == BST_ACTOR_USER ? ctx->user.id : 0;
	if (bst_q_app_set(ctx->platform->main, a.name, on, by, ctx->now) != BST_QS_ONE_RESULT)
		return BST_APP_ERROR;
	json_t *details = json_pack("{sb sb}", "enabled", on, "was_enabled", a.enabled);
	if (strcmp(a.name, BST_APP_MEETINGS) == 0)
		/* what the administrator was shown when switching it on */
		json_object_set_new(details, "hosting",
				    json_pack("{ss ss ss}", "url", a.url, "provider", a.provider,
					      "region", a.hosting_msgid ? "" : a.hosting));
	bst_audit_record(ctx, "app.switch", a.name, details);
	return BST_APP_OK;
}

/* ---- meetings, in memory: a fixed table shared by every platform ---- */

#define MEETINGS_MAX 1024

static struct {
	int64_t platform_id; /* 0: free */
	struct bst_meeting m;
} meetings[MEETINGS_MAX];
static pthread_mutex_t meetings_lock = PTHREAD_MUTEX_INITIALIZER;

static bool expired(int i, int64_t now)
{
	return meetings[i].m.created_ms + BST_MEETING_TTL_MS <= now;
}

/* A slot for platform_id: a free or expired one; else the platform's
 * oldest when it has BST_MEETINGS_PER_PLATFORM; else the oldest of all.
 * With meetings_lock held. */
static int slot_for(int64_t platform_id, int64_t now)
{
	int oldest = 0, oldest_own = -1, own = 0;
	for (int i = 0; i < MEETINGS_MAX; i++) {
		if (meetings[i].platform_id == 0 || expired(i, now))
			return i;
		if (meetings[i].m.created_ms < meetings[oldest].m.created_ms)
			oldest = i;
		if (meetings[i].platform_id == platform_id) {
			own++;
			if (oldest_own < 0 ||
			    meetings[i].m.created_ms < meetings[oldest_own].m.created_ms)
				oldest_own = i;
		}
	}
	return own >= BST_MEETINGS_PER_PLATFORM ? oldest_own : oldest;
}

static enum bst_app_status may_use(struct bst_ctx *ctx)
{
	if (ctx->actor != BST_ACTOR_USER)
		return BST_APP_FORBIDDEN;
	if (!bst_app_enabled(ctx, BST_APP_MEETINGS))
		return BST_APP_OFF;
	if (!ctx->config || !ctx->config->meetings_url[0])
		return BST_APP_UNAVAILABLE;
	return BST_APP_OK;
}

enum bst_app_status bst_meeting_start(struct bst_ctx *ctx, const char *title,
				      struct bst_meeting *out)
{
	memset(out, 0, sizeof *out);
	enum bst_app_status st = may_use(ctx);
	if (st != BST_APP_OK)
		return st;
	if (!bst_authz_write(ctx))
		return BST_APP_FORBIDDEN;
	while (title && *title == ' ')
		title++;
	if (!title || !title[0])
		title = _("Meeting");
	if (!bst_profile_text_valid(title, BST_MEETING_TITLE_MAX))
		return BST_APP_INVALID_TITLE;
	uint8_t rnd[BST_MEETING_ROOM_BYTES];
	char room[2 * BST_MEETING_ROOM_BYTES + 1];
	bst_random(rnd, sizeof rnd);
	bst_hex(rnd, sizeof rnd, room);
	bst_str_copy(out->title, sizeof out->title, title);
	snprintf(out->url, sizeof out->url, "%s/%s", ctx->config->meetings_url, room);
	out->created_ms = ctx->now;
	out->created_by = ctx->user.id;
	bst_str_copy(out->created_by_name, sizeof out->created_by_name, ctx->user.name);
	pthread_mutex_lock(&meetings_lock);
	int i = slot_for(ctx->platform->id, ctx->now);
	meetings[i].platform_id = ctx->platform->id;
	meetings[i].m = *out;
	pthread_mutex_unlock(&meetings_lock);
	/* the room name is the meeting's only key: it stays out of the log */
	bst_audit_record(ctx, "meeting.start", out->title,
			 json_pack("{ss}", "server", ctx->config->meetings_url));
	return BST_APP_OK;
}

static int newest_first(const void *a, const void *b)
{
	const struct bst_meeting *x = a, *y = b;
	return (x->created_ms < y->created_ms) - (x->created_ms > y->created_ms);
}

enum bst_app_status bst_meetings_list(struct bst_ctx *ctx,
				      void (*fn)(void *cls, const struct bst_meeting *m),
				      void *cls)
{
	enum bst_app_status st = may_use(ctx);
	if (st != BST_APP_OK)
		return st;
	struct bst_meeting *list = malloc(BST_MEETINGS_PER_PLATFORM * sizeof *list);
	if (!list)
		return BST_APP_ERROR;
	size_t n = 0;
	pthread_mutex_lock(&meetings_lock);
	for (int i = 0; i < MEETINGS_MAX && n < BST_MEETINGS_PER_PLATFORM; i++)
		if (meetings[i].platform_id == ctx->platform->id && !expired(i, ctx->now))
			list[n++] = meetings[i].m;
	pthread_mutex_unlock(&meetings_lock);
	qsort(list, n, sizeof *list, newest_first);
	for (size_t i = 0; i < n; i++)
		fn(cls, &list[i]);
	free(list);
	return BST_APP_OK;
}
