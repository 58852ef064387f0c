/* The publications resources of the JSON API: /api/v1/posts (a feed: the
 * home feed, or ?group_id= one feed, 0 being the platform's; publish),
 * /api/v1/posts/{id} (read, edit or pin, delete) and its versions, its
 * comments (/api/v1/posts/{id}/comments[/{comment_id}]) and reactions
 * (/api/v1/posts/{id}/reactions), and /api/v1/feed/new (how many new
 * publications since an id; static/app.js polls it). Same service and
 * same authorization as the pages (social/posts.h): what the caller may
 * not read answers 404 exactly as what does not exist. */
#ifndef BST_API_POSTS_H
#define BST_API_POSTS_H
#include <jansson.h>

#include "http/request.h"
#include "social/posts.h"

/* A publication or a comment as JSON, its text also rendered to safe HTML
 * ("html"). New references. */
json_t *bst_api_post_json(struct bst_ctx *ctx, const struct bst_post *p);
json_t *bst_api_comment_json(struct bst_ctx *ctx, const struct bst_comment *c);
/* A person in a publication's JSON: {"id", "name"}. */
json_t *bst_api_post_person(int64_t id, const char *name);
/* Answers a refusal of the posts service. */
void bst_api_post_error(struct bst_req *r, enum bst_post_status st);
/* The positive id in path parameter i, or 0. */
int64_t bst_api_post_path_id(struct bst_req *r, int i);
/* The request's body is a JSON object; false after answering 400. */
bool bst_api_post_body_object(struct bst_req *r);

void bst_api_posts(struct bst_req *r); /* posts.c     GET|POST /api/v1/posts */
void bst_api_post(
    struct bst_req *r); /* posts.c     GET|PATCH|DELETE /api/v1/posts/{id} */
void bst_api_post_versions(
    struct bst_req *r); /* posts.c     GET /api/v1/posts/{id}/versions */
void bst_api_feed_new(struct bst_req *r); /* posts.c     GET /api/v1/feed/new */
void bst_api_comments(
    struct bst_req *r); /* comments.c  GET|POST /api/v1/posts/{id}/comments */
void bst_api_comment(
    struct bst_req *r); /* comments.c  PATCH|DELETE .../comments/{comment_id} */
void bst_api_reactions(
    struct bst_req *r); /* reactions.c GET|POST|DELETE .../{id}/reactions */

#endif
