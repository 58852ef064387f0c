/* Password sign-in with per-account delays and lock, per-address rate
 * limit applied by the caller (see login.h). */
#include "auth/login.h"
#include "auth/password.h"
#include "audit/audit.h"
#include "core/log.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void lower_copy(const char *in, char *out, size_t outlen)
{
	size_t i = 0;
	for (; in && in[i] && i + 1 < outlen; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

bool bst_login_mfa_required(const struct bst_ctx *ctx, const struct bst_user_row *u)
{
	const char *p = ctx->settings.mfa_policy;
	if (strcmp(p, "everyone") == 0)
		return true;
	if (strcmp(p, "admins") == 0)
		return strcmp(u->role, "admin") == 0;
	return false;
}

static int64_t delay_ms(int64_t failures)
{
	if (failures < BST_LOGIN_FREE_FAILURES)
		return 0;
	int64_t shift = failures - BST_LOGIN_FREE_FAILURES;
	if (shift > 20)
		return BST_LOGIN_MAX_DELAY_MS;
	int64_t d = 1000LL << shift;
	return d > BST_LOGIN_MAX_DELAY_MS ? BST_LOGIN_MAX_DELAY_MS : d;
}

static void fail(struct bst_ctx *ctx, const char *email, const char *reason)
{
	bst_audit_record(ctx, "auth.login.failure", email, json_pack("{ss}", "reason", reason));
}

void bst_login_count_failure(struct bst_ctx *ctx, const struct bst_user_row *u)
{
	bst_db *db = ctx->platform->main;
	bst_q_failure_add(db, u->id, ctx->now);
	int64_t n = bst_q_failure_count(db, u->id, ctx->now - BST_LOGIN_WINDOW_MS);
	if (n >= BST_LOGIN_LOCK_FAILURES && u->locked_ms == 0) {
		bst_q_user_set_locked(db, u->id, ctx->now);
		bst_audit_record(ctx, "auth.account.locked", u->email,
				 json_pack("{sI}", "failures", (json_int_t)n));
		bst_log_warn("platform %s: account locked after %lld failures",
			     ctx->platform->slug, (long long)n);
	}
}

bool bst_login_may_try(struct bst_ctx *ctx, const struct bst_user_row *u, const char **reason)
{
	if (u->locked_ms) {
		*reason = "locked";
		return false;
	}
	int64_t since = ctx->now - BST_LOGIN_WINDOW_MS;
	int64_t n = bst_q_failure_count(ctx->platform->main, u->id, since);
	int64_t last = bst_q_failure_last(ctx->platform->main, u->id);
	if (n >= BST_LOGIN_FREE_FAILURES && ctx->now - last < delay_ms(n)) {
		*reason = "delayed";
		return false;
	}
	return true;
}

static enum bst_login_result finish(struct bst_ctx *ctx, const struct bst_user_row *u,
				    char token[BST_TOKEN_CHARS + 1],
				    char hash_hex[BST_HASH_HEX])
{
	enum bst_login_result res = BST_LOGIN_OK;
	if (u->totp_enabled)
		res = BST_LOGIN_MFA_VERIFY;
	else if (bst_login_mfa_required(ctx, u))
		res = BST_LOGIN_MFA_ENROL;
	/* whatever session this browser had (a half-finished sign-in, another
	 * account) ends: a sign-in always starts a new one */
	if (ctx->session_id)
		bst_q_session_end(ctx->platform->main, ctx->session_id, ctx->user.id, ctx->now);
	if (bst_session_start(ctx, u->id, res != BST_LOGIN_OK, token, hash_hex) != 0)
		return BST_LOGIN_ERROR;
	ctx->actor = BST_ACTOR_USER;
	ctx->user = *u;
	bst_audit_record(ctx, "auth.login.success", u->email,
			 json_pack("{sb}", "second_factor_pending", res != BST_LOGIN_OK));
	return res;
}

enum bst_login_result bst_login_password(struct bst_ctx *ctx, const char *email,
					 const char *password,
					 char token[BST_TOKEN_CHARS + 1],
					 char hash_hex[BST_HASH_HEX])
{
	token[0] = hash_hex[0] = '\0';
	char addr[BST_EMAIL_MAX + 1];
	lower_copy(email, addr, sizeof addr);
	if (!password)
		password = "";
	if (strlen(password) > BST_PASSWORD_MAX_BYTES)
		password = "";
	struct bst_user_row u;
	enum bst_qs qs = bst_q_user_by_email(ctx->platform->main, addr, &u);
	if (qs < 0)
		return BST_LOGIN_ERROR;
	if (qs == BST_QS_NO_RESULTS) {
		bst_password_verify_dummy(password);
		fail(ctx, addr, "unknown_account");
		return BST_LOGIN_FAILED;
	}
	const char *reason = NULL;
	if (!bst_login_may_try(ctx, &u, &reason)) {
		bst_password_verify_dummy(password);
		fail(ctx, u.email, reason);
		return BST_LOGIN_FAILED;
	}
	bool ok = u.password_hash[0] && bst_password_verify(u.password_hash, password);
	if (!u.password_hash[0])
		bst_password_verify_dummy(password);
	if (!ok) {
		bst_login_count_failure(ctx, &u);
		fail(ctx, u.email, "wrong_password");
		return BST_LOGIN_FAILED;
	}
	if (strcmp(u.status, "active") != 0) {
		fail(ctx, u.email, u.status);
		return BST_LOGIN_FAILED;
	}
	if (bst_password_needs_rehash(u.password_hash)) {
		char hash[BST_PASSWORD_HASH_BYTES];
		if (bst_password_hash(password, hash) == 0)
			bst_q_user_set_password(ctx->platform->main, u.id, hash, ctx->now);
	}
	enum bst_login_result res = finish(ctx, &u, token, hash_hex);
	/* failures are forgiven only when signing in is complete: with a
	 * second factor to come, the password alone must not reset the delays
	 * and the lock that guard the six digits */
	if (res == BST_LOGIN_OK)
		bst_q_failure_clear(ctx->platform->main, u.id);
	return res;
}

enum bst_login_result bst_login_reauth(struct bst_ctx *ctx, const char *password,
				       char token[BST_TOKEN_CHARS + 1],
				       char hash_hex[BST_HASH_HEX])
{
	token[0] = hash_hex[0] = '\0';
	const char *reason = NULL;
	if (!bst_login_may_try(ctx, &ctx->user, &reason)) {
		bst_audit_record(ctx, "auth.reauth.failure", ctx->user.email,
				 json_pack("{ss}", "reason", reason));
		return BST_LOGIN_FAILED;
	}
	if (!password || strlen(password) > BST_PASSWORD_MAX_BYTES ||
	    !bst_password_verify(ctx->user.password_hash, password)) {
		bst_login_count_failure(ctx, &ctx->user);
		bst_audit_record(ctx, "auth.reauth.failure", ctx->user.email,
				 json_pack("{ss}", "reason", "wrong_password"));
		return BST_LOGIN_FAILED;
	}
	if (bst_session_rotate(ctx, false, true, token, hash_hex) != 0)
		return BST_LOGIN_ERROR;
	bst_audit_record(ctx, "auth.reauth.success", ctx->user.email, NULL);
	return BST_LOGIN_OK;
}
