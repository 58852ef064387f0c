/* The groups resources of the JSON API: /api/v1/groups (list, create),
 * /api/v1/groups/{id} (read, edit) and its members
 * (/api/v1/groups/{id}/members[/{user_id}]). Same service and same
 * authorization as the pages (social/groups.h): a group ctx may not see
 * answers 404 exactly as one that does not exist. */
#ifndef BST_API_GROUPS_H
#define BST_API_GROUPS_H
#include <jansson.h>

#include "http/request.h"
#include "social/groups.h"

/* A group as JSON, with what ctx is to it (a may be NULL). New reference. */
json_t *bst_api_group_json(const struct bst_group *g, const struct bst_group_access *a);
/* A membership as JSON. New reference. */
json_t *bst_api_group_member_json(const struct bst_group_member *m);
/* Answers a refusal of the groups service. */
void bst_api_group_error(struct bst_req *r, enum bst_group_status st);
/* The positive id in path parameter i, or 0. */
int64_t bst_api_group_path_id(struct bst_req *r, int i);
/* A string member of the JSON body: true with *out NULL when absent, with
 * *out the value when a string; false after answering 400 otherwise. */
bool bst_api_group_body_string(struct bst_req *r, const char *name, const char **out);

void bst_api_groups(struct bst_req *r); /* groups.c GET|POST /api/v1/groups */
void bst_api_group(struct bst_req *r);  /* groups.c GET|PATCH /api/v1/groups/{id} */
void bst_api_group_members(
    struct bst_req *r); /* group_members.c GET|POST .../{id}/members */
void bst_api_group_member(
    struct bst_req *r); /* group_members.c PATCH|DELETE .../members/{user_id} */

#endif
