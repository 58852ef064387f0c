/* The store: the one interface through which services reach data. A
 * bst_db is one database (the control plane, a platform's main or audit
 * database, the key store). SQL text lives only under src/db/ (the q_*.c
 * query files) and in migrations/; it is portable (parameters $1, $2, ...)
 * so that the PostgreSQL back end can run the same statements. The SQLite
 * back end (sqlite.c) keeps a pool of connections per database, each with
 * its statements prepared once. Thread-safe: any thread may run queries;
 * a transaction stays on its thread. */
#ifndef BST_DB_STORE_H
#define BST_DB_STORE_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bst_db bst_db;

/* Query status, after GNU Taler: callers switch on it exhaustively. */
enum bst_qs {
	BST_QS_HARD_ERROR = -2, /* the database failed: log, answer 500 */
	BST_QS_SOFT_ERROR = -1, /* busy or conflict: the transaction may be retried */
	BST_QS_NO_RESULTS = 0,
	BST_QS_ONE_RESULT = 1,  /* or more: the number of rows seen */
};

enum bst_db_kind {
	BST_DB_CONTROL,  /* control.db */
	BST_DB_PLATFORM, /* platforms/<slug>/main.db */
	BST_DB_AUDIT,    /* platforms/<slug>/audit.db */
	BST_DB_KEYS,     /* keys.db */
};

/* Opens (creating if needed) and migrates. Returns 0, or -1 with a
 * sentence in err. The caller owns *out and bst_db_close()s it. */
int bst_db_open(const char *path, enum bst_db_kind kind, bst_db **out, char *err,
		size_t errlen);
void bst_db_close(bst_db *db);
const char *bst_db_path(const bst_db *db);

/* Parameters: an array terminated by BST_QP_END. */
enum bst_qp_type { BST_QPT_END, BST_QPT_TEXT, BST_QPT_INT, BST_QPT_NULL, BST_QPT_BLOB };
struct bst_qp {
	enum bst_qp_type type;
	const char *text; /* TEXT; BLOB: the bytes */
	int64_t i;        /* INT; BLOB: the length */
};
/* A function, not a macro: arguments are evaluated once, and arrays pass
 * without "always true" warnings. NULL binds SQL NULL. */
static inline struct bst_qp bst_qp_text(const char *s)
{
	return (struct bst_qp){s ? BST_QPT_TEXT : BST_QPT_NULL, s, 0};
}
#define BST_QP_TEXT(s) bst_qp_text(s)
/* len bytes at p (not copied: valid until the statement ran); NULL: SQL
 * NULL. */
static inline struct bst_qp bst_qp_blob(const void *p, size_t len)
{
	return (struct bst_qp){p ? BST_QPT_BLOB : BST_QPT_NULL, (const char *)p,
			       (int64_t)len};
}
#define BST_QP_BLOB(p, len) bst_qp_blob(p, len)
#define BST_QP_INT(v)  ((struct bst_qp){BST_QPT_INT, NULL, (int64_t)(v)})
#define BST_QP_NULL    ((struct bst_qp){BST_QPT_NULL, NULL, 0})
#define BST_QP_END     ((struct bst_qp){BST_QPT_END, NULL, 0})

/* A result row, valid during the callback only. Columns from 0. */
typedef struct bst_row bst_row;
const char *bst_row_text(const bst_row *r, int col); /* NULL for SQL NULL */
int64_t bst_row_int(const bst_row *r, int col);
/* The storage class of a column's value in this row. */
enum bst_col_type { BST_COL_NULL, BST_COL_INT, BST_COL_REAL, BST_COL_TEXT, BST_COL_BLOB };
enum bst_col_type bst_row_type(const bst_row *r, int col);
double bst_row_real(const bst_row *r, int col);
/* The column's bytes (NULL for SQL NULL or an empty blob) and their count. */
const void *bst_row_blob(const bst_row *r, int col, size_t *len);
bool bst_row_is_null(const bst_row *r, int col);
/* Return 0 to go on, non-zero to stop after this row. */
typedef int (*bst_row_cb)(void *cls, const bst_row *r);

/* Runs one statement. sql must be a string literal (its address keys the
 * statement cache). Returns the number of rows seen (for statements that
 * return none: 1 if a row changed, else 0), or an error status. */
enum bst_qs bst_db_exec(bst_db *db, const char *sql, const struct bst_qp *params,
			bst_row_cb cb, void *cls);
/* As bst_db_exec, for the rare statement whose text is made at run time
 * from the schema itself (the export walks tables it reads from
 * sqlite_master): prepared for this call only, not cached. Never build sql
 * from input. */
enum bst_qs bst_db_exec_once(bst_db *db, const char *sql, const struct bst_qp *params,
			     bst_row_cb cb, void *cls);
/* Rows changed by the last bst_db_exec on this thread. */
int64_t bst_db_changes(void);
/* rowid of the last insert by this thread. */
int64_t bst_db_last_id(void);

/* Runs fn inside one write transaction on this thread; every bst_db_exec
 * on db from fn joins it. Soft errors (busy) are retried a few times; a
 * negative status from fn rolls back. */
typedef enum bst_qs (*bst_txn_fn)(bst_db *db, void *cls);
enum bst_qs bst_db_transaction(bst_db *db, bst_txn_fn fn, void *cls);
/* Runs fn inside one read transaction on this thread: every bst_db_exec
 * on db from fn sees the same snapshot, and the database's locks are taken
 * once rather than for each statement (a page of twenty queries). fn only
 * reads: a statement that would write fails with BST_QS_HARD_ERROR. Inside
 * another transaction on db, fn simply joins it. Returns fn's status. */
enum bst_qs bst_db_snapshot(bst_db *db, bst_txn_fn fn, void *cls);
/* Copies the write-ahead log into the database and empties it, so that
 * rows deleted with secure_delete leave no copy in the log (the control
 * database and the key store delete so). 0, or -1 when readers kept part
 * of the log (logged; it is emptied at the next checkpoint). */
int bst_db_checkpoint(bst_db *db);
/* Is this thread inside a transaction on db? */
bool bst_db_in_transaction(const bst_db *db);

/* Cheap change detection for caches of rarely-changing rows (platform
 * list, settings). Within BST_DB_WATCH_MIN_MS of the last look it answers
 * false at the cost of one atomic read: a change made by another process
 * (the CLI) shows within that delay. After it, true when the database
 * files changed (size, time or WAL header differ), or when
 * BST_DB_WATCH_MAX_MS passed, which bounds staleness should two writes be
 * indistinguishable. Thread-safe. Changes made by this process invalidate
 * their cache explicitly (bst_db_watch_reset). */
#define BST_DB_WATCH_MIN_MS 50
#define BST_DB_WATCH_MAX_MS 1000
struct bst_db_watch {
	_Atomic int64_t looked_ms;  /* last signature check */
	int64_t checked_ms;         /* last time the caller re-read */
	int64_t sig[6];
	pthread_mutex_t lock;
};
void bst_db_watch_init(struct bst_db_watch *w);
void bst_db_watch_destroy(struct bst_db_watch *w);
/* The next bst_db_maybe_changed answers true. */
void bst_db_watch_reset(struct bst_db_watch *w);
bool bst_db_maybe_changed(bst_db *db, struct bst_db_watch *w, int64_t now_ms);

/* Applied migrations, for `platform show` and tests. */
int bst_db_schema_version(bst_db *db);

#endif
