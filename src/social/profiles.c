/* Profiles and the directory (see profiles.h); avatars are in avatars.c. */
#include "social/profiles.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/markdown.h"
#include "core/utf8.h"
#include "db/q_social.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
	[BST_PROFILE_OK] = {"ok", N_("Done."), 200},
	[BST_PROFILE_NOT_FOUND] = {"profile_not_found", N_("There is no such person on this platform."), 404},
	[BST_PROFILE_FORBIDDEN] = {"forbidden", N_("You may edit your own profile only."), 403},
	[BST_PROFILE_INVALID_NAME] = {"name_invalid", N_("Please give a name of 1 to 200 characters, without control or invisible characters."), 400},
	[BST_PROFILE_INVALID_TEXT] = {"profile_text_invalid", N_("Job title, department and location take at most 100 characters each, on one line, without control or invisible characters."), 400},
	[BST_PROFILE_INVALID_PHONE] = {"phone_invalid", N_("A phone number has at most 40 characters: digits, spaces and + ( ) - . /"), 400},
	[BST_PROFILE_INVALID_BIO] = {"bio_invalid", N_("The biography takes at most 4000 characters, without control or direction-changing characters."), 400},
	[BST_PROFILE_INVALID_NOTIFY] = {"notify_mail_invalid", N_("Choose how notifications reach you by e-mail: immediately, in a daily digest, or not at all."), 400},
	[BST_PROFILE_AVATAR_TOO_LARGE] = {"avatar_too_large", N_("This picture is too large: at most 2 MiB."), 413},
	[BST_PROFILE_AVATAR_TYPE] = {"avatar_type", N_("This file is not a PNG, JPEG, GIF or WebP picture."), 415},
	[BST_PROFILE_AVATAR_SIZE] = {"avatar_dimensions", N_("The picture must be between 16 × 16 and 1024 × 1024 pixels."), 400},
	[BST_PROFILE_NO_AVATAR] = {"no_avatar", N_("This person has no picture."), 404},
	[BST_PROFILE_ERROR] = {"internal", N_("Something went wrong on our side; nothing was changed. Please try again."), 500},
};

const char *bst_profile_code(enum bst_profile_status s)
{
	return statuses[s].code;
}

const char *bst_profile_text(enum bst_profile_status s)
{
	return statuses[s].text;
}

int bst_profile_http_status(enum bst_profile_status s)
{
	return statuses[s].http;
}

/* The character at *p (a NUL-terminated text), then past it; false when
 * malformed. */
static bool next_char(const unsigned char **p, uint32_t *cp)
{
	/* at most 4 bytes are read, and decoding stops at the NUL */
	size_t len = bst_utf8_decode(*p, 4, cp);
	*p += len;
	return len != 0;
}

/* Characters that reorder text or hide in it, so that "admin" and
 * "adm\u200Bin", or a name ending in a right-to-left override, look alike
 * (Unicode TR 36 "Unicode Security Considerations", 3.1 and 3.4; TR 9 for
 * the bidirectional controls). ZWJ and ZWNJ stay allowed: scripts such as
 * Persian and emoji sequences need them. */
static bool bidi_control(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

static bool invisible(uint32_t c)
{
	return c == 0x00ad || c == 0x180e || c == 0x200b || (c >= 0x2060 && c <= 0x2064) ||
	       c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb);
}

static bool control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

bool bst_profile_text_valid(const char *s, size_t max)
{
	if (!s || strlen(s) > max)
		return false;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c;
		if (!next_char(&p, &c) || control(c) || bidi_control(c) || invisible(c))
			return false;
	}
	return true;
}

/* Multi-line Markdown within the renderer's limits: newlines and tabs, but
 * no other control and no bidirectional control. */
static bool bio_valid(const char *s)
{
	enum bst_markdown_status md = bst_markdown_check(s, BST_PROFILE_BIO_MAX);
	if (md != BST_MARKDOWN_OK && md != BST_MARKDOWN_EMPTY)
		return false;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c;
		if (!next_char(&p, &c) || bidi_control(c) ||
		    (control(c) && c != '\n' && c != '\r' && c != '\t'))
			return false;
	}
	return true;
}

