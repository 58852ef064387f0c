/* Pieces shared by the back-office pages (admin_users.c, admin_user.c,
 * admin_settings.c, admin_access_*.c): their sub-navigation, and the
 * access log's filters from the query. Same rules as pages.h. */
#ifndef BST_WEB_ADMIN_H
#define BST_WEB_ADMIN_H
#include "web/pages.h"

/* Users | Settings, with current ("users" or "settings") marked as the
 * page in view. */
void bst_page_admin_nav(struct bst_req *r, bst_buf *b, const char *current);

/* The access log's filters from the query (user, addr, what, status,
 * from, to, cursor); admin_access_log.c. */
struct bst_audit_filter_args;
void bst_page_access_log_args(struct bst_req *r, struct bst_audit_filter_args *a);

#endif
