/* Queries of the collaboration features that other modules share:
 * notifications and application switches. (Each feature's own queries are
 * declared in its q_<feature>.h.) */
#ifndef BST_DB_Q_SOCIAL_H
#define BST_DB_Q_SOCIAL_H
#include <stdbool.h>
#include <stdint.h>

#include "db/store.h"

enum bst_qs bst_q_notification_insert(bst_db *db, int64_t user_id, const char *kind,
				      int64_t actor_id, int64_t group_id, int64_t post_id,
				      int64_t comment_id, int64_t now);
/* 1 when on, 0 when off or unknown, -1 on error. */
int bst_q_app_enabled(bst_db *db, const char *name);

/* The search index (FTS5 table search_index): kind is "post", "comment",
 * "user" or "document", ref that row's id. put replaces what was there;
 * services call it in the transaction that changes the row, and delete
 * when the row is deleted or becomes invisible. */
enum bst_qs bst_q_search_put(bst_db *db, const char *kind, int64_t ref, const char *title,
			     const char *body);
enum bst_qs bst_q_search_delete(bst_db *db, const char *kind, int64_t ref);

#endif
