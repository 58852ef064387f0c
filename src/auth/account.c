/* Accounts, one-time links, registration (see account.h). */
#include "auth/account.h"
#include "auth/authz.h"
#include "auth/login.h"
#include "auth/password.h"
#include "auth/session.h"
#include "audit/audit.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/log.h"
#include "ops/mail.h"
#include "social/profiles.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
	[BST_ACC_OK] = {"ok", N_("Done."), 200},
	[BST_ACC_INVALID_EMAIL] = {"email_invalid", N_("This e-mail address is not valid."), 400},
	[BST_ACC_INVALID_NAME] = {"name_invalid", N_("Please give a name of 1 to 200 characters."), 400},
	[BST_ACC_INVALID_ROLE] = {"role_invalid", N_("Choose a role: administrator or member."), 400},
	[BST_ACC_EXISTS] = {"account_exists", N_("An account with this e-mail address already exists."), 409},
	[BST_ACC_NOT_FOUND] = {"account_not_found", N_("There is no such account."), 404},
	[BST_ACC_FORBIDDEN] = {"forbidden", N_("You are not allowed to do this."), 403},
	[BST_ACC_LAST_ADMIN] = {"last_admin", N_("The platform must keep at least one active administrator."), 409},
	[BST_ACC_LINK_INVALID] = {"link_invalid", N_("This link is not valid: it was already used, it expired, or it was replaced by a newer one. Ask your administrator for a new link."), 410},
	[BST_ACC_CLOSED] = {"registration_closed", N_("Registration is closed on this platform: accounts are created by its administrators. Ask one of them for an invitation."), 403},
	[BST_ACC_DOMAIN] = {"registration_domain", N_("Registration on this platform is open only to some e-mail domains, and this address is not in one of them."), 403},
	[BST_ACC_WEAK_PASSWORD] = {"password_policy", N_("This password does not follow the password rules: at least 12 characters, and not your e-mail address."), 400},
	[BST_ACC_WRONG_PASSWORD] = {"wrong_password", N_("The current password is not correct."), 403},
	[BST_ACC_INVALID_LANG] = {"lang_invalid", N_("Choose French, English or the platform's default language."), 400},
	[BST_ACC_INVALID_SCOPE] = {"scope_invalid", N_("Choose what the token may do: read only, or read and write."), 400},
	[BST_ACC_INVALID_TOKEN] = {"token_invalid", N_("Give the token a name of 1 to 100 characters and an expiry of at most 3650 days."), 400},
	[BST_ACC_ERROR] = {"internal", N_("Something went wrong on our side; nothing was changed. Please try again."), 500},
};

const char *bst_account_code(enum bst_account_status s)
{
	return statuses[s].code;
}

const char *bst_account_text(enum bst_account_status s)
{
	return statuses[s].text;
}

int bst_account_http_status(enum bst_account_status s)
{
	return statuses[s].http;
}

/* Lower-cases into out; checks the shape of an address (one @, a local
 * part, a domain with letters, digits, dots and dashes). */
bool bst_account_email_normalize(const char *in, char out[BST_EMAIL_MAX + 1])
{
	if (!in)
		return false;
	size_t len = strlen(in);
	if (len < 3 || len > BST_EMAIL_MAX)
		return false;
	const char *at = strrchr(in, '@');
	if (!at || at == in || at[1] == '\0' || strchr(in, '@') != at)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c <= ' ' || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return false;
		if (in + i > at && !(isalnum(c) || c == '.' || c == '-'))
			return false;
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return at[1] != '.' && in[len - 1] != '.';
}

static bool name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	if (len == 0 || len > BST_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
	return true;
}

static bool role_valid(const char *role)
{
	return role && (strcmp(role, "admin") == 0 || strcmp(role, "member") == 0);
}

