/* Trail queries (see q_audit.h). */
#include "db/q_audit.h"
#include "db/q_internal.h"
#include "core/crypto.h"

#include <sodium.h>

#include <stdio.h>
#include <string.h>

/* Since audit/0005 a row names its user agent in agents (ua_id) and
 * keeps its hash as bytes (hash_bin); older rows keep both as text. */
#define TRAIL_COLS                                                                       \
	"seq, at_ms, kind, user_id, actor, session_ref, client_addr, method, path, "     \
	"status, bytes, duration_ms,"                                                    \
	" coalesce((SELECT ua FROM agents WHERE id = ua_id), user_agent), event, target,"  \
	" details, coalesce(hash_bin, hash)"
#define INSERT_COLS                                                                      \
	"seq, at_ms, kind, user_id, actor, session_ref, client_addr, method, path, "     \
	"status, bytes, duration_ms, ua_id, event, target, details, hash_bin"

#define HASH_BYTES 32

/* A hash column (hex text before audit/0005, bytes since) as hex; "" when
 * NULL or not a hash. out holds 65 bytes. */
static void hash_hex(const bst_row *r, int col, char out[2 * HASH_BYTES + 1])
{
	out[0] = '\0';
	if (bst_row_type(r, col) == BST_COL_BLOB) {
		size_t len = 0;
		const void *b = bst_row_blob(r, col, &len);
		if (b && len == HASH_BYTES)
			bst_hex(b, len, out);
		else if (len)
			snprintf(out, 2 * HASH_BYTES + 1, "?"); /* matches no hash */
	} else {
		const char *t = bst_row_text(r, col);
		snprintf(out, 2 * HASH_BYTES + 1, "%s", t ? t : "");
	}
}

/* Hex back to the 32 bytes stored: 0, or -1 when hex is no hash. */
static int hash_bytes(const char *hex, uint8_t out[HASH_BYTES])
{
	size_t len = 0;
	return hex && strlen(hex) == 2 * HASH_BYTES &&
			   sodium_hex2bin(out, HASH_BYTES, hex, 2 * HASH_BYTES, NULL, &len,
					  NULL) == 0 &&
			   len == HASH_BYTES
		   ? 0
		   : -1;
}

static const char *text_or_empty(const bst_row *r, int col)
{
	const char *s = bst_row_text(r, col);
	return s ? s : "";
}

struct each {
	bst_trail_fn fn;
	void *cls;
};

static int each_row(void *cls, const bst_row *r)
{
	struct each *e = cls;
	struct bst_trail_entry t = {
	    .seq = bst_row_int(r, 0),
	    .at_ms = bst_row_int(r, 1),
	    .kind = bst_row_int(r, 2),
	    .user_id = bst_row_int(r, 3),
	    .actor = text_or_empty(r, 4),
	    .session_ref = text_or_empty(r, 5),
	    .client_addr = text_or_empty(r, 6),
	    .method = text_or_empty(r, 7),
	    .path = text_or_empty(r, 8),
	    .status = bst_row_int(r, 9),
	    .bytes = bst_row_int(r, 10),
	    .duration_ms = bst_row_int(r, 11),
	    .user_agent = text_or_empty(r, 12),
	    .event = text_or_empty(r, 13),
	    .target = text_or_empty(r, 14),
	    .details = text_or_empty(r, 15),
	};
	char hash[2 * HASH_BYTES + 1];
	hash_hex(r, 16, hash);
	return e->fn(e->cls, &t, hash);
}

struct head {
	int64_t *seq;
	char *hash;
};

static int head_row(void *cls, const bst_row *r)
{
	struct head *h = cls;
	*h->seq = bst_row_int(r, 0);
	hash_hex(r, 1, h->hash);
	return 1;
}

