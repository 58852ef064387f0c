/* Second factor: verification at sign-in, enrolment, recovery codes (see
 * login.h). The TOTP seed is stored sealed under the platform key, bound to
 * the user id. Wrong codes count as sign-in failures, so the six digits
 * cannot be brute-forced either. */
#include "auth/login.h"
#include "core/str.h"
#include "audit/audit.h"
#include "core/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void seed_ad(const struct bst_user_row *u, char *ad, size_t len)
{
	snprintf(ad, len, "totp:%lld", (long long)u->id);
}

static int load_seed(struct bst_ctx *ctx, uint8_t secret[BST_TOTP_SECRET_BYTES])
{
	char ad[48];
	seed_ad(&ctx->user, ad, sizeof ad);
	if (!ctx->user.totp_secret[0])
		return -1;
	long n = bst_open_hex(ctx->platform->key, ad, ctx->user.totp_secret, secret,
			      BST_TOTP_SECRET_BYTES);
	return n == BST_TOTP_SECRET_BYTES ? 0 : -1;
}

/* Recovery codes carry 80 bits: below the 112 bits for which NIST SP
 * 800-63B §5.1.2.2 accepts an unsalted hash. What is stored is therefore a
 * MAC under the platform key (kept apart, in the key store) and bound to
 * the user: a stolen main.db alone cannot be searched for codes. */
static void recovery_key_hex(struct bst_ctx *ctx, const uint8_t code_hash[BST_HASH_BYTES],
			     char out[BST_HASH_HEX])
{
	uint8_t msg[BST_HASH_BYTES + 8];
	uint8_t mac[BST_HASH_BYTES];
	uint64_t id = (uint64_t)ctx->user.id;
	memcpy(msg, code_hash, BST_HASH_BYTES);
	for (int i = 0; i < 8; i++) /* little-endian, whatever the machine */
		msg[BST_HASH_BYTES + i] = (uint8_t)(id >> (8 * i));
	bst_mac(ctx->platform->key, BST_KEY_BYTES, msg, sizeof msg, mac);
	bst_hex(mac, sizeof mac, out);
}

static enum bst_login_result become_full(struct bst_ctx *ctx, char token[BST_TOKEN_CHARS + 1],
					 char hash_hex[BST_HASH_HEX])
{
	if (bst_session_rotate(ctx, false, false, token, hash_hex) != 0)
		return BST_LOGIN_ERROR;
	return BST_LOGIN_OK;
}

enum bst_login_result bst_mfa_verify(struct bst_ctx *ctx, const char *code,
				     char token[BST_TOKEN_CHARS + 1],
				     char hash_hex[BST_HASH_HEX])
{
	token[0] = hash_hex[0] = '\0';
	const char *reason = NULL;
	if (!bst_login_may_try(ctx, &ctx->user, &reason)) {
		bst_audit_record(ctx, "auth.mfa.failure", ctx->user.email,
				 json_pack("{ss}", "reason", reason));
		return BST_LOGIN_FAILED;
	}
	uint8_t secret[BST_TOTP_SECRET_BYTES];
	bool ok = false;
	const char *method = "totp";
	if (ctx->user.totp_enabled && load_seed(ctx, secret) == 0) {
		int64_t step = 0;
		if (bst_totp_verify(secret, code ? code : "", ctx->now, ctx->user.totp_last_step,
				    &step))
			/* the conditional update makes a concurrent replay lose */
			ok = bst_q_user_set_totp_step(ctx->platform->main, ctx->user.id, step) ==
			     BST_QS_ONE_RESULT;
		sodium_memzero(secret, sizeof secret);
	}
	if (!ok && code) {
		uint8_t h[BST_HASH_BYTES];
		char hex[BST_HASH_HEX];
		if (bst_recovery_hash(code, h) == 0) {
			recovery_key_hex(ctx, h, hex);
			if (bst_q_recovery_use(ctx->platform->main, ctx->user.id, hex, ctx->now) ==
			    BST_QS_ONE_RESULT) {
				ok = true;
				method = "recovery_code";
			}
		}
	}
	if (!ok) {
		bst_login_count_failure(ctx, &ctx->user);
		bst_audit_record(ctx, "auth.mfa.failure", ctx->user.email,
				 json_pack("{ss}", "reason", "wrong_code"));
		return BST_LOGIN_FAILED;
	}
	bst_q_failure_clear(ctx->platform->main, ctx->user.id);
	bst_audit_record(ctx, "auth.mfa.success", ctx->user.email,
			 json_pack("{ss}", "method", method));
	return become_full(ctx, token, hash_hex);
}

