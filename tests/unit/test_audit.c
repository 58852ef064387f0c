/* Unit tests for the trail of src/audit/: the canonical encoding, the hash
 * chain through bst_trail_append, checkpoints and verification, and what an
 * access entry keeps of a request (scrubbing, cleaning, session reference). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/syslog.h"
#include "audit/access.h"
#include "audit/audit.h"
#include "audit/export.h"
#include "audit/filter.h"
#include "audit/retention.h"
#include "audit/spill.h"
#include "audit/trail.h"
#include "audit/verify.h"
#include "core/crypto.h"
#include "fixture.h"

#define NOW 1700000000000LL

static int setup(void **state)
{
	static struct bst_test_platform t;
	if (bst_crypto_init() != 0 || bst_test_platform_open(&t, "audit", NOW) != 0)
		return -1;
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	return bst_test_platform_close(*state);
}

static void test_encoding_frames_every_field_big_endian(void **state)
{
	struct bst_trail_entry e = {.seq = 258, .at_ms = 1, .actor = "ab"};
	bst_buf b;
	bst_buf_init(&b);
	assert_int_equal(bst_trail_encode(&e, &b), 0);
	/* magic, 4 integers, 5 texts, 3 integers, 4 texts; 2 bytes of text */
	assert_int_equal(b.len, 16 + 4 * 8 + 9 * 4 + 3 * 8 + 2);
	assert_memory_equal(b.data, BST_TRAIL_MAGIC, 16);
	assert_memory_equal(b.data + 16, "\0\0\0\0\0\0\x01\x02", 8); /* seq */
	assert_memory_equal(b.data + 48, "\0\0\0\x02" "ab", 6);     /* actor */
	bst_buf_free(&b);
}

static void test_encoding_tells_field_boundaries_apart(void **state)
{
	struct bst_trail_entry a = {.actor = "ab", .session_ref = ""};
	struct bst_trail_entry c = {.actor = "a", .session_ref = "b"};
	uint8_t zero[BST_TRAIL_HASH_BYTES] = {0}, ha[BST_TRAIL_HASH_BYTES],
		hc[BST_TRAIL_HASH_BYTES];
	bst_buf s;
	bst_buf_init(&s);
	assert_int_equal(bst_trail_hash(zero, &a, &s, ha, NULL), 0);
	assert_int_equal(bst_trail_hash(zero, &c, &s, hc, NULL), 0);
	assert_memory_not_equal(ha, hc, sizeof ha);
	bst_buf_free(&s);
}

static void test_hash_is_blake2b_of_previous_and_encoding(void **state)
{
	struct bst_trail_entry e = {.seq = 1, .at_ms = NOW, .path = "/"};
	uint8_t prev[BST_TRAIL_HASH_BYTES], got[BST_TRAIL_HASH_BYTES], want[BST_TRAIL_HASH_BYTES];
	memset(prev, 7, sizeof prev);
	bst_buf s, enc;
	bst_buf_init(&s);
	bst_buf_init(&enc);
	char hex[BST_TRAIL_HASH_HEX];
	assert_int_equal(bst_trail_hash(prev, &e, &s, got, hex), 0);
	bst_trail_encode(&e, &enc);
	uint8_t *msg = malloc(sizeof prev + enc.len);
	memcpy(msg, prev, sizeof prev);
	memcpy(msg + sizeof prev, enc.data, enc.len);
	crypto_generichash(want, sizeof want, msg, sizeof prev + enc.len, NULL, 0);
	free(msg);
	assert_memory_equal(got, want, sizeof got);
	uint8_t back[BST_TRAIL_HASH_BYTES];
	assert_int_equal(bst_trail_hash_parse(hex, back), 0);
	assert_memory_equal(back, got, sizeof got);
	assert_int_equal(bst_trail_hash_parse("zz", back), -1);
	bst_buf_free(&s);
	bst_buf_free(&enc);
}

