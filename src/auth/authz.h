/* Authorization decisions, in one place: services ask here before acting.
 * Pure functions of the context: thread-safe. */
#ifndef BST_AUTH_AUTHZ_H
#define BST_AUTH_AUTHZ_H
#include <stdbool.h>

#include "tenant/context.h"

/* Platform administration (accounts, settings): an administrator with a
 * full session, or the operator at the CLI. */
bool bst_authz_admin(const struct bst_ctx *ctx);
/* Acting on user_id's own things (sessions, tokens, password). */
bool bst_authz_self(const struct bst_ctx *ctx, int64_t user_id);
/* Writes through the API need a read-write token (or a session). */
bool bst_authz_write(const struct bst_ctx *ctx);

#endif
