/* Groups (see groups.h): who may do what with a group (bst_group_access,
 * the one place every service asks), reading, listing, creating and
 * editing groups. Memberships (join, invite, approve, roles...) are in
 * group_members.c. */
#include "social/groups.h"
#include "core/str.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/i18n.h"
#include "core/markdown.h"
#include "core/log.h"
#include "db/q_groups.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
    [BST_GROUP_OK] = {"ok", N_("Done."), 200},
    [BST_GROUP_NOT_FOUND] = {"group_not_found", N_("There is no such group."), 404},
    [BST_GROUP_FORBIDDEN] = {"forbidden", N_("You are not allowed to do this."), 403},
    [BST_GROUP_INVALID_NAME] = {"group_name_invalid",
				N_("Please give the group a name of 1 to 100 characters, "
				   "without control or invisible characters."),
				400},
    [BST_GROUP_INVALID_DESCRIPTION] =
	{"group_description_invalid",
	 N_("The description may have at most 4000 characters, without control or "
	    "invisible characters."),
	 400},
    [BST_GROUP_INVALID_KIND] = {"group_kind_invalid",
				N_("Choose a kind of group: open, private or secret."),
				400},
    [BST_GROUP_INVALID_ROLE] = {"role_invalid",
				N_("Choose a role: administrator or member."), 400},
    [BST_GROUP_NAME_TAKEN] = {"group_exists",
			      N_("A group with this name already exists."), 409},
    [BST_GROUP_LAST_ADMIN] =
	{"last_group_admin",
	 N_("A group always keeps at least one administrator: name another one first."),
	 409},
    [BST_GROUP_USER_NOT_FOUND] =
	{"user_not_found",
	 N_("There is no active user of this platform with this e-mail address."), 404},
    [BST_GROUP_NO_MEMBERSHIP] =
	{"membership_not_found",
	 N_("There is no such member, invitation or request in this group."), 404},
    [BST_GROUP_ALREADY] = {"membership_exists",
			   N_("This person is already a member of the group, invited to "
			      "it, or asked to join it."),
			   409},
    [BST_GROUP_ERROR] =
	{"internal",
	 N_("Something went wrong on our side; nothing was changed. Please try again."),
	 500},
};

const char *bst_group_code(enum bst_group_status s)
{
	return statuses[s].code;
}

const char *bst_group_text(enum bst_group_status s)
{
	return statuses[s].text;
}

int bst_group_http_status(enum bst_group_status s)
{
	return statuses[s].http;
}

/* The acting user, when ctx is an active user of the platform; else 0. */
static int64_t active_user(const struct bst_ctx *ctx)
{
	if (ctx->actor != BST_ACTOR_USER || strcmp(ctx->user.status, "active") != 0)
		return 0;
	return ctx->user.id;
}

static bool platform_admin(const struct bst_ctx *ctx)
{
	return ctx->actor == BST_ACTOR_OPERATOR ||
	       (active_user(ctx) && bst_ctx_is_admin(ctx));
}

/* The decision, from a group row read with ctx's membership. */
static void decide(const struct bst_ctx *ctx, const struct bst_group_row *g,
		   struct bst_group_access *a)
{
	memset(a, 0, sizeof *a);
	bool secret = strcmp(g->kind, "secret") == 0;
	bool open = strcmp(g->kind, "open") == 0;
	bool signed_in = active_user(ctx) != 0 || ctx->actor == BST_ACTOR_OPERATOR;
	bool member = active_user(ctx) && strcmp(g->my_state, "member") == 0;
	bool invited = active_user(ctx) && strcmp(g->my_state, "invited") == 0;
	a->see = signed_in && (!secret || member || invited);
	if (!a->see)
		return; /* reads exactly as a group that does not exist */
	a->exists = true;
	a->id = g->id;
	bst_str_copy(a->kind, sizeof a->kind, g->kind);
	if (active_user(ctx))
		bst_str_copy(a->state, sizeof a->state, g->my_state);
	a->member = member;
	a->admin = member && strcmp(g->my_role, "admin") == 0;
	a->manage = a->admin || (platform_admin(ctx) && !secret);
	a->read = member || open;
	a->write = member;
}

