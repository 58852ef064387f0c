/* The SQLite back end of the store (see store.h): a pool of connections per
 * database file, WAL mode, foreign keys on, synchronous=FULL so that a
 * committed write is on disk when the response leaves, statements prepared
 * once per connection and cached by the address of their SQL text. */
#include "db/store.h"
#include "db/migrate.h"
#include "core/log.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Connections per database: the HTTP thread pool, the scheduler and the
 * audit writer, each thread keeping at most one or two parked. */
#define POOL_MAX 64
/* Parking stops this close to POOL_MAX, so that connections always flow
 * back to threads waiting in acquire. */
#define POOL_SPARE 8
#define STMT_CACHE 256 /* slots per connection; a power of two */
#define BUSY_TIMEOUT_MS 5000
#define TXN_RETRIES 5

struct conn {
	sqlite3 *h;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	struct conn *next_free;
};

struct bst_db {
	uint64_t serial; /* unique per open, never reused: keys thread caches */
	atomic_int n_parked;
	char *path;
	enum bst_db_kind kind;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct conn *free_list;
	unsigned n_conns;
	struct conn *all[POOL_MAX];
};

struct bst_row {
	sqlite3_stmt *stmt;
};

/* Each thread keeps the connections it used last, so that the common case
 * (a server thread running one query after another) takes no lock. A
 * parked connection belongs to the pool (it is in db->all) but is off the
 * free list; a closed database's serial never matches again. */
#define THREAD_CACHE 8
static _Atomic uint64_t next_serial = 1;
static __thread struct {
	uint64_t serial;
	struct conn *c;
} parked[THREAD_CACHE];

static __thread bst_db *tx_db;
static __thread struct conn *tx_conn;
static __thread bool tx_read_only; /* inside bst_db_snapshot */
static __thread int64_t last_changes;
static __thread int64_t last_id;

const char *bst_db_path(const bst_db *db)
{
	return db->path;
}

static int conn_open(bst_db *db, struct conn **out)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		return -1;
	int rc = sqlite3_open_v2(db->path, &c->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		bst_log_error("store: cannot open %s: %s", db->path,
			      c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		sqlite3_close(c->h);
		free(c);
		return -1;
	}
	sqlite3_busy_timeout(c->h, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->h, 1);
	char *msg = NULL;
	if (sqlite3_exec(c->h,
			 "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
			 "PRAGMA synchronous=FULL; PRAGMA trusted_schema=OFF;",
			 NULL, NULL, &msg) != SQLITE_OK) {
		bst_log_error("store: cannot configure %s: %s", db->path, msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(c->h);
		free(c);
		return -1;
	}
	/* the control plane and the key store overwrite what they delete (ON):
	 * a destroyed platform's key and queued mail leave no bytes behind; a
	 * platform's databases zero what a deletion frees within the pages
	 * written anyway (FAST: no extra I/O), so a deleted publication's bytes
	 * linger neither in the file nor in the page copies backups make */
	const char *wipe = db->kind == BST_DB_CONTROL || db->kind == BST_DB_KEYS
				   ? "PRAGMA secure_delete=ON"
			   : db->kind == BST_DB_PLATFORM || db->kind == BST_DB_AUDIT
				   ? "PRAGMA secure_delete=FAST"
				   : NULL;
	if (wipe && sqlite3_exec(c->h, wipe, NULL, NULL, NULL) != SQLITE_OK) {
		bst_log_error("store: cannot configure %s: secure_delete", db->path);
		sqlite3_close(c->h);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static void conn_close(struct conn *c)
{
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(c->cache[i].stmt);
	sqlite3_close(c->h);
	free(c);
}

static struct conn *acquire(bst_db *db)
{
	for (int i = 0; i < THREAD_CACHE; i++)
		if (parked[i].serial == db->serial) {
			parked[i].serial = 0;
			atomic_fetch_sub(&db->n_parked, 1);
			return parked[i].c;
		}
	pthread_mutex_lock(&db->lock);
	while (!db->free_list && db->n_conns >= POOL_MAX)
		pthread_cond_wait(&db->freed, &db->lock);
	struct conn *c = db->free_list;
	if (c) {
		db->free_list = c->next_free;
	} else {
		if (conn_open(db, &c) == 0)
			db->all[db->n_conns++] = c;
		else
			c = NULL;
	}
	pthread_mutex_unlock(&db->lock);
	return c;
}

static void release(bst_db *db, struct conn *c)
{
	/* reserve a parking place first, so that threads releasing together
	 * cannot park more than the limit */
	if (atomic_fetch_add(&db->n_parked, 1) < POOL_MAX - POOL_SPARE) {
		for (int i = 0; i < THREAD_CACHE; i++)
			if (parked[i].serial == 0) {
				parked[i].serial = db->serial;
				parked[i].c = c;
				return;
			}
	}
	atomic_fetch_sub(&db->n_parked, 1);
	pthread_mutex_lock(&db->lock);
	c->next_free = db->free_list;
	db->free_list = c;
	pthread_cond_signal(&db->freed);
	pthread_mutex_unlock(&db->lock);
}

static sqlite3_stmt *prepare(struct conn *c, const char *sql)
{
	uintptr_t h = ((uintptr_t)sql >> 3) * 2654435761u;
	for (unsigned i = 0; i < STMT_CACHE; i++) {
		unsigned slot = (unsigned)(h + i) & (STMT_CACHE - 1);
		if (c->cache[slot].sql == sql)
			return c->cache[slot].stmt;
		if (!c->cache[slot].sql) {
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
					       NULL) != SQLITE_OK) {
				bst_log_error("store: cannot prepare [%s]: %s", sql,
					      sqlite3_errmsg(c->h));
				return NULL;
			}
			c->cache[slot].sql = sql;
			c->cache[slot].stmt = st;
			return st;
		}
	}
	/* cache full: should not happen with a fixed set of statements */
	assert(!"statement cache full");
	return NULL;
}

static enum bst_qs status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return BST_QS_SOFT_ERROR;
	default:
		return BST_QS_HARD_ERROR;
	}
}

