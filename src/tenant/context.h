/* The explicit context every service function takes: which platform, who
 * acts (a user, an anonymous visitor or the operator at the CLI), from
 * where, and when. Built by the transport for a request or by the CLI for
 * a command; services decide with it (src/auth/authz.c) and audit with it.
 * Lives as long as the request or command; not shared between threads. */
#ifndef BST_TENANT_CONTEXT_H
#define BST_TENANT_CONTEXT_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "db/queries.h"
#include "tenant/install.h"
#include "tenant/platform.h"

enum bst_actor_kind { BST_ACTOR_ANONYMOUS, BST_ACTOR_USER, BST_ACTOR_OPERATOR };

struct bst_ctx {
	struct bst_install *install;
	const struct bst_config *config;
	struct bst_platform *platform;
	struct bst_settings settings;
	enum bst_actor_kind actor;
	struct bst_user_row user;  /* valid when actor == BST_ACTOR_USER */
	int64_t session_id;        /* 0 when not from a session */
	int64_t session_auth_ms;   /* last password entry in that session */
	bool via_token;            /* authenticated by a personal access token */
	bool token_write;          /* that token's scope is read-write */
	const char *client_addr;
	const char *user_agent;
	const char *base_url;      /* "http://demo.localhost:8080": for links */
	int64_t now;
	bst_arena *arena;
};

static inline bool bst_ctx_is_admin(const struct bst_ctx *c)
{
	return c->actor == BST_ACTOR_OPERATOR ||
	       (c->actor == BST_ACTOR_USER && c->user.role[0] == 'a');
}

#endif
