/* One HTTP request as the transport hands it to a page or API handler:
 * parsed input, the resolved platform, the signed-in user, and the reply
 * functions. A request owns an arena freed when libmicrohttpd completes
 * it. Handlers must answer exactly once through a bst_reply_* function.
 * A request belongs to one thread. */
#ifndef BST_HTTP_REQUEST_H
#define BST_HTTP_REQUEST_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "http/parse.h"
#include "tenant/context.h"

struct MHD_Connection;
struct bst_server;

#define BST_MAX_PATH_PARAMS 4
#define BST_MAX_EXTRA_HEADERS 8

struct bst_req {
	struct MHD_Connection *conn;
	struct bst_server *srv;
	bst_arena *arena;
	const char *method;
	const char *path;      /* decoded by libmicrohttpd, no query */
	const char *raw_uri;   /* as sent */
	bst_kvlist query;
	bst_kvlist cookies;
	bst_kvlist form;       /* urlencoded or multipart fields */
	json_t *json;          /* API bodies; owned, freed with the request */
	bst_buf body;
	bool body_too_large;
	bool https;
	bool is_api;           /* path under /api/ */
	char host[256];        /* normalised */
	const char *lang;      /* "fr" | "en" */
	const char *params[BST_MAX_PATH_PARAMS];
	const struct bst_route *route;
	struct bst_ctx ctx;
	char session_token_hash[2 * 32 + 1];  /* hex, "" when no session */
	const char *csrf_binding, *csrf_token; /* bst_page_csrf's last answer */
	bool mfa_pending;      /* password given, second factor awaited */
	struct {
		const char *name, *value;
	} headers[BST_MAX_EXTRA_HEADERS];
	int n_headers;
	int status;            /* set when answered */
	uint64_t reply_bytes;  /* body bytes of that answer (0 for HEAD) */
	bool prepared;         /* bst_pipeline_prepare done */
	bool handled;          /* the route's handler ran (it owns what it made) */
	void *stream_state;    /* BST_R_STREAM: the route's own */
	int stream_error;      /* BST_R_STREAM: non-zero when the upload failed */
	struct bst_upload *upload; /* BST_R_STREAM: the transport's parser state */
	long long upload_bytes;    /* BST_R_STREAM: bytes received so far */
	int64_t started_ms;
};

/* Request header, or NULL. */
const char *bst_req_header(struct bst_req *r, const char *name);
/* Form field (or query argument for GET), or NULL. */
const char *bst_req_arg(struct bst_req *r, const char *name);

/* Per-address rate limit of an action ("login", "register", "link") on
 * this platform: false when this client address used up its allowance. */
bool bst_req_rate_ok(struct bst_req *r, const char *action);

/* Adds a header to the coming reply (strings must outlive the request: use
 * the arena). */
void bst_reply_header(struct bst_req *r, const char *name, const char *value);
/* Session and pre-session cookies: the name depends on HTTPS (__Host-
 * prefix). value NULL deletes. */
void bst_reply_cookie(struct bst_req *r, const char *base_name, const char *value,
		      int64_t max_age_s);

/* Replies. body is taken over (emptied). */
void bst_reply_html(struct bst_req *r, int status, bst_buf *body);
void bst_reply_json(struct bst_req *r, int status, json_t *body); /* steals body */
void bst_reply_text(struct bst_req *r, int status, const char *content_type,
		    const void *data, size_t len);
/* A body produced as it is sent (downloads): read is called with the
 * position reached and returns bytes written, BST_READ_END at the end, or
 * BST_READ_ERROR to cut the connection (the client then sees an incomplete
 * transfer, never a complete-looking one). free_cls runs when the response
 * is done with. Same headers as every reply; not cacheable. */
#define BST_READ_END ((ssize_t)-1)
#define BST_READ_ERROR ((ssize_t)-2)
/* A producer's answer (bytes, 0 at the end, -1 on failure) as a reader's. */
static inline ssize_t bst_read_result(ssize_t n)
{
	return n > 0 ? n : n == 0 ? BST_READ_END : BST_READ_ERROR;
}
typedef ssize_t (*bst_reply_reader)(void *cls, uint64_t pos, char *buf, size_t max);
void bst_reply_stream(struct bst_req *r, int status, const char *content_type, uint64_t size,
		      bst_reply_reader read, void *cls, void (*free_cls)(void *cls));
/* 303 See Other to a path on the same host (never an absolute URL from
 * input: callers pass a path they checked with bst_safe_next). */
void bst_reply_redirect(struct bst_req *r, const char *location);
/* The one error reply: HTML page or JSON envelope
 * {"error": {"code": CODE, "message": MESSAGE}} depending on the request. */
void bst_reply_error(struct bst_req *r, int status, const char *code, const char *message);

/* "next" parameters: only local absolute paths ("/x", not "//x"). */
const char *bst_safe_next(const char *next);
/* "PATH?next=NEXT" with NEXT made safe and percent-encoded, in the
 * request's arena: where a form or redirect comes back to after a step. */
const char *bst_with_next(struct bst_req *r, const char *path, const char *next);

#endif
