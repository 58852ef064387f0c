/* Pieces shared by the back-office pages (admin_users.c, admin_user.c,
 * admin_settings.c): their sub-navigation. Same rules as pages.h. */
#ifndef BST_WEB_ADMIN_H
#define BST_WEB_ADMIN_H
#include "web/pages.h"

/* Users | Settings, with current ("users" or "settings") marked as the
 * page in view. */
void bst_page_admin_nav(struct bst_req *r, bst_buf *b, const char *current);

#endif