/* OK when no account uses addr yet. */
static enum bst_account_status taken(struct bst_ctx *ctx, const char *addr)
{
	struct bst_user_row u;
	switch (bst_q_user_by_email(ctx->platform->main, addr, &u)) {
	case BST_QS_NO_RESULTS:
		return BST_ACC_OK;
	case BST_QS_ONE_RESULT:
		return BST_ACC_EXISTS;
	default:
		return BST_ACC_ERROR;
	}
}

static enum bst_account_status make_link(struct bst_ctx *ctx, int64_t user_id,
					 const char *purpose, char link[BST_LINK_MAX])
{
	char token[BST_TOKEN_CHARS + 1];
	char hash[BST_HASH_HEX];
	bst_token_new(token);
	bst_token_hash_hex(token, hash);
	int64_t ttl = strcmp(purpose, "invite") == 0 ? BST_INVITE_TTL_MS : BST_RESET_TTL_MS;
	bst_q_link_revoke_user(ctx->platform->main, user_id, purpose, ctx->now);
	if (bst_q_link_insert(ctx->platform->main, user_id, purpose, hash, ctx->now,
			      ctx->now + ttl) != BST_QS_ONE_RESULT)
		return BST_ACC_ERROR;
	snprintf(link, BST_LINK_MAX, "%s/%s/%s", ctx->base_url ? ctx->base_url : "",
		 strcmp(purpose, "invite") == 0 ? "activate" : "reset", token);
	return BST_ACC_OK;
}

static void mail_link(struct bst_ctx *ctx, const struct bst_user_row *u, const char *purpose,
		      const char *link)
{
	/* the mail speaks the recipient's language; the page goes on in ours */
	const char *page_lang = bst_i18n_current();
	bst_i18n_use(u->lang[0] ? u->lang : ctx->settings.default_lang);
	bst_buf body;
	bst_buf_init(&body);
	const char *subject;
	if (strcmp(purpose, "invite") == 0) {
		/* TRANSLATORS: %s is the platform's name */
		subject = bst_arena_printf(ctx->arena, _("Your invitation to %s"), ctx->platform->name);
		bst_buf_printf(&body, _("Hello %s,\n\nYou are invited to %s. Open this link to choose your password and activate your account (valid 72 hours, once):\n\n%s\n"),
			       u->name, ctx->platform->name, link);
	} else {
		/* TRANSLATORS: %s is the platform's name */
		subject = bst_arena_printf(ctx->arena, _("Reset your password on %s"),
					   ctx->platform->name);
		bst_buf_printf(&body, _("Hello %s,\n\nOpen this link to choose a new password for %s (valid one hour, once):\n\n%s\n\nIf you did not ask for this, you can ignore this message.\n"),
			       u->name, ctx->platform->name, link);
	}
	bst_mail_enqueue(ctx, u->email, subject, bst_buf_str(&body));
	bst_buf_free(&body);
	bst_i18n_use(page_lang);
}

enum bst_account_status bst_account_create(struct bst_ctx *ctx, const char *email,
					   const char *name, const char *role,
					   char link[BST_LINK_MAX])
{
	link[0] = '\0';
	char addr[BST_EMAIL_MAX + 1];
	if (!bst_authz_admin(ctx))
		return BST_ACC_FORBIDDEN;
	if (!bst_account_email_normalize(email, addr))
		return BST_ACC_INVALID_EMAIL;
	if (!name_valid(name))
		return BST_ACC_INVALID_NAME;
	if (!role_valid(role))
		return BST_ACC_INVALID_ROLE;
	int64_t id = 0;
	enum bst_account_status st = taken(ctx, addr);
	if (st != BST_ACC_OK)
		return st;
	if (bst_q_user_insert(ctx->platform->main, addr, name, role, "invited", NULL, ctx->now,
			      &id) != BST_QS_ONE_RESULT)
		return BST_ACC_ERROR;
	st = make_link(ctx, id, "invite", link);
	if (st != BST_ACC_OK)
		return st;
	struct bst_user_row u;
	if (bst_q_user_by_id(ctx->platform->main, id, &u) == BST_QS_ONE_RESULT)
		mail_link(ctx, &u, "invite", link);
	bst_audit_record(ctx, "account.create", addr, json_pack("{ss ss}", "role", role, "name", name));
	return BST_ACC_OK;
}