static void append_access(bst_db *db, const char *path)
{
	struct bst_trail_entry e = {.at_ms = NOW, .kind = BST_TRAIL_ACCESS, .method = "GET",
				    .path = path, .status = 200, .client_addr = "192.0.2.1"};
	struct bst_trail_entry *ep = &e;
	assert_int_equal(bst_trail_append(db, &ep, 1), 0);
}

static void test_chain_verifies_and_names_a_rewritten_hash(void **state)
{
	struct bst_test_platform *t = *state;
	bst_db *db = t->p->audit;
	struct bst_ctx ctx = t->base;
	assert_int_equal(bst_audit_record(&ctx, "test.event", "x", NULL), 0);
	append_access(db, "/a");
	struct bst_trail_entry e2 = {.at_ms = NOW, .path = "/b"}, e3 = {.at_ms = NOW, .path = "/c"};
	struct bst_trail_entry *batch[] = {&e2, &e3};
	assert_int_equal(bst_trail_append(db, batch, 2), 0);
	assert_int_equal(e2.seq + 1, e3.seq);

	struct bst_audit_key k;
	int created;
	char err[256];
	assert_int_equal(bst_audit_key_ensure(t->dir, &k, &created, err, sizeof err), 0);
	assert_int_equal(created, 1);
	assert_int_equal(bst_checkpoint_write(db, "acme", &k, "shutdown", NOW), 0);
	uint8_t pk[BST_AUDIT_PK_BYTES];
	assert_int_equal(bst_audit_key_public(t->dir, pk, err, sizeof err), 0);
	assert_memory_equal(pk, k.pk, sizeof pk);

	struct bst_audit_verdict v;
	assert_int_equal(bst_audit_verify(db, "acme", pk, 0, &v), 0);
	assert_true(v.ok);
	assert_int_equal(v.entries, e3.seq);
	assert_int_equal(v.checkpoints, 1);
	/* rows written before audit/0005 (hash in hex, user agent inline)
	 * verify too, mixed with newer ones */
	assert_true(bst_db_exec(db,
				"UPDATE trail SET hash = lower(hex(hash_bin)), hash_bin = NULL,"
				" user_agent = coalesce((SELECT ua FROM agents WHERE id = ua_id),"
				" ''), ua_id = NULL WHERE seq <= 2",
				(struct bst_qp[]){BST_QP_END}, NULL, NULL) > 0);
	assert_int_equal(bst_audit_verify(db, "acme", pk, 0, &v), 0);
	assert_true(v.ok);
	assert_int_equal(v.entries, e3.seq);
	/* the same checkpoint does not vouch for another platform */
	assert_int_equal(bst_audit_verify(db, "other", pk, 0, &v), 0);
	assert_false(v.ok);

	assert_int_equal(bst_q_trail_set_hash(db, e2.seq, "00"), BST_QS_ONE_RESULT);
	assert_int_equal(bst_audit_verify(db, "acme", pk, 0, &v), 0);
	assert_false(v.ok);
	assert_int_equal(v.broken_seq, e2.seq);
	sodium_memzero(&k, sizeof k);
}

#define DAY (24LL * 3600 * 1000)

static void append_at(bst_db *db, int64_t at_ms, const char *path)
{
	struct bst_trail_entry e = {.at_ms = at_ms, .kind = BST_TRAIL_ACCESS, .method = "GET",
				    .path = path, .status = 200};
	struct bst_trail_entry *ep = &e;
	assert_int_equal(bst_trail_append(db, &ep, 1), 0);
}

static int64_t count(bst_db *db)
{
	int64_t n = 0;
	assert_true(bst_q_trail_count(db, &n) >= 0);
	return n;
}