/* Binds each of the statement's parameters, "$k", to params[k - 1]: the
 * walk goes over what the statement uses (no name lookups, no printing). */
static int bind_all(sqlite3_stmt *st, const struct bst_qp *params)
{
	int given = 0;
	while (params && params[given].type != BST_QPT_END)
		given++;
	int count = sqlite3_bind_parameter_count(st);
	for (int idx = 1; idx <= count; idx++) {
		const char *name = sqlite3_bind_parameter_name(st, idx);
		int k = name && name[0] == '$' ? atoi(name + 1) : 0;
		assert((k >= 1 && k <= given) || !"missing parameter");
		if (k < 1 || k > given)
			continue; /* stays NULL */
		const struct bst_qp *p = &params[k - 1];
		int rc;
		switch (p->type) {
		case BST_QPT_TEXT:
			rc = sqlite3_bind_text(st, idx, p->text, -1, SQLITE_STATIC);
			break;
		case BST_QPT_BLOB:
			rc = sqlite3_bind_blob64(st, idx, p->text, (sqlite3_uint64)p->i,
						 SQLITE_STATIC);
			break;
		case BST_QPT_INT:
			rc = sqlite3_bind_int64(st, idx, p->i);
			break;
		case BST_QPT_NULL:
			rc = sqlite3_bind_null(st, idx);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* Binds, steps and resets st (prepared from sql on c). */
static enum bst_qs run_stmt(struct conn *c, sqlite3_stmt *st, const char *sql,
			    const struct bst_qp *params, bst_row_cb cb, void *cls)
{
	enum bst_qs qs = BST_QS_NO_RESULTS;
	int rows = 0;
	if (tx_read_only && !sqlite3_stmt_readonly(st)) {
		bst_log_error("store: [%s] writes inside a read-only snapshot", sql);
		return BST_QS_HARD_ERROR;
	}
	int rc = bind_all(st, params);
	if (rc != SQLITE_OK) {
		bst_log_error("store: cannot bind [%s]: %s", sql, sqlite3_errmsg(c->h));
		qs = BST_QS_HARD_ERROR;
		goto cleanup;
	}
	bool stop = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		if (!stop && cb) {
			struct bst_row row = {st};
			if (cb(cls, &row) != 0)
				stop = true;
		}
		if (stop)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		qs = status_of(rc);
		if (qs == BST_QS_HARD_ERROR)
			bst_log_error("store: [%s] failed: %s", sql, sqlite3_errmsg(c->h));
		goto cleanup;
	}
	last_changes = sqlite3_changes64(c->h);
	last_id = sqlite3_last_insert_rowid(c->h);
	if (sqlite3_column_count(st) == 0)
		qs = last_changes > 0 ? BST_QS_ONE_RESULT : BST_QS_NO_RESULTS;
	else
		qs = rows;
cleanup:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return qs;
}

static enum bst_qs run(struct conn *c, const char *sql, const struct bst_qp *params,
		       bst_row_cb cb, void *cls)
{
	sqlite3_stmt *st = prepare(c, sql);
	if (!st)
		return BST_QS_HARD_ERROR;
	return run_stmt(c, st, sql, params, cb, cls);
}

static enum bst_qs run_once(struct conn *c, const char *sql, const struct bst_qp *params,
			    bst_row_cb cb, void *cls)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(c->h, sql, -1, &st, NULL) != SQLITE_OK) {
		bst_log_error("store: cannot prepare [%s]: %s", sql, sqlite3_errmsg(c->h));
		sqlite3_finalize(st);
		return BST_QS_HARD_ERROR;
	}
	enum bst_qs qs = run_stmt(c, st, sql, params, cb, cls);
	sqlite3_finalize(st);
	return qs;
}

