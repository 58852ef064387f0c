/* Retention of the trail (see retention.h). */
#include "audit/retention.h"
#include "audit/writer.h"
#include "core/clock.h"
#include "core/log.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)

/* One batch: the run of entries from the start of the chain, at most
 * limit, that are all older than cutoff. */
struct batch {
	int64_t cutoff;
	int limit, n;
	int64_t last;
	char hash[BST_TRAIL_HASH_HEX];
	const char *slug;
	const struct bst_audit_key *k;
	int64_t now;
};

static int take(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	struct batch *b = cls;
	/* a row not chained yet (carried over by 0002) is never cut */
	if (e->at_ms >= b->cutoff || !hash[0])
		return 1;
	b->last = e->seq;
	snprintf(b->hash, sizeof b->hash, "%s", hash);
	return ++b->n >= b->limit;
}

static enum bst_qs purge_batch(bst_db *db, void *cls)
{
	struct batch *b = cls;
	b->n = 0;
	b->last = 0;
	enum bst_qs qs = bst_q_trail_each(db, 0, take, b);
	if (qs < 0 || b->n == 0)
		return qs < 0 ? qs : BST_QS_NO_RESULTS;
	qs = bst_checkpoint_sign(db, b->slug, b->k, "truncation", b->last, b->hash, b->now);
	if (qs >= 0)
		qs = bst_q_trail_purge(db, b->last);
	return qs < 0 ? qs : BST_QS_ONE_RESULT;
}

/* The purge, as an entry of the chain it cut. */
static void record(bst_db *db, const char *slug, const struct bst_audit_purge_report *r,
		   int64_t cutoff, unsigned days, int64_t now)
{
	char before[40];
	bst_time_format_iso(cutoff, before, sizeof before);
	json_t *d = json_pack("{sIsIsssI}", "deleted", (json_int_t)r->deleted, "through",
			      (json_int_t)r->through, "before", before, "retention_days",
			      (json_int_t)days);
	char *text = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(d);
	struct bst_trail_entry e = {
	    .at_ms = now,
	    .kind = BST_TRAIL_EVENT,
	    .actor = "scheduler",
	    .client_addr = "scheduler",
	    .event = "audit.purge",
	    .target = "trail",
	    .details = text ? text : "{}",
	};
	struct bst_trail_entry *ep = &e;
	if (bst_trail_append(db, &ep, 1) != 0)
		bst_log_error("audit: SECURITY EVENT NOT RECORDED on platform %s: audit.purge",
			      slug);
	else
		bst_audit_writer_note(slug);
	free(text);
}

int bst_audit_purge(bst_db *db, const char *slug, const struct bst_audit_key *k,
		    unsigned retention_days, int64_t now_ms, int batch,
		    struct bst_audit_purge_report *out)
{
	memset(out, 0, sizeof *out);
	if (retention_days < BST_AUDIT_RETENTION_MIN_DAYS)
		retention_days = BST_AUDIT_RETENTION_MIN_DAYS; /* config.c refuses less */
	struct batch b = {
	    .cutoff = now_ms - (int64_t)retention_days * DAY_MS,
	    .limit = batch > 0 ? batch : BST_AUDIT_PURGE_BATCH,
	    .slug = slug,
	    .k = k,
	    .now = now_ms,
	};
	int rc = 0;
	for (;;) {
		enum bst_qs qs = bst_db_transaction(db, purge_batch, &b);
		if (qs < 0) {
			bst_log_error("audit: the retention purge of platform %s failed after "
				      "%lld entries",
				      slug, (long long)out->deleted);
			rc = -1;
			break;
		}
		if (qs == BST_QS_NO_RESULTS)
			break;
		out->deleted += b.n;
		out->through = b.last;
		out->batches++;
		if (b.n < b.limit)
			break;
	}
	if (out->deleted) {
		bst_log_info("audit: platform %s: %lld entries older than %u days purged, "
			     "through entry %lld",
			     slug, (long long)out->deleted, retention_days,
			     (long long)out->through);
		record(db, slug, out, b.cutoff, retention_days, now_ms);
	}
	return rc;
}

struct platforms {
	struct bst_platform **p;
	size_t n, cap;
};

static void collect(struct bst_platform *p, void *cls)
{
	struct platforms *l = cls;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct bst_platform **n = realloc(l->p, cap * sizeof *n);
		if (!n)
			return;
		l->p = n;
		l->cap = cap;
	}
	l->p[l->n++] = p;
}

void bst_audit_retention_run(struct bst_install *in, bst_registry *reg,
			     const struct bst_config *cfg, int64_t now_ms)
{
	struct bst_audit_key k;
	int created = 0;
	char err[600];
	if (bst_audit_key_ensure(in->dir, &k, &created, err, sizeof err) != 0) {
		bst_log_error("audit: no retention purge: %s", err);
		return;
	}
	struct platforms l = {0};
	/* platforms stay valid until the registry is freed (platform.h) */
	bst_registry_each(reg, collect, &l);
	for (size_t i = 0; i < l.n; i++) {
		struct bst_audit_purge_report r;
		bst_audit_purge(l.p[i]->audit, l.p[i]->slug, &k, cfg->audit_retention_days,
				now_ms, 0, &r);
	}
	free(l.p);
	sodium_memzero(&k, sizeof k);
}
