/* Numbered migrations (see migrate.h). */
#include "db/migrate.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/embedded.h"
#include "core/log.h"

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

int bst_migrate(bst_db *db, enum bst_db_kind kind, char *err, size_t errlen)
{
	if (bst_db_exec_script(db,
			       "CREATE TABLE IF NOT EXISTS schema_migrations ("
			       " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			       " applied_ms INTEGER NOT NULL) STRICT",
			       err, errlen) != 0)
		return -1;
	int current = bst_db_schema_version(db);
	if (current < 0) {
		snprintf(err, errlen, "cannot read the schema version of %s", bst_db_path(db));
		return -1;
	}
	const char *dir = kind_dir(kind);
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
		bst_buf script;
		bst_buf_init(&script);
		bst_buf_printf(&script, "BEGIN;\n%s\n;INSERT INTO schema_migrations VALUES (%d, '",
			       (const char *)f->data, version);
		for (const char *p = name; *p; p++)
			bst_buf_append(&script, p, *p == '\'' ? 0 : 1);
		bst_buf_printf(&script, "', %lld);\nCOMMIT;", (long long)bst_now_ms());
		char why[512];
		int rc = script.oom ? -1 : bst_db_exec_script(db, script.data, why, sizeof why);
		bst_buf_free(&script);
		if (rc != 0) {
			snprintf(err, errlen, "migration %s of %s failed: %s", f->path,
				 bst_db_path(db), script.oom ? "out of memory" : why);
			return -1;
		}
		bst_log_info("store: %s migrated to %d (%s)", bst_db_path(db), version, name);
	}
	if (current > newest) {
		snprintf(err, errlen,
			 "%s has schema version %d, newer than this program knows (%d)",
			 bst_db_path(db), current, newest);
		return -1;
	}
	return 0;
}
