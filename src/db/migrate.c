/* Numbered migrations (see migrate.h). */
#include "db/migrate.h"
#include "core/clock.h"
#include "core/embedded.h"
#include "core/log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_dir(enum bst_db_kind kind)
{
	switch (kind) {
	case BST_DB_CONTROL: return "migrations/control/";
	case BST_DB_PLATFORM: return "migrations/platform/";
	case BST_DB_AUDIT: return "migrations/audit/";
	case BST_DB_KEYS: return "migrations/keys/";
	}
	return "";
}

static int max_version(void *cls, const bst_row *r)
{
	*(int *)cls = (int)bst_row_int(r, 0);
	return 0;
}

int bst_db_schema_version(bst_db *db)
{
	int v = 0;
	if (bst_db_exec(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL,
			max_version, &v) < 0)
		return -1;
	return v;
}

struct migration_run {
	enum bst_db_kind kind;
	char *err;
	size_t errlen;
	bool failed;
};

/* Reads the version and applies what is missing inside one write
 * transaction (BEGIN IMMEDIATE): a server and a command opening the same
 * new database at once cannot both migrate it. */
static enum bst_qs migrate_txn(bst_db *db, void *cls)
{
	struct migration_run *m = cls;
	if (bst_db_exec_script(db,
			       "CREATE TABLE IF NOT EXISTS schema_migrations ("
			       " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			       " applied_ms INTEGER NOT NULL) STRICT",
			       m->err, m->errlen) != 0)
		goto fail;
	int current = bst_db_schema_version(db);
	if (current < 0) {
		snprintf(m->err, m->errlen, "cannot read the schema version of %s",
			 bst_db_path(db));
		goto fail;
	}
	const char *dir = kind_dir(m->kind);
	size_t dlen = strlen(dir);
	int newest = 0;
	for (const struct bst_embedded_file *f = bst_embedded_files; f->path; f++) {
		if (strncmp(f->path, dir, dlen) != 0)
			continue;
		const char *name = f->path + dlen;
		int version = atoi(name);
		if (version <= 0)
			continue;
		newest = version;
		if (version <= current)
			continue;
		char why[512];
		if (bst_db_exec_script(db, (const char *)f->data, why, sizeof why) != 0) {
			snprintf(m->err, m->errlen, "migration %s of %s failed: %s", f->path,
				 bst_db_path(db), why);
			goto fail;
		}
		if (bst_db_exec(db,
				"INSERT INTO schema_migrations (version, name, applied_ms)"
				" VALUES ($1, $2, $3)",
				(struct bst_qp[]){BST_QP_INT(version), BST_QP_TEXT(name),
						  BST_QP_INT(bst_now_ms()), BST_QP_END},
				NULL, NULL) != BST_QS_ONE_RESULT) {
			snprintf(m->err, m->errlen, "cannot record migration %s of %s", f->path,
				 bst_db_path(db));
			goto fail;
		}
		bst_log_info("store: %s migrated to %d (%s)", bst_db_path(db), version, name);
	}
	if (current > newest) {
		snprintf(m->err, m->errlen,
			 "%s has schema version %d, newer than this program knows (%d)",
			 bst_db_path(db), current, newest);
		goto fail;
	}
	return BST_QS_ONE_RESULT;
fail:
	m->failed = true;
	return BST_QS_HARD_ERROR;
}

int bst_migrate(bst_db *db, enum bst_db_kind kind, char *err, size_t errlen)
{
	struct migration_run m = {kind, err, errlen, false};
	err[0] = '\0';
	enum bst_qs qs = bst_db_transaction(db, migrate_txn, &m);
	if (qs < 0 && !m.failed)
		snprintf(err, errlen, "cannot migrate %s: the database is busy or unwritable",
			 bst_db_path(db));
	return qs < 0 ? -1 : 0;
}