enum bst_qs bst_q_trail_head(bst_db *db, int64_t *seq, char hash[65])
{
	*seq = 0;
	hash[0] = '\0';
	struct head h = {seq, hash};
	enum bst_qs qs =
	    bst_db_exec(db,
			"SELECT seq, coalesce(hash_bin, hash) FROM trail ORDER BY seq DESC LIMIT 1",
			(struct bst_qp[]){BST_QP_END}, head_row, &h);
	if (qs != BST_QS_NO_RESULTS)
		return qs;
	/* every entry purged: the chain goes on from the last truncation */
	return bst_db_exec(db,
			   "SELECT seq, hash FROM checkpoints WHERE kind = 'truncation'"
			   " ORDER BY seq DESC LIMIT 1",
			   (struct bst_qp[]){BST_QP_END}, head_row, &h);
}

enum bst_qs bst_q_trail_get(bst_db *db, int64_t seq, bst_trail_fn fn, void *cls)
{
	struct each e = {fn, cls};
	return bst_db_exec(db, "SELECT " TRAIL_COLS " FROM trail WHERE seq = $1",
			   (struct bst_qp[]){BST_QP_INT(seq), BST_QP_END}, each_row, &e);
}

enum bst_qs bst_q_trail_signins(bst_db *db, const char *email, int limit, bst_trail_fn fn,
				void *cls)
{
	struct each e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT " TRAIL_COLS " FROM trail INDEXED BY trail_target"
	    " WHERE kind = 1 AND target = $1 AND event IN ('auth.login.success',"
	    " 'auth.login.failure', 'auth.mfa.success', 'auth.mfa.failure')"
	    " ORDER BY seq DESC LIMIT $2",
	    (struct bst_qp[]){BST_QP_TEXT(email), BST_QP_INT(limit), BST_QP_END}, each_row,
	    &e);
}

enum bst_qs bst_q_trail_insert(bst_db *db, const struct bst_trail_entry *e,
			       const char *hash)
{
	uint8_t h[HASH_BYTES];
	if (hash_bytes(hash, h) != 0)
		return BST_QS_HARD_ERROR;
	const char *ua = e->user_agent ? e->user_agent : "";
	if (ua[0]) {
		enum bst_qs qs = bst_db_exec(
		    db, "INSERT INTO agents (ua) VALUES ($1) ON CONFLICT (ua) DO NOTHING",
		    (struct bst_qp[]){BST_QP_TEXT(ua), BST_QP_END}, NULL, NULL);
		if (qs < 0)
			return qs;
	}
	return bst_db_exec(
	    db,
	    "INSERT INTO trail (" INSERT_COLS
	    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
	    " (SELECT id FROM agents WHERE ua = $13), $14, $15, $16, $17)"
	    " ON CONFLICT (seq) DO NOTHING",
	    (struct bst_qp[]){
		BST_QP_INT(e->seq), BST_QP_INT(e->at_ms), BST_QP_INT(e->kind),
		e->user_id ? BST_QP_INT(e->user_id) : BST_QP_NULL,
		BST_QP_TEXT(e->actor ? e->actor : ""),
		BST_QP_TEXT(e->session_ref ? e->session_ref : ""),
		BST_QP_TEXT(e->client_addr ? e->client_addr : ""),
		BST_QP_TEXT(e->method ? e->method : ""),
		BST_QP_TEXT(e->path ? e->path : ""), BST_QP_INT(e->status),
		BST_QP_INT(e->bytes), BST_QP_INT(e->duration_ms), BST_QP_TEXT(ua),
		BST_QP_TEXT(e->event ? e->event : ""),
		BST_QP_TEXT(e->target ? e->target : ""),
		BST_QP_TEXT(e->details ? e->details : ""), BST_QP_BLOB(h, sizeof h),
		BST_QP_END},
	    NULL, NULL);
}

/* A malformed hash (a test's) is stored as given, as text, so that
 * verification finds it wrong rather than the store refusing it. */
