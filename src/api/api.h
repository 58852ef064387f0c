/* The JSON API at /api/v1/: one resource per file, same services as the
 * pages. Errors through bst_reply_error (one envelope); lists paginate with
 * an opaque cursor ("next_cursor"). Described in docs/openapi.yaml; a unit
 * test fails when a route of the table is missing there. */
#ifndef BST_API_API_H
#define BST_API_API_H
#include <jansson.h>

#include "http/request.h"

/* ---- common.c ---- */
json_t *bst_api_user(const struct bst_user_row *u);
/* Answers a service status (200 with body on success, else the error). */
void bst_api_reply_status(struct bst_req *r, int status_code, const char *code,
			  const char *message);
/* ISO 8601 string for a time in ms, or null for 0. */
json_t *bst_api_time(int64_t ms);
/* "limit" (1..100, default 50) and "cursor" (an id) from the query; false
 * after answering 400. */
bool bst_api_page_args(struct bst_req *r, int *limit, int64_t *after);

/* ---- one file per resource ---- */
void bst_api_me(struct bst_req *r);        /* me.c        GET /api/v1/me */
void bst_api_register(struct bst_req *r);  /* register.c  POST /api/v1/register */
void bst_api_tokens(struct bst_req *r);    /* tokens.c    GET|POST /api/v1/tokens */
void bst_api_token(struct bst_req *r);     /* tokens.c    DELETE /api/v1/tokens/{id} */
void bst_api_sessions(struct bst_req *r);  /* sessions.c  GET /api/v1/sessions */
void bst_api_session(struct bst_req *r);   /* sessions.c  DELETE /api/v1/sessions/{id} */
void bst_api_users(struct bst_req *r);     /* users.c     GET|POST /api/v1/users */
void bst_api_audit_access_log(struct bst_req *r); /* audit.c GET /api/v1/audit/access-log */
/* health.c GET /health on a host that is no platform's, loopback only (not
 * in the routing table: see the pipeline) */
void bst_api_health(struct bst_req *r);

#endif