enum bst_account_status bst_account_create_active(struct bst_ctx *ctx, const char *email,
						  const char *name, const char *role,
						  const char *password)
{
	char addr[BST_EMAIL_MAX + 1];
	char hash[BST_PASSWORD_HASH_BYTES];
	if (ctx->actor != BST_ACTOR_OPERATOR)
		return BST_ACC_FORBIDDEN;
	if (!bst_account_email_normalize(email, addr))
		return BST_ACC_INVALID_EMAIL;
	if (!name_valid(name))
		return BST_ACC_INVALID_NAME;
	if (!role_valid(role))
		return BST_ACC_INVALID_ROLE;
	if (bst_password_check(password, addr) != BST_PASSWORD_OK)
		return BST_ACC_WEAK_PASSWORD;
	if (bst_password_hash(password, hash) != 0)
		return BST_ACC_ERROR;
	int64_t id = 0;
	enum bst_account_status st = taken(ctx, addr);
	if (st != BST_ACC_OK)
		return st;
	if (bst_q_user_insert(ctx->platform->main, addr, name, role, "active", hash, ctx->now,
			      &id) != BST_QS_ONE_RESULT)
		return BST_ACC_ERROR;
	bst_profile_index(ctx, id);
	bst_audit_record(ctx, "account.create", addr, json_pack("{ss ss sb}", "role", role, "name", name, "active", 1));
	return BST_ACC_OK;
}

static enum bst_account_status load_user(struct bst_ctx *ctx, int64_t id,
					 struct bst_user_row *u)
{
	switch (bst_q_user_by_id(ctx->platform->main, id, u)) {
	case BST_QS_ONE_RESULT:
		return BST_ACC_OK;
	case BST_QS_NO_RESULTS:
		return BST_ACC_NOT_FOUND;
	default:
		return BST_ACC_ERROR;
	}
}

enum bst_account_status bst_account_reset_link(struct bst_ctx *ctx, int64_t user_id,
					       char link[BST_LINK_MAX])
{
	link[0] = '\0';
	struct bst_user_row u;
	if (!bst_authz_admin(ctx))
		return BST_ACC_FORBIDDEN;
	enum bst_account_status st = load_user(ctx, user_id, &u);
	if (st != BST_ACC_OK)
		return st;
	/* an invited account gets a fresh invitation instead */
	const char *purpose = strcmp(u.status, "invited") == 0 ? "invite" : "reset";
	st = make_link(ctx, user_id, purpose, link);
	if (st != BST_ACC_OK)
		return st;
	mail_link(ctx, &u, purpose, link);
	bst_audit_record(ctx, strcmp(purpose, "invite") == 0 ? "account.reinvite" : "account.password_reset_link",
			 u.email, NULL);
	return BST_ACC_OK;
}

enum bst_account_status bst_account_link_check(struct bst_ctx *ctx, const char *purpose,
					       const char *token, struct bst_user_row *u)
{
	memset(u, 0, sizeof *u);
	if (!token || strlen(token) != BST_TOKEN_CHARS)
		return BST_ACC_LINK_INVALID;
	char hash[BST_HASH_HEX];
	int64_t uid = 0;
	bst_token_hash_hex(token, hash);
	enum bst_qs qs = bst_q_link_peek(ctx->platform->main, hash, purpose, ctx->now, &uid);
	if (qs < 0)
		return BST_ACC_ERROR;
	if (qs == BST_QS_NO_RESULTS)
		return BST_ACC_LINK_INVALID;
	enum bst_account_status st = load_user(ctx, uid, u);
	if (st == BST_ACC_OK && strcmp(u->status, "disabled") == 0)
		return BST_ACC_LINK_INVALID;
	return st;
}