int bst_mfa_enrol_secret(struct bst_ctx *ctx, uint8_t secret[BST_TOTP_SECRET_BYTES])
{
	if (ctx->user.totp_enabled)
		return -1; /* reset by an administrator first */
	if (load_seed(ctx, secret) == 0)
		return 0;
	bst_totp_secret_new(secret);
	char ad[48];
	char hex[BST_SEALED_HEX_LEN(BST_TOTP_SECRET_BYTES)];
	seed_ad(&ctx->user, ad, sizeof ad);
	bst_seal_hex(ctx->platform->key, ad, secret, BST_TOTP_SECRET_BYTES, hex);
	if (bst_q_user_set_totp(ctx->platform->main, ctx->user.id, hex, false, ctx->now) !=
	    BST_QS_ONE_RESULT) {
		sodium_memzero(secret, BST_TOTP_SECRET_BYTES);
		return -1;
	}
	bst_str_copy(ctx->user.totp_secret, sizeof ctx->user.totp_secret, hex);
	return 0;
}

enum bst_login_result bst_mfa_enrol_confirm(struct bst_ctx *ctx, const char *code,
					    char codes[BST_RECOVERY_CODES][BST_RECOVERY_CHARS + 1],
					    char token[BST_TOKEN_CHARS + 1],
					    char hash_hex[BST_HASH_HEX])
{
	token[0] = hash_hex[0] = '\0';
	uint8_t secret[BST_TOTP_SECRET_BYTES];
	int64_t step = 0;
	const char *reason = NULL;
	if (ctx->user.totp_enabled || !bst_login_may_try(ctx, &ctx->user, &reason) ||
	    load_seed(ctx, secret) != 0)
		return BST_LOGIN_FAILED;
	bool ok = bst_totp_verify(secret, code ? code : "", ctx->now, 0, &step);
	sodium_memzero(secret, sizeof secret);
	if (!ok) {
		bst_login_count_failure(ctx, &ctx->user);
		bst_audit_record(ctx, "auth.mfa.enrol_failure", ctx->user.email, NULL);
		return BST_LOGIN_FAILED;
	}
	uint8_t hashes[BST_RECOVERY_CODES][BST_HASH_BYTES];
	char hex[BST_RECOVERY_CODES][BST_HASH_HEX];
	const char *hexp[BST_RECOVERY_CODES];
	bst_recovery_codes_new(codes, hashes);
	for (int i = 0; i < BST_RECOVERY_CODES; i++) {
		recovery_key_hex(ctx, hashes[i], hex[i]);
		hexp[i] = hex[i];
	}
	if (bst_q_recovery_replace(ctx->platform->main, ctx->user.id, hexp,
				   BST_RECOVERY_CODES) < 0 ||
	    bst_q_user_set_totp(ctx->platform->main, ctx->user.id, ctx->user.totp_secret, true,
				ctx->now) != BST_QS_ONE_RESULT ||
	    bst_q_user_set_totp_step(ctx->platform->main, ctx->user.id, step) < 0)
		return BST_LOGIN_ERROR;
	ctx->user.totp_enabled = true;
	bst_q_failure_clear(ctx->platform->main, ctx->user.id); /* sign-in complete */
	bst_audit_record(ctx, "auth.mfa.enrolled", ctx->user.email, NULL);
	return become_full(ctx, token, hash_hex);
}

int64_t bst_mfa_recovery_left(struct bst_ctx *ctx)
{
	return bst_q_recovery_remaining(ctx->platform->main, ctx->user.id);
}