static void test_purge_cuts_the_old_start_in_batches_and_still_verifies(void **state)
{
	struct bst_test_platform *t = *state;
	bst_db *db = t->p->audit;
	struct bst_audit_key k;
	int created;
	char err[256];
	assert_int_equal(bst_audit_key_ensure(t->dir, &k, &created, err, sizeof err), 0);
	/* 7 entries 400 days old, then 3 from yesterday */
	for (int i = 0; i < 7; i++)
		append_at(db, NOW - 400 * DAY, "/old");
	for (int i = 0; i < 3; i++)
		append_at(db, NOW - DAY, "/new");
	assert_int_equal(bst_checkpoint_write(db, "acme", &k, "periodic", NOW - DAY), 0);

	struct bst_audit_purge_report r;
	assert_int_equal(bst_audit_purge(db, "acme", &k, 365, NOW, 3, &r), 0);
	assert_int_equal(r.deleted, 7);
	assert_int_equal(r.through, 7);
	assert_int_equal(r.batches, 3); /* 3 + 3 + 1 */
	/* the 3 recent entries and the purge's own event remain */
	assert_int_equal(count(db), 4);
	uint8_t pk[BST_AUDIT_PK_BYTES];
	assert_int_equal(bst_audit_key_public(t->dir, pk, err, sizeof err), 0);
	struct bst_audit_verdict v;
	assert_int_equal(bst_audit_verify(db, "acme", pk, 0, &v), 0);
	assert_true(v.ok);
	assert_int_equal(v.entries, 4);

	/* nothing old left: nothing happens, nothing is recorded */
	assert_int_equal(bst_audit_purge(db, "acme", &k, 365, NOW, 3, &r), 0);
	assert_int_equal(r.deleted, 0);
	assert_int_equal(count(db), 4);

	/* a year later everything goes; the chain goes on from the truncation */
	assert_int_equal(bst_audit_purge(db, "acme", &k, 183, NOW + 400 * DAY, 0, &r), 0);
	assert_int_equal(r.deleted, 4);
	assert_int_equal(count(db), 1); /* the purge event */
	append_at(db, NOW + 400 * DAY, "/later");
	assert_int_equal(bst_audit_verify(db, "acme", pk, 0, &v), 0);
	assert_true(v.ok);
	assert_int_equal(v.entries, 2);

	/* deleting what remains at the start is still caught */
	assert_int_equal(bst_db_exec(db, "DELETE FROM trail WHERE seq = $1",
				     (struct bst_qp[]){BST_QP_INT(r.through + 1), BST_QP_END},
				     NULL, NULL),
			 1);
	assert_int_equal(bst_audit_verify(db, "acme", pk, 0, &v), 0);
	assert_false(v.ok);
	assert_int_equal(v.broken_seq, r.through + 1);
	sodium_memzero(&k, sizeof k);
}

static void check_cell(const char *in, const char *want)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_audit_csv_cell(&b, in);
	assert_string_equal(bst_buf_str(&b), want);
	bst_buf_free(&b);
}

static void test_csv_cell_neutralises_formulas_and_quotes(void **state)
{
	(void)state;
	check_cell("plain", "plain");
	check_cell("", "");
	check_cell(NULL, "");
	/* OWASP CSV injection: = + - @ tab CR start a formula */
	check_cell("=1+2", "'=1+2");
	check_cell("+1", "'+1");
	check_cell("-1", "'-1");
	check_cell("@SUM(A1)", "'@SUM(A1)");
	check_cell("\tx", "'\tx");
	check_cell("\rx", "\"'\rx\"");
	check_cell("a=b", "a=b"); /* only at the start */
	/* RFC 4180: commas, quotes and line breaks are quoted, quotes doubled */
	check_cell("a,b", "\"a,b\"");
	check_cell("say \"hi\"", "\"say \"\"hi\"\"\"");
	check_cell("two\nlines", "\"two\nlines\"");
	check_cell("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	check_cell("\"", "\"\"\"\"");
}