enum bst_account_status bst_account_link_use(struct bst_ctx *ctx, const char *purpose,
					     const char *token, const char *password,
					     const char **detail)
{
	*detail = NULL;
	struct bst_user_row u;
	enum bst_account_status st = bst_account_link_check(ctx, purpose, token, &u);
	if (st != BST_ACC_OK)
		return st;
	enum bst_password_verdict v = bst_password_check(password, u.email);
	if (v != BST_PASSWORD_OK) {
		*detail = bst_password_verdict_text(v);
		return BST_ACC_WEAK_PASSWORD;
	}
	char pwhash[BST_PASSWORD_HASH_BYTES];
	if (bst_password_hash(password, pwhash) != 0)
		return BST_ACC_ERROR;
	char hash[BST_HASH_HEX];
	int64_t uid = 0;
	bst_token_hash_hex(token, hash);
	/* consume first: of two concurrent uses, exactly one gets here */
	enum bst_qs qs = bst_q_link_consume(ctx->platform->main, hash, purpose, ctx->now, &uid);
	if (qs == BST_QS_NO_RESULTS)
		return BST_ACC_LINK_INVALID;
	if (qs < 0 || bst_q_user_set_password(ctx->platform->main, uid, pwhash, ctx->now) !=
			      BST_QS_ONE_RESULT)
		return BST_ACC_ERROR;
	bst_q_failure_clear(ctx->platform->main, uid);
	bst_profile_index(ctx, uid); /* an invitation accepted: now in the directory */
	/* a new password ends every session opened with the old one */
	bst_q_session_end_user(ctx->platform->main, uid, 0, ctx->now);
	bst_audit_record(ctx, strcmp(purpose, "invite") == 0 ? "account.activate" : "account.password_reset",
			 u.email, NULL);
	return BST_ACC_OK;
}

static enum bst_account_status guard_admin_target(struct bst_ctx *ctx, int64_t user_id,
						  struct bst_user_row *u, bool removes_admin)
{
	if (!bst_authz_admin(ctx))
		return BST_ACC_FORBIDDEN;
	enum bst_account_status st = load_user(ctx, user_id, u);
	if (st != BST_ACC_OK)
		return st;
	if (removes_admin && strcmp(u->role, "admin") == 0 && strcmp(u->status, "active") == 0 &&
	    bst_q_user_count_active_admins(ctx->platform->main) <= 1)
		return BST_ACC_LAST_ADMIN;
	return BST_ACC_OK;
}

enum bst_account_status bst_account_set_enabled(struct bst_ctx *ctx, int64_t user_id,
						bool enabled)
{
	struct bst_user_row u;
	enum bst_account_status st = guard_admin_target(ctx, user_id, &u, !enabled);
	if (st != BST_ACC_OK)
		return st;
	const char *status = enabled ? (u.password_hash[0] ? "active" : "invited") : "disabled";
	if (bst_q_user_set_status(ctx->platform->main, user_id, status, ctx->now) < 0)
		return BST_ACC_ERROR;
	if (!enabled)
		bst_q_session_end_user(ctx->platform->main, user_id, 0, ctx->now);
	bst_profile_index(ctx, user_id);
	bst_audit_record(ctx, enabled ? "account.enable" : "account.disable", u.email,
			 json_pack("{ss ss}", "from", u.status, "to", status));
	return BST_ACC_OK;
}

enum bst_account_status bst_account_set_role(struct bst_ctx *ctx, int64_t user_id,
					     const char *role)
{
	if (!role_valid(role))
		return BST_ACC_INVALID_ROLE;
	struct bst_user_row u;
	enum bst_account_status st =
		guard_admin_target(ctx, user_id, &u, strcmp(role, "admin") != 0);
	if (st != BST_ACC_OK)
		return st;
	if (strcmp(u.role, role) == 0)
		return BST_ACC_OK;
	if (bst_q_user_set_role(ctx->platform->main, user_id, role, ctx->now) < 0)
		return BST_ACC_ERROR;
	/* privileges changed: the user's sessions end, the next sign-in has
	 * the new role (and the second factor it may require) */
	bst_q_session_end_user(ctx->platform->main, user_id,
			       bst_authz_self(ctx, user_id) ? ctx->session_id : 0, ctx->now);
	bst_audit_record(ctx, "account.role", u.email, json_pack("{ss ss}", "from", u.role, "to", role));
	return BST_ACC_OK;
}