bool bst_profile_phone_valid(const char *s)
{
	if (strlen(s) > BST_PROFILE_PHONE_MAX)
		return false;
	int digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr("+ ()-./", *p))
			return false;
	}
	return s[0] == '\0' || digits >= 2;
}

static bool notify_valid(const char *s)
{
	return strcmp(s, "immediate") == 0 || strcmp(s, "digest") == 0 || strcmp(s, "off") == 0;
}

/* s without leading and trailing ASCII spaces, in the context's arena. */
static const char *trim(struct bst_ctx *ctx, const char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	return bst_arena_strndup(ctx->arena, s, n);
}

bool bst_profile_may_edit(const struct bst_ctx *ctx, int64_t user_id)
{
	return (bst_authz_self(ctx, user_id) && bst_authz_write(ctx)) || bst_authz_admin(ctx);
}

static bool may_see(const struct bst_ctx *ctx, const struct bst_profile_row *p)
{
	if (ctx->actor == BST_ACTOR_OPERATOR || bst_ctx_is_admin(ctx))
		return true;
	return ctx->actor == BST_ACTOR_USER &&
	       (strcmp(p->status, "active") == 0 || ctx->user.id == p->id);
}

enum bst_profile_status bst_profile_get(struct bst_ctx *ctx, int64_t user_id,
					struct bst_profile_row *out)
{
	switch (bst_q_profile_get(ctx->platform->main, user_id, out)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_PROFILE_NOT_FOUND;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return BST_PROFILE_ERROR;
	}
	if (!may_see(ctx, out)) {
		memset(out, 0, sizeof *out);
		return BST_PROFILE_NOT_FOUND;
	}
	return BST_PROFILE_OK;
}

/* What the search index holds for a person: the name as title, the rest
 * of the profile as body. Only active accounts are indexed. */
struct write {
	int64_t id;
	bool active;
	struct bst_q_profile_fields f;
	int64_t now;
	char *body;
};

static enum bst_qs write_txn(bst_db *db, void *cls)
{
	struct write *w = cls;
	enum bst_qs qs = bst_q_profile_update(db, w->id, &w->f, w->now);
	if (qs != BST_QS_ONE_RESULT)
		return qs < 0 ? qs : BST_QS_HARD_ERROR;
	qs = w->active ? bst_q_search_put(db, "user", w->id, w->f.name, w->body)
		       : bst_q_search_delete(db, "user", w->id);
	return qs < 0 ? qs : BST_QS_ONE_RESULT;
}

/* Appends name to a JSON array of changed fields when a != b. */
static void changed(json_t *list, const char *name, const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		json_array_append_new(list, json_string(name));
}

static enum bst_profile_status invalid(const char **field, const char *name,
				       enum bst_profile_status st)
{
	*field = name;
	return st;
}

