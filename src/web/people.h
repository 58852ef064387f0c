/* Pages of profiles and the people directory, notifications, the
 * application switches and video meetings, and the pieces they share (a
 * person's picture or initials, the path id parser). The services
 * (social/profiles.h, social/notifications.h, social/meetings.h) decide;
 * these pages parse, call them and render. Handlers run on the request's
 * thread. */
#ifndef BST_WEB_PEOPLE_H
#define BST_WEB_PEOPLE_H
#include "http/router.h"
#include "social/profiles.h"
#include "web/pages.h"

/* A person's picture (an <img> of /people/{id}/avatar, with size_px as
 * width and height) or, without one, their initials in a circle; alt ""
 * since the name is always written next to it. */
void bst_page_person_picture(bst_buf *b, const struct bst_profile_row *p, int size_px);

/* The positive id in path parameter i, or 0. */
int64_t bst_page_path_id(struct bst_req *r, int i);

/* Answers a refusal of the profiles service as an error page or JSON. */
void bst_page_profile_error(struct bst_req *r, enum bst_profile_status st);

/* The avatar upload's streaming callbacks (the route of POST
 * /people/{id}/avatar is flagged BST_R_STREAM). */
extern const struct bst_stream_ops bst_avatar_stream;

void bst_page_people(struct bst_req *r);        /* people.c GET /people */
void bst_page_profile(struct bst_req *r);       /* profile.c GET /people/{id} */
void bst_page_profile_edit(struct bst_req *r);  /* profile_edit.c GET|POST /people/{id}/edit */
void bst_page_avatar(struct bst_req *r);        /* avatar.c GET|POST /people/{id}/avatar */
void bst_page_notifications(struct bst_req *r); /* notifications.c GET|POST /notifications */
void bst_page_admin_apps(struct bst_req *r);    /* admin_apps.c GET|POST /admin/apps */
void bst_page_meetings(struct bst_req *r);      /* meetings.c GET|POST /meetings */

#endif