enum bst_qs bst_q_trail_set_hash(bst_db *db, int64_t seq, const char *hash)
{
	uint8_t h[HASH_BYTES];
	if (hash_bytes(hash, h) != 0)
		return bst_db_exec(db, "UPDATE trail SET hash = $2, hash_bin = NULL WHERE seq = $1",
				   (struct bst_qp[]){BST_QP_INT(seq), BST_QP_TEXT(hash), BST_QP_END},
				   NULL, NULL);
	return bst_db_exec(
	    db, "UPDATE trail SET hash = NULL, hash_bin = $2 WHERE seq = $1",
	    (struct bst_qp[]){BST_QP_INT(seq), BST_QP_BLOB(h, sizeof h), BST_QP_END}, NULL,
	    NULL);
}

enum bst_qs bst_q_trail_each(bst_db *db, int64_t from_seq, bst_trail_fn fn, void *cls)
{
	struct each e = {fn, cls};
	return bst_db_exec(
	    db, "SELECT " TRAIL_COLS " FROM trail WHERE seq >= $1 ORDER BY seq",
	    (struct bst_qp[]){BST_QP_INT(from_seq), BST_QP_END}, each_row, &e);
}

static int one_int(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

enum bst_qs bst_q_trail_first_at(bst_db *db, int64_t at_ms, int64_t *seq)
{
	*seq = 0;
	return bst_db_exec(db, "SELECT min(seq) FROM trail WHERE at_ms >= $1",
			   (struct bst_qp[]){BST_QP_INT(at_ms), BST_QP_END}, one_int,
			   seq);
}

enum bst_qs bst_q_trail_count(bst_db *db, int64_t *n)
{
	*n = 0;
	return bst_db_exec(db, "SELECT count(*) FROM trail",
			   (struct bst_qp[]){BST_QP_END}, one_int, n);
}

/* One statement per leading filter, so that each uses its own index; the
 * other filters are checked on the rows that index yields. */
#define LIST_WHERE " ($1 = 0 OR user_id = $1) AND" LIST_WHERE_NO_USER
#define LIST_WHERE_NO_USER                                                               \
	" ($2 IS NULL OR client_addr = $2)"                                              \
	" AND ($3 IS NULL OR (kind = 0 AND path >= $3 AND path < $4))"                   \
	" AND ($5 IS NULL OR (kind = 1 AND event >= $5 AND event < $6))"                 \
	" AND ($7 = 0 OR (kind = 0 AND status >= $7 * 100 AND status < $7 * 100 + 100))" \
	" AND ($8 = 0 OR at_ms >= $8) AND ($9 = 0 OR at_ms < $9) AND ($10 = 0 OR seq < " \
	"$10)"

/* The smallest string above every string that starts with prefix: prefix
 * with its last byte incremented (bytes 0xff dropped first). "" when none. */
static void prefix_end(const char *prefix, char *out, size_t outlen)
{
	size_t n = strlen(prefix);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, prefix, n);
	while (n > 0 && (unsigned char)out[n - 1] == 0xff)
		n--;
	if (n > 0)
		out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
	out[n] = '\0';
}

