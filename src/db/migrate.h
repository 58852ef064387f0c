/* Numbered migrations: migrations/<kind>/NNNN_name.sql, embedded in the
 * binary, applied in order at open, all in one immediate transaction with
 * the version check (two processes opening a new database cannot both
 * migrate it), recorded in schema_migrations. A database newer than the
 * binary is refused. */
#ifndef BST_DB_MIGRATE_H
#define BST_DB_MIGRATE_H
#include <stddef.h>

#include "db/store.h"

int bst_migrate(bst_db *db, enum bst_db_kind kind, char *err, size_t errlen);
/* Back-end hook: runs a multi-statement script. */
int bst_db_exec_script(bst_db *db, const char *script, char *err, size_t errlen);

#endif