enum bst_account_status bst_account_unlock(struct bst_ctx *ctx, int64_t user_id)
{
	struct bst_user_row u;
	enum bst_account_status st = guard_admin_target(ctx, user_id, &u, false);
	if (st != BST_ACC_OK)
		return st;
	if (bst_q_user_set_locked(ctx->platform->main, user_id, 0) < 0 ||
	    bst_q_failure_clear(ctx->platform->main, user_id) < 0)
		return BST_ACC_ERROR;
	bst_audit_record(ctx, "account.unlock", u.email, NULL);
	return BST_ACC_OK;
}

enum bst_account_status bst_account_reset_mfa(struct bst_ctx *ctx, int64_t user_id)
{
	struct bst_user_row u;
	enum bst_account_status st = guard_admin_target(ctx, user_id, &u, false);
	if (st != BST_ACC_OK)
		return st;
	if (bst_q_user_set_totp(ctx->platform->main, user_id, NULL, false, ctx->now) < 0 ||
	    bst_q_recovery_replace(ctx->platform->main, user_id, NULL, 0) < 0)
		return BST_ACC_ERROR;
	bst_q_session_end_user(ctx->platform->main, user_id,
			       bst_authz_self(ctx, user_id) ? ctx->session_id : 0, ctx->now);
	bst_audit_record(ctx, "account.mfa_reset", u.email, NULL);
	return BST_ACC_OK;
}

static bool domain_allowed(const char *domains, const char *addr)
{
	if (!domains[0])
		return true;
	const char *dom = strrchr(addr, '@') + 1;
	size_t dlen = strlen(dom);
	const char *p = domains;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *end = p;
		while (*end && *end != ' ' && *end != ',')
			end++;
		if ((size_t)(end - p) == dlen && strncasecmp(p, dom, dlen) == 0)
			return true;
		p = end;
	}
	return false;
}

enum bst_account_status bst_account_register(struct bst_ctx *ctx, const char *email,
					     const char *name, const char *password,
					     const char **detail, int64_t *user_id)
{
	*detail = NULL;
	*user_id = 0;
	char addr[BST_EMAIL_MAX + 1];
	if (strcmp(ctx->settings.registration, "open") != 0)
		return BST_ACC_CLOSED;
	if (!bst_account_email_normalize(email, addr))
		return BST_ACC_INVALID_EMAIL;
	if (!domain_allowed(ctx->settings.registration_domains, addr))
		return BST_ACC_DOMAIN;
	if (!name_valid(name))
		return BST_ACC_INVALID_NAME;
	enum bst_password_verdict v = bst_password_check(password, addr);
	if (v != BST_PASSWORD_OK) {
		*detail = bst_password_verdict_text(v);
		return BST_ACC_WEAK_PASSWORD;
	}
	char hash[BST_PASSWORD_HASH_BYTES];
	if (bst_password_hash(password, hash) != 0)
		return BST_ACC_ERROR;
	enum bst_account_status st = taken(ctx, addr);
	if (st != BST_ACC_OK)
		return st;
	if (bst_q_user_insert(ctx->platform->main, addr, name, "member", "active", hash, ctx->now,
			      user_id) != BST_QS_ONE_RESULT)
		return BST_ACC_ERROR;
	bst_profile_index(ctx, *user_id);
	bst_audit_record(ctx, "account.register", addr, NULL);
	return BST_ACC_OK;
}

