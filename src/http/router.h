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
	BST_R_STREAM = 1 << 6,   /* multipart body streamed to route->stream (uploads) */
};

/* Streaming uploads (routes flagged BST_R_STREAM with a multipart/form-data
 * body): the body is never held whole. The transport checks the route's
 * requirements when the headers arrive, then feeds the body to its
 * multipart parser: text fields (at most 64 KiB each) are collected into
 * r->form as usual; the CSRF field must come before the first file part
 * (put the hidden input first in the form), else 403. File parts go to
 * these callbacks, which may keep their state in r->stream_state. When the
 * body is complete the route's handler runs as for any request (r->form
 * filled, r->stream_error set if a callback or the parser failed). If the
 * request dies before (client gone, limit hit), abort is called instead, so
 * nothing half-written stays behind (abort may come when no file was
 * begun). The per-file size limit is the service's to enforce: return
 * non-zero from file_data, after setting r->stream_error to the status to
 * answer (413), else the transport answers 400. */
struct bst_req;
struct bst_stream_ops {
	/* returns 0, or non-zero to refuse the file (r->stream_error is set) */
	int (*file_begin)(struct bst_req *r, const char *field, const char *filename,
			  const char *claimed_type);
	int (*file_data)(struct bst_req *r, const char *data, size_t len);
	int (*file_end)(struct bst_req *r);
	void (*abort)(struct bst_req *r);
	/* optional: the sentence of a 413 about a file of this route (a body
	 * past BST_UPLOAD_BODY_MAX, or a file refused for its size), saying the
	 * limit; NULL for the transport's generic words */
	const char *(*too_large)(struct bst_req *r);
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
	const struct bst_stream_ops *stream; /* BST_R_STREAM routes */
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
