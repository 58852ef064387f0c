/* Sessions: 256-bit random tokens, stored hashed; idle timeout and absolute
 * lifetime from the platform's settings; a new token on sign-in and on
 * every privilege change (second factor done, password re-entered); ended
 * on the server at sign-out. Thread-safe. */
#ifndef BST_AUTH_SESSION_H
#define BST_AUTH_SESSION_H
#include <stdbool.h>

#include "core/crypto.h"
#include "tenant/context.h"

/* Cookie base names; over HTTPS they get the __Host- prefix. */
#define BST_SESSION_COOKIE "bastide"
#define BST_PRE_COOKIE "bastide-pre"
/* last_seen is written at most this often: idle timeouts are counted in
 * minutes, and a write per request would cost every page. */
#define BST_SESSION_TOUCH_MS (60 * 1000)
#define BST_HASH_HEX (2 * BST_HASH_BYTES + 1)
/* A session waiting for its second factor lives this long: enough to open
 * an authenticator app, short enough that a stolen password alone buys
 * little (OWASP ASVS 3.3: short-lived intermediate states). */
#define BST_MFA_PENDING_TTL_MS (10 * 60 * 1000)

enum bst_session_state {
	BST_SESSION_NONE,        /* no such live session */
	BST_SESSION_OK,
	BST_SESSION_MFA_PENDING, /* password given, second factor awaited */
	BST_SESSION_EXPIRED,     /* idle or absolute limit passed: now ended */
};

/* Looks the token up; on OK or MFA_PENDING fills ctx->user, session_id and
 * session_auth_ms, sets ctx->actor, and writes the token's hash. */
enum bst_session_state bst_session_resolve(struct bst_ctx *ctx, const char *token,
					   char hash_hex[BST_HASH_HEX]);
/* A new session for user_id. Writes the cookie value and its hash. */
int bst_session_start(struct bst_ctx *ctx, int64_t user_id, bool mfa_pending,
		      char token[BST_TOKEN_CHARS + 1], char hash_hex[BST_HASH_HEX]);
/* New token for ctx's session. reauth: the password was just given. */
int bst_session_rotate(struct bst_ctx *ctx, bool mfa_pending, bool reauth,
		       char token[BST_TOKEN_CHARS + 1], char hash_hex[BST_HASH_HEX]);
/* Ends ctx's session (sign-out). */
int bst_session_end(struct bst_ctx *ctx);
/* Ends one of ctx's user's sessions, or all but the current (id 0).
 * Returns 0, 1 when session_id is not one of the user's live sessions, or
 * -1 when the store failed. */
int bst_session_end_other(struct bst_ctx *ctx, int64_t session_id);
/* ctx's user's live sessions, newest first: those past the platform's
 * idle or absolute limit are left out (they end at their next use). */
enum bst_qs bst_session_list(struct bst_ctx *ctx,
			     void (*fn)(void *cls, const struct bst_session_row *s), void *cls);
void bst_token_hash_hex(const char *token, char hash_hex[BST_HASH_HEX]);

#endif