static void test_filter_parses_dates_status_and_cursor(void **state)
{
	(void)state;
	struct bst_audit_query q;
	struct bst_audit_filter_args a = {.user = "Alice@Example.org", .addr = "2001:db8::1",
					  .what = "auth.login", .status = "4xx",
					  .from = "2024-02-29", .to = "2024-03-01",
					  .cursor = "42.1709164800000"};
	assert_int_equal(bst_audit_filter_parse(&a, &q), BST_ALOG_OK);
	assert_string_equal(q.email, "alice@example.org");
	assert_string_equal(q.f.target, "alice@example.org");
	assert_string_equal(q.f.event_prefix, "auth.login");
	assert_null(q.f.path_prefix);
	assert_int_equal(q.f.status_class, 4);
	assert_int_equal(q.f.from_ms, 1709164800000LL); /* 2024-02-29T00:00:00Z */
	assert_int_equal(q.f.to_ms, 1709337600000LL);   /* 2024-03-02T00:00:00Z: the 1st included */
	assert_int_equal(q.f.before, 42);
	assert_int_equal(q.f.before_at_ms, 1709164800000LL);
	struct bst_audit_filter_args path = {.what = "/admin?x=1"};
	assert_int_equal(bst_audit_filter_parse(&path, &q), BST_ALOG_OK);
	assert_string_equal(q.f.path_prefix, "/admin?x=1");

	const struct {
		struct bst_audit_filter_args a;
		enum bst_alog_status want;
	} bad[] = {
	    {{.from = "2023-02-29"}, BST_ALOG_BAD_DATE},
	    {{.from = "2024-13-01"}, BST_ALOG_BAD_DATE},
	    {{.to = "24-01-01"}, BST_ALOG_BAD_DATE},
	    {{.to = "2024-01-01T00:00:00Z"}, BST_ALOG_BAD_DATE},
	    {{.from = "1969-12-31"}, BST_ALOG_BAD_DATE},
	    {{.from = "2024-03-02", .to = "2024-03-01"}, BST_ALOG_BAD_RANGE},
	    {{.status = "6xx"}, BST_ALOG_BAD_STATUS},
	    {{.status = "4"}, BST_ALOG_BAD_STATUS},
	    {{.user = "nobody"}, BST_ALOG_BAD_USER},
	    {{.addr = "1.2.3.4; DROP"}, BST_ALOG_BAD_ADDR},
	    {{.what = "Auth Login"}, BST_ALOG_BAD_WHAT},
	    {{.cursor = "12"}, BST_ALOG_BAD_CURSOR},
	    {{.cursor = "0.5"}, BST_ALOG_BAD_CURSOR},
	    {{.cursor = "-1.5"}, BST_ALOG_BAD_CURSOR},
	    {{.cursor = "1.9999999999999999999"}, BST_ALOG_BAD_CURSOR},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(bst_audit_filter_parse(&bad[i].a, &q), bad[i].want);
	/* a date range of one day, the same date twice */
	struct bst_audit_filter_args day = {.from = "2024-03-01", .to = "2024-03-01"};
	assert_int_equal(bst_audit_filter_parse(&day, &q), BST_ALOG_OK);
	assert_int_equal(q.f.to_ms - q.f.from_ms, 86400000LL);
}

static void test_scrub_redacts_link_tokens_and_secret_arguments(void **state)
{
	char out[BST_AUDIT_PATH_MAX + 1];
	bst_audit_scrub_uri("/reset/abc/x?next=/y&TOKEN=1&pass%77ord=2&flag&monkey=3", out,
			    sizeof out);
	assert_string_equal(out, "/reset/[redacted]/x?next=/y&TOKEN=[redacted]&pass%77ord=[redacted]"
				 "&flag&monkey=[redacted]");
	bst_audit_scrub_uri("/groups/12?page=2", out, sizeof out);
	assert_string_equal(out, "/groups/12?page=2");
	bst_audit_scrub_uri("/reset/", out, sizeof out);
	assert_string_equal(out, "/reset/");
}

static void test_clean_neutralises_controls_and_cuts_at_a_character(void **state)
{
	char out[16];
	bst_audit_clean("a\nb\x7f\xff\xc3\xa9", 15, out, sizeof out);
	assert_string_equal(out, "a?b??\xc3\xa9");
	bst_audit_clean("abcd\xc3\xa9", 5, out, sizeof out); /* é would pass 5 bytes */
	assert_string_equal(out, "abcd");
	bst_audit_clean(NULL, 5, out, sizeof out);
	assert_string_equal(out, "");
}

static void test_session_ref_is_keyed_short_and_empty_without_session(void **state)
{
	uint8_t k1[32] = {1}, k2[32] = {2};
	char a[BST_AUDIT_SESSION_REF_HEX + 1], b[BST_AUDIT_SESSION_REF_HEX + 1];
	bst_audit_session_ref(k1, "deadbeef", a);
	bst_audit_session_ref(k2, "deadbeef", b);
	assert_int_equal(strlen(a), 16);
	assert_string_not_equal(a, b);
	bst_audit_session_ref(k1, "", a);
	assert_string_equal(a, "");
}

/* Entries spilled while the trail could not be written go into the chain
 * in order, before newer ones; a torn record at the end (a crash in the
 * middle of a write) ends what is replayed, and the file is kept aside. */
static void test_spill_replays_in_order_and_stops_at_a_torn_record(void **state)
{
	struct bst_test_platform *t = *state;
	bst_db *db = t->p->audit;
	bst_spill_init(t->dir);
	append_at(db, NOW, "/first");
	struct bst_trail_entry a = {.at_ms = NOW + 1, .path = "/spilled-1", .user_agent = "ua"};
	struct bst_trail_entry e = {.at_ms = NOW + 2,
				    .kind = BST_TRAIL_EVENT,
				    .actor = "anonymous",
				    .event = "auth.login.failure",
				    .target = "x@example.org",
				    .details = "{}"};
	struct bst_trail_entry *ab[] = {&a}, *eb[] = {&e};
	/* nothing waits: only_if_pending leaves it to the caller */
	assert_int_equal(bst_spill_append("acme", eb, 1, true), 0);
	assert_int_equal(bst_spill_append("acme", ab, 1, false), 1);
	assert_true(bst_spill_pending("acme"));
	assert_int_equal(bst_spill_append("acme", eb, 1, true), 1);
	size_t n = 0;
	assert_int_equal(bst_spill_replay(db, "acme", &n), 0);
	assert_int_equal(n, 2);
	assert_false(bst_spill_pending("acme"));
	append_at(db, NOW + 3, "/newer");
	assert_int_equal(count(db), 4);
	char path[600];
	snprintf(path, sizeof path, "%s/platforms/acme/" BST_SPILL_FILE, t->dir);
	assert_int_equal(access(path, F_OK), -1);

	/* a torn second record: the first is replayed, the file kept aside */
	assert_int_equal(bst_spill_append("acme", ab, 1, false), 1);
	assert_int_equal(bst_spill_append("acme", ab, 1, false), 1);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 3), 0);
	assert_int_equal(bst_spill_replay(db, "acme", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(count(db), 5);
	assert_int_equal(access(path, F_OK), -1);

	struct bst_audit_key k;
	int created;
	char err[256];
	uint8_t pk[BST_AUDIT_PK_BYTES];
	assert_int_equal(bst_audit_key_ensure(t->dir, &k, &created, err, sizeof err), 0);
	assert_int_equal(bst_audit_key_public(t->dir, pk, err, sizeof err), 0);
	struct bst_audit_verdict v;
	assert_int_equal(bst_audit_verify(db, "acme", pk, 0, &v), 0);
	assert_true(v.ok);
	sodium_memzero(&k, sizeof k);
}

/* A spill file still on disk after its replay committed (a crash before
 * its removal) is recognised by its id and not replayed twice. */
static void test_spill_replayed_twice_appends_once(void **state)
{
	struct bst_test_platform *t = *state;
	bst_db *db = t->p->audit;
	bst_spill_init(t->dir);
	struct bst_trail_entry a = {.at_ms = NOW, .path = "/spilled"};
	struct bst_trail_entry *ab[] = {&a};
	assert_int_equal(bst_spill_append("acme", ab, 1, false), 1);
	char path[600], copy[700];
	snprintf(path, sizeof path, "%s/platforms/acme/" BST_SPILL_FILE, t->dir);
	snprintf(copy, sizeof copy, "%s.copy", path);
	assert_int_equal(link(path, copy), 0);
	size_t n = 0;
	assert_int_equal(bst_spill_replay(db, "acme", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rename(copy, path), 0);
	bst_spill_init(t->dir); /* as a restart finds it */
	assert_true(bst_spill_pending("acme"));
	assert_int_equal(bst_spill_replay(db, "acme", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(count(db), 1);
	assert_false(bst_spill_pending("acme"));
}

struct seen {
	int64_t seq[16];
	int64_t at[16];
	int n;
};

static int collect(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	(void)hash;
	struct seen *s = cls;
	if (s->n < 16) {
		s->seq[s->n] = e->seq;
		s->at[s->n++] = e->at_ms;
	}
	return 0;
}

/* A date range lists newest first, page after page by its (seq, at_ms)
 * cursor, every entry in [from, to) once and nothing outside it. */
static void test_date_range_pages_through_its_range_only(void **state)
{
	struct bst_test_platform *t = *state;
	bst_db *db = t->p->audit;
	for (int day = 0; day < 6; day++) {
		append_at(db, NOW + day * DAY, "/a");
		append_at(db, NOW + day * DAY, "/b");
	}
	struct bst_trail_filter f = {.from_ms = NOW + DAY, .to_ms = NOW + 4 * DAY, .limit = 4};
	int64_t all[16];
	int n = 0;
	for (int page = 0; page < 4; page++) {
		struct seen s = {0};
		assert_true(bst_q_trail_list(db, &f, collect, &s) >= 0);
		for (int i = 0; i < s.n; i++) {
			assert_true(s.at[i] >= f.from_ms && s.at[i] < f.to_ms);
			all[n++] = s.seq[i];
		}
		if (s.n < f.limit)
			break;
		f.before = s.seq[s.n - 1];
		f.before_at_ms = s.at[s.n - 1];
	}
	assert_int_equal(n, 6); /* days 1, 2, 3: two entries each */
	for (int i = 1; i < n; i++)
		assert_true(all[i] < all[i - 1]);
}

/* [audit] syslog targets: UDP to an IPv4 address (or localhost) and a
 * port, or a local socket path; nothing else. */
static void test_audit_syslog_targets(void **state)
{
	assert_true(bst_audit_syslog_target_valid("udp://127.0.0.1:514"));
	assert_true(bst_audit_syslog_target_valid("udp://localhost:5514"));
	assert_true(bst_audit_syslog_target_valid("unix:/dev/log"));
	assert_false(bst_audit_syslog_target_valid("udp://127.0.0.1"));
	assert_false(bst_audit_syslog_target_valid("udp://127.0.0.1:0"));
	assert_false(bst_audit_syslog_target_valid("udp://127.0.0.1:65536"));
	assert_false(bst_audit_syslog_target_valid("udp://nowhere:514"));
	assert_false(bst_audit_syslog_target_valid("tcp://127.0.0.1:514"));
	assert_false(bst_audit_syslog_target_valid("unix:"));
	assert_false(bst_audit_syslog_target_valid(""));
	assert_false(bst_audit_syslog_target_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding_frames_every_field_big_endian),
		cmocka_unit_test(test_encoding_tells_field_boundaries_apart),
		cmocka_unit_test(test_hash_is_blake2b_of_previous_and_encoding),
		cmocka_unit_test_setup_teardown(test_chain_verifies_and_names_a_rewritten_hash,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_purge_cuts_the_old_start_in_batches_and_still_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_spill_replays_in_order_and_stops_at_a_torn_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spill_replayed_twice_appends_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_date_range_pages_through_its_range_only,
						setup, teardown),
		cmocka_unit_test(test_csv_cell_neutralises_formulas_and_quotes),
		cmocka_unit_test(test_audit_syslog_targets),
		cmocka_unit_test(test_filter_parses_dates_status_and_cursor),
		cmocka_unit_test(test_scrub_redacts_link_tokens_and_secret_arguments),
		cmocka_unit_test(test_clean_neutralises_controls_and_cuts_at_a_character),
		cmocka_unit_test(test_session_ref_is_keyed_short_and_empty_without_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