static void fill_group(const struct bst_group_row *r, struct bst_group *g)
{
	memset(g, 0, sizeof *g);
	g->id = r->id;
	bst_str_copy(g->name, sizeof g->name, r->name);
	bst_str_copy(g->description, sizeof g->description, r->description);
	bst_str_copy(g->kind, sizeof g->kind, r->kind);
	g->members = r->members;
	g->created_ms = r->created_ms;
}

/* Reads the group and decides; -1 when the store failed. */
static int load(struct bst_ctx *ctx, int64_t group_id, struct bst_group_row *row,
		struct bst_group_access *a)
{
	memset(a, 0, sizeof *a);
	switch (bst_q_group_get(ctx->platform->main, group_id, active_user(ctx), row)) {
	case BST_QS_ONE_RESULT:
		decide(ctx, row, a);
		return 0;
	case BST_QS_NO_RESULTS:
		return 0;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		break;
	}
	bst_log_error("platform %s: cannot read group %lld", ctx->platform->slug,
		      (long long)group_id);
	return -1;
}

int bst_group_access(struct bst_ctx *ctx, int64_t group_id, struct bst_group_access *a)
{
	struct bst_group_row row;
	return load(ctx, group_id, &row, a);
}

int bst_group_get(struct bst_ctx *ctx, int64_t group_id, struct bst_group *g,
		  struct bst_group_access *a)
{
	struct bst_group_access own;
	struct bst_group_row row;
	if (!a)
		a = &own;
	memset(g, 0, sizeof *g);
	if (load(ctx, group_id, &row, a) != 0 || !a->see)
		return -1;
	fill_group(&row, g);
	return 0;
}

/* Length of the UTF-8 sequence at s (1..4), or 0 when it is not valid
 * (overlong forms, surrogates and code points above U+10FFFF included);
 * its code point in *cp. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n;
	uint32_t c, min;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Characters that make a text display differently from what it holds:
 * bidirectional overrides and isolates (Trojan Source, CVE-2021-42574),
 * zero-width characters and the byte-order mark. */