enum bst_qs bst_db_exec(bst_db *db, const char *sql, const struct bst_qp *params,
			bst_row_cb cb, void *cls)
{
	if (tx_db == db)
		return run(tx_conn, sql, params, cb, cls);
	struct conn *c = acquire(db);
	if (!c)
		return BST_QS_HARD_ERROR;
	enum bst_qs qs = BST_QS_SOFT_ERROR;
	for (int attempt = 0; attempt < TXN_RETRIES && qs == BST_QS_SOFT_ERROR; attempt++)
		qs = run(c, sql, params, cb, cls);
	release(db, c);
	return qs;
}

enum bst_qs bst_db_exec_once(bst_db *db, const char *sql, const struct bst_qp *params,
			     bst_row_cb cb, void *cls)
{
	if (tx_db == db)
		return run_once(tx_conn, sql, params, cb, cls);
	struct conn *c = acquire(db);
	if (!c)
		return BST_QS_HARD_ERROR;
	enum bst_qs qs = BST_QS_SOFT_ERROR;
	for (int attempt = 0; attempt < TXN_RETRIES && qs == BST_QS_SOFT_ERROR; attempt++)
		qs = run_once(c, sql, params, cb, cls);
	release(db, c);
	return qs;
}

int bst_db_checkpoint(bst_db *db)
{
	struct conn *c = acquire(db);
	if (!c)
		return -1;
	int rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc != SQLITE_OK)
		bst_log_warn("store: cannot checkpoint %s: %s", db->path, sqlite3_errmsg(c->h));
	release(db, c);
	return rc == SQLITE_OK ? 0 : -1;
}

bool bst_db_in_transaction(const bst_db *db)
{
	return tx_db == db;
}

int64_t bst_db_changes(void)
{
	return last_changes;
}

int64_t bst_db_last_id(void)
{
	return last_id;
}

enum bst_qs bst_db_transaction(bst_db *db, bst_txn_fn fn, void *cls)
{
	if (tx_read_only) {
		bst_log_error(
		    "store: a write transaction on %s inside a read-only snapshot",
		    db->path);
		return BST_QS_HARD_ERROR;
	}
	assert(tx_db == NULL || !"nested transaction");
	struct conn *c = acquire(db);
	if (!c)
		return BST_QS_HARD_ERROR;
	enum bst_qs qs = BST_QS_SOFT_ERROR;
	for (int attempt = 0; attempt < TXN_RETRIES && qs == BST_QS_SOFT_ERROR; attempt++) {
		int rc = sqlite3_exec(c->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			qs = status_of(rc);
			continue;
		}
		tx_db = db;
		tx_conn = c;
		qs = fn(db, cls);
		tx_db = NULL;
		tx_conn = NULL;
		if (qs < 0) {
			sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
			continue;
		}
		rc = sqlite3_exec(c->h, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
			qs = status_of(rc);
		}
	}
	if (qs == BST_QS_SOFT_ERROR)
		bst_log_warn("store: transaction on %s kept conflicting", db->path);
	release(db, c);
	return qs;
}

