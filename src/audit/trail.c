/* Appending to the chain (see trail.h). */
#include "audit/trail.h"
#include "core/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* How often an append starts again after finding its seq taken by another
 * process; each retry reads the new head, so two suffice unless writers
 * keep racing. */
#define APPEND_RETRIES 16

/* Serialises this process's plain (non-transaction) appends: without it two
 * threads would both read the same head and one would have to retry. */
static pthread_mutex_t plain_lock = PTHREAD_MUTEX_INITIALIZER;

struct batch {
	struct bst_trail_entry *const *e;
	size_t n;
};

struct adopt {
	uint8_t prev[BST_TRAIL_HASH_BYTES];
	bst_buf scratch;
	int64_t *seqs;
	char (*hashes)[BST_TRAIL_HASH_HEX];
	size_t n, cap;
	bool oom;
};

static int adopt_row(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	struct adopt *a = cls;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 256;
		int64_t *s = realloc(a->seqs, cap * sizeof *s);
		if (s)
			a->seqs = s;
		char(*h)[BST_TRAIL_HASH_HEX] = realloc(a->hashes, cap * sizeof *h);
		if (h)
			a->hashes = h;
		if (!s || !h) {
			a->oom = true;
			return 1;
		}
		a->cap = cap;
	}
	(void)hash;
	if (bst_trail_hash(a->prev, e, &a->scratch, a->prev, a->hashes[a->n]) != 0) {
		a->oom = true;
		return 1;
	}
	a->seqs[a->n++] = e->seq;
	return 0;
}

/* Chains the rows migration 0002 carried over from the events table: they
 * are the first entries, and none is chained before all are. */
static enum bst_qs adopt_legacy(bst_db *db)
{
	struct adopt a = {0};
	bst_buf_init(&a.scratch);
	enum bst_qs qs = bst_q_trail_each(db, 0, adopt_row, &a);
	for (size_t i = 0; qs >= 0 && !a.oom && i < a.n; i++)
		qs = bst_q_trail_set_hash(db, a.seqs[i], a.hashes[i]);
	if (a.oom)
		qs = BST_QS_HARD_ERROR;
	if (qs >= 0)
		bst_log_info(
		    "audit: chained %zu entries recorded before the trail existed", a.n);
	bst_buf_free(&a.scratch);
	free(a.seqs);
	free(a.hashes);
	return qs;
}

static enum bst_qs append_run(bst_db *db, void *cls)
{
	struct batch *b = cls;
	int64_t seq;
	char hex[BST_TRAIL_HASH_HEX];
	enum bst_qs qs = bst_q_trail_head(db, &seq, hex);
	if (qs >= 0 && seq > 0 && !hex[0]) {
		qs = adopt_legacy(db);
		if (qs >= 0)
			qs = bst_q_trail_head(db, &seq, hex);
	}
	if (qs < 0)
		return qs;
	uint8_t prev[BST_TRAIL_HASH_BYTES] = {0};
	if (seq > 0 && bst_trail_hash_parse(hex, prev) != 0) {
		bst_log_error("audit: the hash of entry %lld of %s is malformed",
			      (long long)seq, bst_db_path(db));
		return BST_QS_HARD_ERROR;
	}
	bst_buf scratch;
	bst_buf_init(&scratch);
	for (size_t i = 0; i < b->n && qs >= 0; i++) {
		struct bst_trail_entry *e = b->e[i];
		e->seq = ++seq;
		if (bst_trail_hash(prev, e, &scratch, prev, hex) != 0) {
			qs = BST_QS_HARD_ERROR;
			break;
		}
		qs = bst_q_trail_insert(db, e, hex);
		if (qs == BST_QS_NO_RESULTS)
			qs = BST_QS_SOFT_ERROR; /* seq taken: start again from the head */
	}
	bst_buf_free(&scratch);
	return qs < 0 ? qs : BST_QS_ONE_RESULT;
}

int bst_trail_append(bst_db *db, struct bst_trail_entry *const *entries, size_t n)
{
	struct batch b = {entries, n};
	enum bst_qs qs;
	if (n > 1 && !bst_db_in_transaction(db)) {
		qs = bst_db_transaction(db, append_run, &b);
	} else {
		/* one entry, or inside a transaction of the caller's: autocommit */
		pthread_mutex_lock(&plain_lock);
		qs = BST_QS_SOFT_ERROR;
		for (int i = 0; i < APPEND_RETRIES && qs == BST_QS_SOFT_ERROR; i++)
			qs = append_run(db, &b);
		pthread_mutex_unlock(&plain_lock);
	}
	if (qs < 0) {
		bst_log_error("audit: %zu entries NOT RECORDED in %s", n,
			      bst_db_path(db));
		return -1;
	}
	return 0;
}
