/* Queries of the platform's export destination (the single row of
 * export_destination, migrations/platform/0006): read, replaced whole,
 * removed. What the row may hold is the export destination service's
 * business (src/ops/export_dest.c); the password comes here sealed.
 * Thread-safe as the store is. */
#ifndef BST_DB_Q_EXPORT_DEST_H
#define BST_DB_Q_EXPORT_DEST_H
#include <stdint.h>

#include "db/queries.h"
#include "db/store.h"

/* Sizes of the fields, with their terminator. */
#define BST_Q_DEST_URL_LEN 1300
#define BST_Q_DEST_PIN_LEN 64
#define BST_Q_DEST_CA_LEN (16 * 1024 + 1)
#define BST_Q_DEST_PINS_LEN 600
#define BST_Q_DEST_SEALED_LEN 700

struct bst_export_dest_row {
	char url[BST_Q_DEST_URL_LEN];
	char host_key_sha256[BST_Q_DEST_PIN_LEN];
	char ca_pem[BST_Q_DEST_CA_LEN];
	char pinned_key[BST_Q_DEST_PINS_LEN];
	char password_sealed[BST_Q_DEST_SEALED_LEN];
	int64_t updated_ms;
	char updated_by[BST_EMAIL_MAX + 1];
};

enum bst_qs bst_q_export_dest_get(bst_db *db, struct bst_export_dest_row *out);
/* Inserts or replaces the row; updated_ms and updated_by from d. */
enum bst_qs bst_q_export_dest_put(bst_db *db, const struct bst_export_dest_row *d);
/* ONE_RESULT when there was one. */
enum bst_qs bst_q_export_dest_delete(bst_db *db);

#endif
