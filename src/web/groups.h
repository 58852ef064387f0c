/* Pages of the groups feature: the list of groups, a group's members and
 * its settings, and the pieces other group pages share (the group's tabs,
 * the labels of kinds and roles). The groups service (social/groups.h)
 * decides; these pages parse, call it and render. Handlers run on the
 * request's thread. */
#ifndef BST_WEB_GROUPS_H
#define BST_WEB_GROUPS_H
#include "social/groups.h"
#include "web/pages.h"

/* "Open", "Private", "Secret" (translated). */
const char *bst_group_kind_label(const char *kind);
/* A sentence saying what the kind means (translated). */
const char *bst_group_kind_hint(const char *kind);
/* "Administrator", "Member" (translated). */
const char *bst_group_role_label(const char *role);

/* The group's tabs under its title: feed, members, library (when the
 * documents application is on), settings (for those who may manage it).
 * current: "feed" | "members" | "library" | "settings". */
void bst_page_group_nav(struct bst_req *r, bst_buf *b, const struct bst_group *g,
			const struct bst_group_access *a, const char *current);

/* The group of r->params[0] for a page: 0, or -1 after answering 404 (no
 * such group, or one ctx may not see) or 500. */
int bst_page_group_load(struct bst_req *r, struct bst_group *g,
			struct bst_group_access *a);

/* Answers a refusal of the groups service as an error page. */
void bst_page_group_error(struct bst_req *r, enum bst_group_status st);

void bst_page_groups(struct bst_req *r); /* groups.c        GET|POST /groups */
void bst_page_group_members(
    struct bst_req *r); /* group_members.c GET|POST /groups/{id}/members */
void bst_page_group_edit(
    struct bst_req *r); /* group_edit.c    GET|POST /groups/{id}/settings */

#endif
