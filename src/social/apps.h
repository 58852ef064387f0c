/* Optional applications (documents, video meetings) and their switch per
 * platform. A switched-off application is gone everywhere for that
 * platform: menus, pages and API (404, enforced by the routing table's
 * `app` field), search results, notifications. Thread-safe. */
#ifndef BST_SOCIAL_APPS_H
#define BST_SOCIAL_APPS_H
#include <stdbool.h>

#include "tenant/context.h"

#define BST_APP_DOCUMENTS "documents"
#define BST_APP_MEETINGS "meetings"

/* Is app switched on for ctx's platform? An unknown name is off. */
bool bst_app_enabled(struct bst_ctx *ctx, const char *app);

#endif