enum bst_qs bst_q_trail_list(bst_db *db, const struct bst_trail_filter *f,
			     bst_trail_fn fn, void *cls)
{
	struct each e = {fn, cls};
	char path_end[1024], event_end[256];
	if ((f->path_prefix && strlen(f->path_prefix) >= sizeof path_end) ||
	    (f->event_prefix && strlen(f->event_prefix) >= sizeof event_end))
		return BST_QS_NO_RESULTS; /* longer than anything stored */
	if (f->path_prefix)
		prefix_end(f->path_prefix, path_end, sizeof path_end);
	if (f->event_prefix)
		prefix_end(f->event_prefix, event_end, sizeof event_end);
	/* the statement by date orders by at_ms: its cursor is ($13, $14) */
	bool dated = !f->user_id && !f->client_addr && (f->from_ms || f->to_ms);
	/* an empty upper bound ("" when the prefix is all 0xff) means no bound */
	const struct bst_qp p[] = {
	    BST_QP_INT(f->user_id),
	    BST_QP_TEXT(f->client_addr),
	    BST_QP_TEXT(f->path_prefix),
	    BST_QP_TEXT(f->path_prefix && path_end[0] ? path_end : "\xff\xff\xff\xff"),
	    BST_QP_TEXT(f->event_prefix),
	    BST_QP_TEXT(f->event_prefix && event_end[0] ? event_end : "\xff\xff\xff\xff"),
	    BST_QP_INT(f->status_class),
	    BST_QP_INT(f->from_ms),
	    BST_QP_INT(f->to_ms),
	    BST_QP_INT(dated ? 0 : f->before),
	    BST_QP_INT(f->limit > 0 ? f->limit : 50),
	    BST_QP_TEXT(f->target),
	    BST_QP_INT(dated ? f->before : 0),
	    BST_QP_INT(f->before_at_ms),
	    BST_QP_END,
	};
	if (f->user_id && f->target)
		/* what the user did, and the events about them that another
		 * actor made (a refused sign-in is anonymous): each half newest
		 * first through its own index, then merged */
		return bst_db_exec(
		    db,
		    "SELECT * FROM (SELECT " TRAIL_COLS " FROM trail INDEXED BY trail_user"
		    " WHERE user_id = $1 AND" LIST_WHERE " ORDER BY seq DESC LIMIT $11)"
		    " UNION ALL SELECT * FROM (SELECT " TRAIL_COLS
		    " FROM trail INDEXED BY trail_target WHERE kind = 1 AND target = $12"
		    " AND user_id IS NOT $1 AND" LIST_WHERE_NO_USER
		    " ORDER BY seq DESC LIMIT $11) ORDER BY seq DESC LIMIT $11",
		    p, each_row, &e);
	if (f->user_id)
		return bst_db_exec(
		    db,
		    "SELECT " TRAIL_COLS " FROM trail INDEXED BY trail_user WHERE"
		    " user_id = $1 AND" LIST_WHERE " ORDER BY seq DESC LIMIT $11",
		    p, each_row, &e);
	if (f->client_addr)
		return bst_db_exec(
		    db,
		    "SELECT " TRAIL_COLS " FROM trail INDEXED BY trail_addr WHERE"
		    " client_addr = $2 AND" LIST_WHERE " ORDER BY seq DESC LIMIT $11",
		    p, each_row, &e);
	if (f->from_ms || f->to_ms)
		return bst_db_exec(db,
				   "SELECT " TRAIL_COLS
				   " FROM trail INDEXED BY trail_at WHERE at_ms >= $8"
				   /* both ends bound the index scan (a bare "$9 = 0 OR"
				    * does not): newest first from the range's end, or
				    * from the cursor's time */
				   " AND at_ms < (CASE WHEN $13 <> 0 AND ($9 = 0 OR $14 < $9)"
				   " THEN $14 + 1 WHEN $9 = 0 THEN 9223372036854775807 ELSE $9 END)"
				   " AND" LIST_WHERE
				   " AND ($13 = 0 OR at_ms < $14 OR (at_ms = $14 AND seq < $13))"
				   " ORDER BY at_ms DESC, seq DESC LIMIT $11",
				   p, each_row, &e);
	return bst_db_exec(db,
			   "SELECT " TRAIL_COLS " FROM trail WHERE" LIST_WHERE
			   " ORDER BY seq DESC LIMIT $11",
			   p, each_row, &e);
}

struct oldest {
	int64_t *seq, *at_ms;
};

static int oldest_row(void *cls, const bst_row *r)
{
	struct oldest *o = cls;
	*o->seq = bst_row_int(r, 0);
	*o->at_ms = bst_row_int(r, 1);
	return 1;
}

