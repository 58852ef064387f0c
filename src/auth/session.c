/* Sessions (see session.h). */
#include "auth/session.h"
#include "audit/audit.h"
#include "core/log.h"

#include <string.h>

void bst_token_hash_hex(const char *token, char hash_hex[BST_HASH_HEX])
{
	uint8_t h[BST_HASH_BYTES];
	bst_token_hash(token, h);
	bst_hex(h, sizeof h, hash_hex);
}

enum bst_session_state bst_session_resolve(struct bst_ctx *ctx, const char *token,
					   char hash_hex[BST_HASH_HEX])
{
	hash_hex[0] = '\0';
	if (!token || strlen(token) != BST_TOKEN_CHARS)
		return BST_SESSION_NONE;
	char h[BST_HASH_HEX];
	bst_token_hash_hex(token, h);
	struct bst_session_row s;
	if (bst_q_session_get(ctx->platform->main, h, &s) != BST_QS_ONE_RESULT)
		return BST_SESSION_NONE;
	if (strcmp(s.user.status, "active") != 0) {
		bst_q_session_end(ctx->platform->main, s.id, s.user.id, ctx->now);
		return BST_SESSION_NONE;
	}
	int64_t idle_ms = ctx->settings.idle_timeout_s * 1000;
	int64_t abs_ms = ctx->settings.absolute_timeout_s * 1000;
	if (ctx->now - s.last_seen_ms > idle_ms || ctx->now - s.created_ms > abs_ms ||
	    (s.mfa_pending && ctx->now - s.created_ms > BST_MFA_PENDING_TTL_MS)) {
		bst_q_session_end(ctx->platform->main, s.id, s.user.id, ctx->now);
		return BST_SESSION_EXPIRED;
	}
	if (ctx->now - s.last_seen_ms > BST_SESSION_TOUCH_MS)
		bst_q_session_touch(ctx->platform->main, s.id, ctx->now);
	ctx->actor = BST_ACTOR_USER;
	ctx->user = s.user;
	ctx->session_id = s.id;
	ctx->session_auth_ms = s.auth_ms;
	memcpy(hash_hex, h, BST_HASH_HEX);
	return s.mfa_pending ? BST_SESSION_MFA_PENDING : BST_SESSION_OK;
}

int bst_session_start(struct bst_ctx *ctx, int64_t user_id, bool mfa_pending,
		      char token[BST_TOKEN_CHARS + 1], char hash_hex[BST_HASH_HEX])
{
	bst_token_new(token);
	bst_token_hash_hex(token, hash_hex);
	int64_t id = 0;
	if (bst_q_session_insert(ctx->platform->main, hash_hex, user_id, ctx->now, mfa_pending,
				 ctx->client_addr ? ctx->client_addr : "",
				 ctx->user_agent ? ctx->user_agent : "",
				 &id) != BST_QS_ONE_RESULT) {
		token[0] = hash_hex[0] = '\0';
		return -1;
	}
	ctx->session_id = id;
	ctx->session_auth_ms = ctx->now;
	return 0;
}

int bst_session_rotate(struct bst_ctx *ctx, bool mfa_pending, bool reauth,
		       char token[BST_TOKEN_CHARS + 1], char hash_hex[BST_HASH_HEX])
{
	bst_token_new(token);
	bst_token_hash_hex(token, hash_hex);
	int64_t auth_ms = reauth ? ctx->now : ctx->session_auth_ms;
	if (bst_q_session_rotate(ctx->platform->main, ctx->session_id, hash_hex, ctx->now,
				 mfa_pending, auth_ms) != BST_QS_ONE_RESULT) {
		token[0] = hash_hex[0] = '\0';
		return -1;
	}
	ctx->session_auth_ms = auth_ms;
	return 0;
}

int bst_session_end(struct bst_ctx *ctx)
{
	if (ctx->session_id == 0)
		return 0;
	enum bst_qs qs = bst_q_session_end(ctx->platform->main, ctx->session_id, ctx->user.id,
					   ctx->now);
	if (qs < 0)
		return -1;
	bst_audit_record(ctx, "auth.logout", ctx->user.email, NULL);
	ctx->session_id = 0;
	return 0;
}

int bst_session_end_other(struct bst_ctx *ctx, int64_t session_id)
{
	enum bst_qs qs;
	if (session_id == 0)
		qs = bst_q_session_end_user(ctx->platform->main, ctx->user.id, ctx->session_id,
					    ctx->now);
	else
		qs = bst_q_session_end(ctx->platform->main, session_id, ctx->user.id, ctx->now);
	if (qs < 0)
		return -1;
	if (session_id && qs == BST_QS_NO_RESULTS)
		return 1; /* not theirs, or already ended: nothing to audit */
	json_t *d = json_pack("{sI}", "session", (json_int_t)session_id);
	bst_audit_record(ctx, session_id ? "auth.session.end" : "auth.session.end_all",
			 ctx->user.email, d);
	return 0;
}

struct live_filter {
	struct bst_ctx *ctx;
	void (*fn)(void *cls, const struct bst_session_row *s);
	void *cls;
};

static void only_live(void *cls, const struct bst_session_row *s)
{
	struct live_filter *f = cls;
	const struct bst_ctx *ctx = f->ctx;
	if (ctx->now - s->last_seen_ms > ctx->settings.idle_timeout_s * 1000 ||
	    ctx->now - s->created_ms > ctx->settings.absolute_timeout_s * 1000 ||
	    (s->mfa_pending && ctx->now - s->created_ms > BST_MFA_PENDING_TTL_MS))
		return;
	f->fn(f->cls, s);
}

enum bst_qs bst_session_list(struct bst_ctx *ctx,
			     void (*fn)(void *cls, const struct bst_session_row *s), void *cls)
{
	struct live_filter f = {ctx, fn, cls};
	return bst_q_session_list(ctx->platform->main, ctx->user.id, only_live, &f);
}