enum bst_profile_status bst_profile_update(struct bst_ctx *ctx, int64_t user_id,
					   const struct bst_profile_edit *e, const char **field)
{
	const char *dummy;
	if (!field)
		field = &dummy;
	*field = NULL;
	if (!bst_profile_may_edit(ctx, user_id))
		return BST_PROFILE_FORBIDDEN;
	struct bst_profile_row *cur = bst_arena_alloc(ctx->arena, sizeof *cur);
	enum bst_profile_status st = bst_profile_get(ctx, user_id, cur);
	if (st != BST_PROFILE_OK)
		return st;
	struct bst_q_profile_fields f = {
		e->name ? trim(ctx, e->name) : cur->name,
		e->job_title ? trim(ctx, e->job_title) : cur->job_title,
		e->department ? trim(ctx, e->department) : cur->department,
		e->location ? trim(ctx, e->location) : cur->location,
		e->phone ? trim(ctx, e->phone) : cur->phone,
		e->bio ? e->bio : cur->bio,
		e->notify_mail ? e->notify_mail : cur->notify_mail,
	};
	if (!f.name[0] || !bst_profile_text_valid(f.name, BST_NAME_MAX))
		return invalid(field, "name", BST_PROFILE_INVALID_NAME);
	if (!bst_profile_text_valid(f.job_title, BST_PROFILE_TEXT_MAX))
		return invalid(field, "job_title", BST_PROFILE_INVALID_TEXT);
	if (!bst_profile_text_valid(f.department, BST_PROFILE_TEXT_MAX))
		return invalid(field, "department", BST_PROFILE_INVALID_TEXT);
	if (!bst_profile_text_valid(f.location, BST_PROFILE_TEXT_MAX))
		return invalid(field, "location", BST_PROFILE_INVALID_TEXT);
	if (!bst_profile_phone_valid(f.phone))
		return invalid(field, "phone", BST_PROFILE_INVALID_PHONE);
	if (!bio_valid(f.bio))
		return invalid(field, "bio", BST_PROFILE_INVALID_BIO);
	if (!notify_valid(f.notify_mail))
		return invalid(field, "notify_mail", BST_PROFILE_INVALID_NOTIFY);

	struct write w = {user_id, strcmp(cur->status, "active") == 0, f, ctx->now, NULL};
	/* same text as bst_profile_index */
	w.body = bst_arena_printf(ctx->arena, "%s\n%s\n%s\n%s", f.job_title, f.department,
				  f.location, f.bio);
	if (bst_db_transaction(ctx->platform->main, write_txn, &w) < 0) {
		bst_log_error("platform %s: cannot update the profile of user %lld",
			      ctx->platform->slug, (long long)user_id);
		return BST_PROFILE_ERROR;
	}
	json_t *fields = json_array();
	changed(fields, "name", cur->name, f.name);
	changed(fields, "job_title", cur->job_title, f.job_title);
	changed(fields, "department", cur->department, f.department);
	changed(fields, "location", cur->location, f.location);
	changed(fields, "phone", cur->phone, f.phone);
	changed(fields, "bio", cur->bio, f.bio);
	changed(fields, "notify_mail", cur->notify_mail, f.notify_mail);
	bst_audit_record(ctx, "profile.update", cur->email,
			 json_pack("{sI so}", "user_id", (json_int_t)user_id, "fields", fields));
	return BST_PROFILE_OK;
}

enum bst_profile_status bst_profile_list(struct bst_ctx *ctx, struct bst_q_profile_filter *f,
					 int64_t after, int limit,
					 void (*fn)(void *cls, const struct bst_profile_row *p),
					 void *cls)
{
	if (ctx->actor != BST_ACTOR_USER && ctx->actor != BST_ACTOR_OPERATOR)
		return BST_PROFILE_FORBIDDEN;
	if (f->all_statuses && !bst_ctx_is_admin(ctx))
		f->all_statuses = false;
	return bst_q_profile_list(ctx->platform->main, f, after, limit, fn, cls) < 0
		       ? BST_PROFILE_ERROR
		       : BST_PROFILE_OK;
}

enum bst_profile_status bst_profile_facets(struct bst_ctx *ctx, const char *column,
					   void (*fn)(void *cls, const char *value), void *cls)
{
	if (ctx->actor != BST_ACTOR_USER && ctx->actor != BST_ACTOR_OPERATOR)
		return BST_PROFILE_FORBIDDEN;
	return bst_q_profile_values(ctx->platform->main, column, BST_PROFILE_FACETS_MAX, fn,
				    cls) < 0
		       ? BST_PROFILE_ERROR
		       : BST_PROFILE_OK;
}

int bst_profile_index(struct bst_ctx *ctx, int64_t user_id)
{
	struct bst_profile_row p;
	if (bst_q_profile_get(ctx->platform->main, user_id, &p) != BST_QS_ONE_RESULT)
		return -1;
	enum bst_qs qs;
	if (strcmp(p.status, "active") == 0) {
		const char *body = bst_arena_printf(ctx->arena, "%s\n%s\n%s\n%s", p.job_title,
						    p.department, p.location, p.bio);
		qs = bst_q_search_put(ctx->platform->main, "user", user_id, p.name, body);
	} else {
		qs = bst_q_search_delete(ctx->platform->main, "user", user_id);
	}
	return qs < 0 ? -1 : 0;
}
