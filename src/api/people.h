/* The JSON API of profiles (/api/v1/users/{id}), notifications
 * (/api/v1/notifications) and applications (/api/v1/apps), and the JSON
 * shape of a profile that /api/v1/users shares. Same services and same
 * authorization as the pages (social/profiles.h, social/notifications.h,
 * social/meetings.h). */
#ifndef BST_API_PEOPLE_H
#define BST_API_PEOPLE_H
#include <jansson.h>

#include "http/request.h"
#include "social/profiles.h"

/* A profile as JSON; private (the notification mail preference) only for
 * the person themself or an administrator. New reference. */
json_t *bst_api_profile_json(const struct bst_profile_row *p, bool private_fields);

void bst_api_profile(struct bst_req *r);            /* profiles.c GET|PATCH /api/v1/users/{id} */
void bst_api_notifications(struct bst_req *r);      /* notifications.c GET /api/v1/notifications */
void bst_api_notifications_read(struct bst_req *r); /* notifications.c POST /api/v1/notifications/read */
void bst_api_apps(struct bst_req *r);               /* apps.c GET /api/v1/apps */
void bst_api_app(struct bst_req *r);                /* apps.c PATCH /api/v1/apps/{name} */

#endif
