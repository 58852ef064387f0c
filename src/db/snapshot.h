/* Whole-database operations on SQLite files for backup and restore, each
 * on its own short-lived connection (not the store's pools), so that they
 * work the same from the CLI and from inside `bastide serve`: consistent
 * copies of a live database (VACUUM INTO, compact; or SQLite's online
 * backup API from a read-only connection in one step, page for page; each
 * one read transaction: writers go on), the integrity check, the blob
 * names a copy refers to, and the replacement of a live database's
 * content by another file's (SQLite's online backup API, one write
 * transaction: connections that other threads or processes hold open see
 * the old content or the new one, never a mix, and keep working).
 * Reentrant. */
#ifndef BST_DB_SNAPSHOT_H
#define BST_DB_SNAPSHOT_H
#include <stddef.h>
#include <stdint.h>

/* Writes a consistent, compact copy of the database at src to the new
 * file dst (VACUUM INTO: what deleted rows left in free pages is not
 * copied; the layout is rewritten). Returns 0, or -1 with a sentence in
 * err. */
int bst_db_file_snapshot(const char *src, const char *dst, char *err, size_t errlen);
/* Writes a consistent copy of the database at src to the new file dst,
 * page for page: a page keeps its offset from one copy to the next, so an
 * unchanged region of the database is an unchanged region of the copy
 * (what chunked backups need). Free pages and unused space are copied as
 * they are. The copy is in rollback-journal mode. Returns 0, or -1 with a
 * sentence in err (dst removed). */
int bst_db_file_page_copy(const char *src, const char *dst, char *err, size_t errlen);
/* PRAGMA integrity_check on the file at path (opened read-only). Returns
 * 0 when it says ok, or -1 with its first complaint in err. */
int bst_db_file_check(const char *path, char *err, size_t errlen);
/* Calls fn for every row of the `blobs` table of the platform database at
 * path (opened read-only): name and size. Returns 0, or -1 with a
 * sentence in err (fn returning non-zero stops with -1 too). */
int bst_db_file_blobs(const char *path, int (*fn)(void *cls, const char *name, int64_t size),
		      void *cls, char *err, size_t errlen);
/* Replaces the content of the live database at dst by that of the file
 * src, in one transaction (waiting up to a few seconds for writers).
 * Returns 0, or -1 with a sentence in err (dst unchanged). */
int bst_db_file_replace(const char *src, const char *dst, char *err, size_t errlen);

#endif