enum bst_qs bst_db_snapshot(bst_db *db, bst_txn_fn fn, void *cls)
{
	if (tx_db == db)
		return fn(db, cls);
	assert(tx_db == NULL || !"a snapshot inside another database's transaction");
	struct conn *c = acquire(db);
	if (!c)
		return BST_QS_HARD_ERROR;
	/* deferred: the read lock is taken by the first statement and kept */
	int rc = sqlite3_exec(c->h, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		release(db, c);
		return status_of(rc);
	}
	tx_db = db;
	tx_conn = c;
	tx_read_only = true;
	enum bst_qs qs = fn(db, cls);
	tx_db = NULL;
	tx_conn = NULL;
	tx_read_only = false;
	/* nothing was written: ending the transaction only drops the lock */
	if (sqlite3_exec(c->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
	release(db, c);
	return qs;
}

const char *bst_row_text(const bst_row *r, int col)
{
	return (const char *)sqlite3_column_text(r->stmt, col);
}

enum bst_col_type bst_row_type(const bst_row *r, int col)
{
	switch (sqlite3_column_type(r->stmt, col)) {
	case SQLITE_INTEGER: return BST_COL_INT;
	case SQLITE_FLOAT: return BST_COL_REAL;
	case SQLITE_TEXT: return BST_COL_TEXT;
	case SQLITE_BLOB: return BST_COL_BLOB;
	default: return BST_COL_NULL;
	}
}

double bst_row_real(const bst_row *r, int col)
{
	return sqlite3_column_double(r->stmt, col);
}

const void *bst_row_blob(const bst_row *r, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(r->stmt, col);
	*len = (size_t)sqlite3_column_bytes(r->stmt, col);
	return p;
}

int64_t bst_row_int(const bst_row *r, int col)
{
	return sqlite3_column_int64(r->stmt, col);
}

bool bst_row_is_null(const bst_row *r, int col)
{
	return sqlite3_column_type(r->stmt, col) == SQLITE_NULL;
}

/* Runs a script of several statements (migrations). Inside a transaction
 * on this thread it joins it; otherwise it runs on a pooled connection. */
int bst_db_exec_script(bst_db *db, const char *script, char *err, size_t errlen)
{
	bool joined = tx_db == db;
	struct conn *c = joined ? tx_conn : acquire(db);
	if (!c) {
		snprintf(err, errlen, "cannot open %s", db->path);
		return -1;
	}
	char *msg = NULL;
	int rc = sqlite3_exec(c->h, script, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	if (!joined)
		release(db, c);
	return rc == SQLITE_OK ? 0 : -1;
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
	/* Memory statistics take a global mutex on every allocation: with
	 * several server threads it is the most contended lock of all. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

int bst_db_open(const char *path, enum bst_db_kind kind, bst_db **out, char *err,
		size_t errlen)
{
	*out = NULL;
	pthread_once(&sqlite_once, sqlite_setup);
	bst_db *db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	db->kind = kind;
	db->serial = atomic_fetch_add(&next_serial, 1);
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->freed, NULL);
	struct conn *c = acquire(db);
	if (!c) {
		snprintf(err, errlen, "cannot open database %s", path);
		bst_db_close(db);
		return -1;
	}
	release(db, c);
	if (bst_migrate(db, kind, err, errlen) != 0) {
		bst_db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

void bst_db_close(bst_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < THREAD_CACHE; i++)
		if (parked[i].serial == db->serial)
			parked[i].serial = 0;
	for (unsigned i = 0; i < db->n_conns; i++)
		conn_close(db->all[i]);
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->freed);
	free(db->path);
	free(db);
}

void bst_db_watch_init(struct bst_db_watch *w)
{
	memset(w->sig, 0, sizeof w->sig);
	w->checked_ms = 0;
	atomic_store(&w->looked_ms, INT64_MIN / 2);
	pthread_mutex_init(&w->lock, NULL);
}

void bst_db_watch_destroy(struct bst_db_watch *w)
{
	pthread_mutex_destroy(&w->lock);
}

void bst_db_watch_reset(struct bst_db_watch *w)
{
	pthread_mutex_lock(&w->lock);
	memset(w->sig, 0, sizeof w->sig);
	w->checked_ms = 0;
	atomic_store(&w->looked_ms, INT64_MIN / 2);
	pthread_mutex_unlock(&w->lock);
}

static void file_signature(const char *path, int64_t sig[6])
{
	struct stat st;
	char wal[600];
	memset(sig, 0, 6 * sizeof *sig);
	if (stat(path, &st) == 0) {
		sig[0] = (int64_t)st.st_size;
		sig[1] = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
	snprintf(wal, sizeof wal, "%s-wal", path);
	int fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0) {
		sig[2] = (int64_t)st.st_size;
		sig[3] = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
	/* salts and checkpoint sequence: they change when the WAL restarts */
	unsigned char hdr[32];
	if (pread(fd, hdr, sizeof hdr, 0) == (ssize_t)sizeof hdr) {
		memcpy(&sig[4], hdr + 8, 8);
		memcpy(&sig[5], hdr + 16, 8);
	}
	close(fd);
}

bool bst_db_maybe_changed(bst_db *db, struct bst_db_watch *w, int64_t now_ms)
{
	int64_t looked = atomic_load_explicit(&w->looked_ms, memory_order_acquire);
	if (now_ms - looked < BST_DB_WATCH_MIN_MS && now_ms >= looked)
		return false;
	if (pthread_mutex_trylock(&w->lock) != 0)
		return false; /* another thread is looking right now */
	int64_t sig[6];
	file_signature(db->path, sig);
	bool changed = memcmp(sig, w->sig, sizeof sig) != 0 ||
		       now_ms - w->checked_ms >= BST_DB_WATCH_MAX_MS || now_ms < w->checked_ms;
	if (changed) {
		memcpy(w->sig, sig, sizeof sig);
		w->checked_ms = now_ms;
	}
	atomic_store_explicit(&w->looked_ms, now_ms, memory_order_release);
	pthread_mutex_unlock(&w->lock);
	return changed;
}
