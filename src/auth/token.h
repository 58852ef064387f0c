/* Personal access tokens for the API and operators' scripts: shown once,
 * stored hashed, scope read or read-write, optional expiry, revocable by
 * their owner (and by an administrator or the operator). Thread-safe. */
#ifndef BST_AUTH_TOKEN_H
#define BST_AUTH_TOKEN_H
#include "auth/account.h"
#include "core/crypto.h"

/* Tokens are "bst_" + 43 base64url characters, so secret scanners can
 * recognise them in leaked text. */
#define BST_PAT_PREFIX "bst_"
#define BST_PAT_CHARS (4 + BST_TOKEN_CHARS)
#define BST_PAT_MAX_DAYS 3650

/* Creates a token for ctx's user (or, for the operator, user_id) and
 * writes it to out; its id to *id. */
enum bst_account_status bst_pat_create(struct bst_ctx *ctx, int64_t user_id, const char *name,
				       const char *scope, int64_t expires_days,
				       char out[BST_PAT_CHARS + 1], int64_t *id);
/* Authenticates "Authorization: Bearer <token>": fills ctx (actor, user,
 * via_token, token_write). */
bool bst_pat_authenticate(struct bst_ctx *ctx, const char *token);
enum bst_account_status bst_pat_revoke(struct bst_ctx *ctx, int64_t token_id);

#endif