enum bst_account_status bst_account_change_password(struct bst_ctx *ctx, const char *current,
						    const char *password, const char **detail)
{
	*detail = NULL;
	if (ctx->actor != BST_ACTOR_USER || !bst_authz_write(ctx))
		return BST_ACC_FORBIDDEN;
	/* a stolen session must not become a way to guess the password */
	const char *reason = NULL;
	if (!bst_login_may_try(ctx, &ctx->user, &reason))
		return BST_ACC_WRONG_PASSWORD;
	if (!current || strlen(current) > BST_PASSWORD_MAX_BYTES ||
	    !bst_password_verify(ctx->user.password_hash, current)) {
		bst_login_count_failure(ctx, &ctx->user);
		bst_audit_record(ctx, "account.password_change.failure", ctx->user.email, NULL);
		return BST_ACC_WRONG_PASSWORD;
	}
	enum bst_password_verdict v = bst_password_check(password, ctx->user.email);
	if (v != BST_PASSWORD_OK) {
		*detail = bst_password_verdict_text(v);
		return BST_ACC_WEAK_PASSWORD;
	}
	char hash[BST_PASSWORD_HASH_BYTES];
	if (bst_password_hash(password, hash) != 0 ||
	    bst_q_user_set_password(ctx->platform->main, ctx->user.id, hash, ctx->now) !=
		    BST_QS_ONE_RESULT)
		return BST_ACC_ERROR;
	bst_q_session_end_user(ctx->platform->main, ctx->user.id, ctx->session_id, ctx->now);
	bst_audit_record(ctx, "account.password_change", ctx->user.email, NULL);
	return BST_ACC_OK;
}

enum bst_account_status bst_account_set_lang(struct bst_ctx *ctx, const char *lang)
{
	if (ctx->actor != BST_ACTOR_USER)
		return BST_ACC_FORBIDDEN;
	if (lang && lang[0] && strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0)
		return BST_ACC_INVALID_LANG;
	if (bst_q_user_set_lang(ctx->platform->main, ctx->user.id, lang && lang[0] ? lang : NULL,
				ctx->now) < 0)
		return BST_ACC_ERROR;
	return BST_ACC_OK;
}

enum bst_account_status bst_account_find(struct bst_ctx *ctx, const char *email,
					 struct bst_user_row *u)
{
	char addr[BST_EMAIL_MAX + 1];
	memset(u, 0, sizeof *u);
	if (!bst_account_email_normalize(email, addr))
		return BST_ACC_INVALID_EMAIL;
	switch (bst_q_user_by_email(ctx->platform->main, addr, u)) {
	case BST_QS_ONE_RESULT:
		return BST_ACC_OK;
	case BST_QS_NO_RESULTS:
		return BST_ACC_NOT_FOUND;
	default:
		return BST_ACC_ERROR;
	}
}

enum bst_account_status bst_settings_update(struct bst_ctx *ctx,
					    const struct bst_settings *next)
{
	if (!bst_authz_admin(ctx))
		return BST_ACC_FORBIDDEN;
	const struct bst_settings *cur = &ctx->settings;
	if (bst_q_settings_put(ctx->platform->main, next, ctx->now) != BST_QS_ONE_RESULT)
		return BST_ACC_ERROR;
	json_t *d = json_object();
#define DIFF_S(f)                                                                            \
	if (strcmp(cur->f, next->f) != 0)                                                     \
	json_object_set_new(d, #f, json_pack("{ss ss}", "from", cur->f, "to", next->f))
#define DIFF_I(f)                                                                            \
	if (cur->f != next->f)                                                                \
	json_object_set_new(d, #f, json_pack("{sI sI}", "from", (json_int_t)cur->f, "to",    \
					     (json_int_t)next->f))
	DIFF_S(registration);
	DIFF_S(registration_domains);
	DIFF_I(idle_timeout_s);
	DIFF_I(absolute_timeout_s);
	DIFF_S(mfa_policy);
	DIFF_S(default_lang);
#undef DIFF_S
#undef DIFF_I
	bst_audit_record(ctx, "settings.change", "platform", d);
	bst_platform_settings_changed(ctx->platform);
	ctx->settings = *next;
	return BST_ACC_OK;
}
