/* Whole-database copies, checks and replacement (see snapshot.h). */
#include "db/snapshot.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* How long a copy into a live database waits for the server's writers
 * (the platform is in maintenance then: only the trail's writer may
 * briefly hold a lock). */
#define REPLACE_BUSY_MS 10000

static int open_db(const char *path, int flags, sqlite3 **out, char *err, size_t errlen)
{
	*out = NULL;
	int rc = sqlite3_open_v2(path, out, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 *out ? sqlite3_errmsg(*out) : sqlite3_errstr(rc));
		sqlite3_close(*out);
		*out = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*out, REPLACE_BUSY_MS);
	return 0;
}

/* Every page of from into to, in one step: one read transaction on from
 * (a step at a time would restart on each write to it) and one write
 * transaction on to. what names the operation in err ("copy src"). */
static int copy_pages(sqlite3 *from, sqlite3 *to, const char *what, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b) {
		snprintf(err, errlen, "cannot %s: %s", what, sqlite3_errmsg(to));
		return -1;
	}
	int step = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "cannot %s: %s", what, sqlite3_errstr(step));
		return -1;
	}
	return 0;
}

int bst_db_file_snapshot(const char *src, const char *dst, char *err, size_t errlen)
{
	sqlite3 *h;
	if (open_db(src, SQLITE_OPEN_READWRITE, &h, err, errlen) != 0)
		return -1;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h, "VACUUM INTO ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, dst, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "cannot copy %s: %s", src, sqlite3_errmsg(h));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc == SQLITE_DONE ? 0 : -1;
}

int bst_db_file_page_copy(const char *src, const char *dst, char *err, size_t errlen)
{
	sqlite3 *from = NULL, *to = NULL;
	int rc = -1;
	if (access(dst, F_OK) == 0) {
		snprintf(err, errlen, "cannot copy %s: %s exists", src, dst);
		return -1;
	}
	if (open_db(src, SQLITE_OPEN_READONLY, &from, err, errlen) != 0 ||
	    open_db(dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &to, err, errlen) != 0)
		goto cleanup;
	char what[600];
	snprintf(what, sizeof what, "copy %s", src);
	/* one read transaction: one point in time, writers go on (WAL) */
	if (copy_pages(from, to, what, err, errlen) != 0)
		goto cleanup;
	/* the copy says "WAL" in its header as its source does: a plain
	 * file instead, which opens read-only without -wal and -shm files */
	if (sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot copy %s: %s", src, sqlite3_errmsg(to));
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_close(from);
	if (sqlite3_close(to) != SQLITE_OK && rc == 0) {
		snprintf(err, errlen, "cannot copy %s: closing %s failed", src, dst);
		rc = -1;
	}
	if (rc != 0 && to)
		unlink(dst);
	return rc;
}

int bst_db_file_check(const char *path, char *err, size_t errlen)
{
	sqlite3 *h;
	if (open_db(path, SQLITE_OPEN_READONLY, &h, err, errlen) != 0)
		return -1;
	sqlite3_stmt *st = NULL;
	int ok = -1;
	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *res = (const char *)sqlite3_column_text(st, 0);
		if (res && strcmp(res, "ok") == 0)
			ok = 0;
		else
			snprintf(err, errlen, "integrity check: %s", res ? res : "no answer");
	} else {
		snprintf(err, errlen, "integrity check: %s", sqlite3_errmsg(h));
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return ok;
}

int bst_db_file_blobs(const char *path, int (*fn)(void *cls, const char *name, int64_t size),
		      void *cls, char *err, size_t errlen)
{
	sqlite3 *h;
	if (open_db(path, SQLITE_OPEN_READONLY, &h, err, errlen) != 0)
		return -1;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(h, "SELECT name, size FROM blobs ORDER BY name", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot list the blobs of %s: %s", path, sqlite3_errmsg(h));
		goto cleanup;
	}
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (fn(cls, name ? name : "", sqlite3_column_int64(st, 1)) != 0) {
			snprintf(err, errlen, "stopped while listing the blobs of %s", path);
			goto cleanup;
		}
	}
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "cannot list the blobs of %s: %s", path, sqlite3_errmsg(h));
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}

int bst_db_file_replace(const char *src, const char *dst, char *err, size_t errlen)
{
	sqlite3 *from = NULL, *to = NULL;
	int rc = -1;
	if (open_db(src, SQLITE_OPEN_READONLY, &from, err, errlen) != 0 ||
	    open_db(dst, SQLITE_OPEN_READWRITE, &to, err, errlen) != 0)
		goto cleanup;
	char what[600];
	snprintf(what, sizeof what, "replace %s", dst);
	/* one write transaction on dst */
	if (copy_pages(from, to, what, err, errlen) != 0)
		goto cleanup;
	rc = 0;
cleanup:
	sqlite3_close(from);
	sqlite3_close(to);
	return rc;
}