enum bst_qs bst_q_trail_oldest(bst_db *db, int64_t *seq, int64_t *at_ms)
{
	*seq = *at_ms = 0;
	struct oldest o = {seq, at_ms};
	return bst_db_exec(db, "SELECT seq, at_ms FROM trail ORDER BY seq LIMIT 1",
			   (struct bst_qp[]){BST_QP_END}, oldest_row, &o);
}

enum bst_qs bst_q_trail_purge(bst_db *db, int64_t up_to)
{
	enum bst_qs qs = bst_db_exec(db, "DELETE FROM trail WHERE seq <= $1",
				     (struct bst_qp[]){BST_QP_INT(up_to), BST_QP_END}, NULL, NULL);
	if (qs < 0)
		return qs;
	/* the checkpoints of purged entries vouch for nothing left; the
	 * truncation checkpoint of up_to itself stays */
	return bst_db_exec(db, "DELETE FROM checkpoints WHERE seq < $1",
			   (struct bst_qp[]){BST_QP_INT(up_to), BST_QP_END}, NULL, NULL);
}

enum bst_qs bst_q_checkpoint_insert(bst_db *db, const struct bst_checkpoint_row *c)
{
	return bst_db_exec(
	    db,
	    "INSERT INTO checkpoints (seq, hash, at_ms, kind, key_id, signature)"
	    " VALUES ($1, $2, $3, $4, $5, $6)",
	    (struct bst_qp[]){BST_QP_INT(c->seq), BST_QP_TEXT(c->hash),
			      BST_QP_INT(c->at_ms), BST_QP_TEXT(c->kind),
			      BST_QP_TEXT(c->key_id), BST_QP_TEXT(c->signature),
			      BST_QP_END},
	    NULL, NULL);
}

struct each_cp {
	int (*fn)(void *, const struct bst_checkpoint_row *);
	void *cls;
};

static int checkpoint_row(void *cls, const bst_row *r)
{
	struct each_cp *e = cls;
	struct bst_checkpoint_row c = {
	    .id = bst_row_int(r, 0),
	    .seq = bst_row_int(r, 1),
	    .hash = text_or_empty(r, 2),
	    .at_ms = bst_row_int(r, 3),
	    .kind = text_or_empty(r, 4),
	    .key_id = text_or_empty(r, 5),
	    .signature = text_or_empty(r, 6),
	};
	return e->fn(e->cls, &c);
}

enum bst_qs
bst_q_checkpoint_each(bst_db *db,
		      int (*fn)(void *cls, const struct bst_checkpoint_row *c), void *cls)
{
	struct each_cp e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT id, seq, hash, at_ms, kind, key_id, signature FROM checkpoints"
	    " ORDER BY seq, id",
	    (struct bst_qp[]){BST_QP_END}, checkpoint_row, &e);
}

enum bst_qs bst_q_checkpoint_last_seq(bst_db *db, int64_t *seq)
{
	*seq = 0;
	return bst_db_exec(db, "SELECT coalesce(max(seq), 0) FROM checkpoints",
			   (struct bst_qp[]){BST_QP_END}, one_int, seq);
}

enum bst_qs bst_q_spill_seen(bst_db *db, const uint8_t id[16], int *seen)
{
	int64_t n = 0;
	enum bst_qs qs = bst_db_exec(db, "SELECT count(*) FROM spills WHERE id = $1",
				     (struct bst_qp[]){BST_QP_BLOB(id, 16), BST_QP_END}, one_int,
				     &n);
	*seen = n > 0;
	return qs;
}

enum bst_qs bst_q_spill_done(bst_db *db, const uint8_t id[16], int64_t n, int64_t at_ms)
{
	return bst_db_exec(db, "INSERT INTO spills (id, entries, at_ms) VALUES ($1, $2, $3)",
			   (struct bst_qp[]){BST_QP_BLOB(id, 16), BST_QP_INT(n),
					     BST_QP_INT(at_ms), BST_QP_END},
			   NULL, NULL);
}