static bool invisible(uint32_t c)
{
	return (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x061c || c == 0xfeff || c == 0x00ad;
}

/* Valid UTF-8 of at most max bytes, without C0/C1 controls (except line
 * breaks and tabs when multiline) nor invisible characters. */
static bool text_ok(const char *s, size_t max, bool multiline)
{
	size_t len = strlen(s);
	if (len > max)
		return false;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c;
		size_t n = utf8_next(p, &c);
		if (n == 0)
			return false;
		bool control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
		if (control && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
			return false;
		if (invisible(c))
			return false;
		p += n;
	}
	return true;
}

/* The name without surrounding blanks, into out; false when invalid. */
static bool clean_name(const char *in, char out[BST_GROUP_NAME_MAX + 1])
{
	out[0] = '\0';
	if (!in)
		return false;
	while (*in == ' ')
		in++;
	size_t len = strlen(in);
	while (len > 0 && in[len - 1] == ' ')
		len--;
	if (len == 0 || len > BST_GROUP_NAME_MAX)
		return false;
	memcpy(out, in, len);
	out[len] = '\0';
	return text_ok(out, BST_GROUP_NAME_MAX, false);
}

/* A description: Markdown within the size and the complexity limits. */
static bool description_ok(const char *d)
{
	if (!text_ok(d, BST_GROUP_DESC_MAX, true))
		return false;
	enum bst_markdown_status st = bst_markdown_check(d, BST_GROUP_DESC_MAX);
	return st == BST_MARKDOWN_OK || st == BST_MARKDOWN_EMPTY;
}

static bool kind_valid(const char *kind)
{
	return kind && (strcmp(kind, "open") == 0 || strcmp(kind, "private") == 0 ||
			strcmp(kind, "secret") == 0);
}

static const char *target_of(struct bst_ctx *ctx, int64_t group_id)
{
	return bst_arena_printf(ctx->arena, "group:%lld", (long long)group_id);
}

enum bst_group_status bst_group_create(struct bst_ctx *ctx, const char *name,
				       const char *description, const char *kind,
				       int64_t *id)
{
	*id = 0;
	char clean[BST_GROUP_NAME_MAX + 1];
	int64_t uid = active_user(ctx);
	if (!uid || !bst_authz_write(ctx))
		return BST_GROUP_FORBIDDEN;
	if (!clean_name(name, clean))
		return BST_GROUP_INVALID_NAME;
	if (!description)
		description = "";
	if (!description_ok(description))
		return BST_GROUP_INVALID_DESCRIPTION;
	if (!kind_valid(kind))
		return BST_GROUP_INVALID_KIND;
	switch (bst_q_group_insert(ctx->platform->main, clean, description, kind, uid,
				   ctx->now, id)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_GROUP_NAME_TAKEN;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		bst_log_error("platform %s: cannot create a group", ctx->platform->slug);
		return BST_GROUP_ERROR;
	}
	bst_audit_record(ctx, "group.create", target_of(ctx, *id),
			 json_pack("{ss ss}", "name", clean, "kind", kind));
	return BST_GROUP_OK;
}

enum bst_group_status bst_group_update(struct bst_ctx *ctx, int64_t group_id,
				       const char *name, const char *description,
				       const char *kind)
{
	struct bst_group_row row;
	struct bst_group_access a;
	char clean[BST_GROUP_NAME_MAX + 1];
	if (load(ctx, group_id, &row, &a) != 0)
		return BST_GROUP_ERROR;
	if (!a.see)
		return BST_GROUP_NOT_FOUND;
	if (!a.manage || !bst_authz_write(ctx))
		return BST_GROUP_FORBIDDEN;
	if (name && !clean_name(name, clean))
		return BST_GROUP_INVALID_NAME;
	if (description && !description_ok(description))
		return BST_GROUP_INVALID_DESCRIPTION;
	if (kind && !kind_valid(kind))
		return BST_GROUP_INVALID_KIND;
	const char *new_name = name ? clean : row.name;
	const char *new_desc = description ? description : row.description;
	const char *new_kind = kind ? kind : row.kind;
	switch (bst_q_group_update(ctx->platform->main, group_id, new_name, new_desc,
				   new_kind, ctx->now)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_GROUP_NAME_TAKEN;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		bst_log_error("platform %s: cannot update group %lld",
			      ctx->platform->slug, (long long)group_id);
		return BST_GROUP_ERROR;
	}
	json_t *d = json_object();
	if (strcmp(new_name, row.name) != 0)
		json_object_set_new(
		    d, "name", json_pack("{ss ss}", "from", row.name, "to", new_name));
	if (strcmp(new_desc, row.description) != 0)
		json_object_set_new(d, "description", json_true());
	if (strcmp(new_kind, row.kind) != 0)
		json_object_set_new(
		    d, "kind", json_pack("{ss ss}", "from", row.kind, "to", new_kind));
	bst_audit_record(ctx, "group.update", target_of(ctx, group_id), d);
	return BST_GROUP_OK;
}

struct list_args {
	struct bst_ctx *ctx;
	void (*fn)(void *, const struct bst_group *, const struct bst_group_access *);
	void *cls;
};

static void list_row(void *cls, const struct bst_group_row *row)
{
	struct list_args *l = cls;
	struct bst_group_access a;
	decide(l->ctx, row, &a);
	if (!a.see)
		return; /* the query already left these out; this is the rule's own check
			 */
	struct bst_group g;
	fill_group(row, &g);
	l->fn(l->cls, &g, &a);
}

enum bst_group_status bst_group_list(struct bst_ctx *ctx, const char *search,
				     bool mine_only, int64_t after, int limit,
				     void (*fn)(void *cls, const struct bst_group *g,
						const struct bst_group_access *a),
				     void *cls)
{
	if (!active_user(ctx) && ctx->actor != BST_ACTOR_OPERATOR)
		return BST_GROUP_FORBIDDEN;
	if (limit < 1 || limit > BST_GROUP_LIST_MAX)
		limit = BST_GROUP_LIST_MAX;
	struct list_args l = {ctx, fn, cls};
	enum bst_qs qs = bst_q_group_list(ctx->platform->main, active_user(ctx),
					  search && *search ? search : NULL, mine_only,
					  after, limit, list_row, &l);
	if (qs >= 0) /* the number of rows seen */
		return BST_GROUP_OK;
	bst_log_error("platform %s: cannot list groups", ctx->platform->slug);
	return BST_GROUP_ERROR;
}
