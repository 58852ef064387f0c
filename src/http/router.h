/* The routing table: every page and API resource, with what it requires
 * (sign-in, administrator, recent password, write scope). One table for
 * the whole server, in routes.c; the transport enforces the flags before a
 * handler runs, so a handler cannot forget them. Read-only: thread-safe. */
#ifndef BST_HTTP_ROUTER_H
#define BST_HTTP_ROUTER_H
#include <stdbool.h>
#include <stddef.h>

struct bst_req;
typedef void (*bst_handler)(struct bst_req *r);

enum {
	BST_R_PUBLIC = 0,
	BST_R_AUTH = 1 << 0,     /* signed in, second factor done */
	BST_R_ADMIN = 1 << 1,    /* platform administrator (implies AUTH) */
	BST_R_REAUTH = 1 << 2,   /* password given within BST_REAUTH_S */
	BST_R_MFA_STEP = 1 << 3, /* also reachable while the second factor is awaited */
	BST_R_WRITE = 1 << 4,    /* API: a read-write token (or a session) */
	BST_R_STATIC = 1 << 5,   /* static asset: no platform settings, no session */
};

/* Back-office actions ask for the password again after 15 minutes
 * (OWASP ASVS 3.7.1: re-authentication before sensitive operations). */
#define BST_REAUTH_S (15 * 60)

struct bst_route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/api/v1/tokens/{id}"; a trailing "*" matches the rest */
	bst_handler handler;
	unsigned flags;
	const char *app; /* an optional application (social/apps.h): when it
			    is switched off, the route answers 404 */
};

/* Terminated by a route whose pattern is NULL. */
extern const struct bst_route bst_routes[];

/* The route for method and path, filling params (at most 4) from {x}
 * segments. NULL when none; *other_method is set when the path exists with
 * another method (405). HEAD matches GET routes. */
const struct bst_route *bst_route_find(const char *method, const char *path,
				       const char **params, char *scratch, size_t scratch_len,
				       bool *other_method);

/* "GET, HEAD, POST": the methods path accepts (for Allow headers), in the
 * arena. */
struct bst_arena;
const char *bst_route_allowed(const char *path, struct bst_arena *arena);

#endif
