/* Unit tests of backups: grandfather-father-son retention over 400 days
 * of daily backups, the manifest's round trip and what its parser
 * refuses, backup ids, the object format (compressed, encrypted, bound to
 * its name; a flipped byte, a truncation, trailing bytes, another name or
 * another key all refused), and, on a real platform, databases stored in
 * chunks: an unchanged database writes no chunk, a changed page only its
 * own, and prune and verify see every chunk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sodium.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/clock.h"
#include "core/crypto.h"
#include "fixture.h"
#include "ops/backup.h"
#include "ops/backup_file.h"
#include "ops/backup_manifest.h"
#include "ops/backup_retention.h"

#define DAY 86400000LL
/* 2025-01-01T02:30:00Z, a Wednesday */
#define START 1735698600000LL

static int64_t month_of(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year * 12 + tm.tm_mon;
}

static void test_retention_keeps_7_daily_4_weekly_12_monthly_over_400_days(void **state)
{
	(void)state;
	enum { N = 400 };
	int64_t t[N];
	unsigned k[N];
	for (int i = 0; i < N; i++)
		t[i] = START + i * DAY;
	struct bst_retention r = {7, 4, 12};
	bst_retention_apply(t, N, &r, k);
	int daily = 0, weekly = 0, monthly = 0;
	for (int i = 0; i < N; i++) {
		daily += (k[i] & BST_KEEP_DAILY) != 0;
		weekly += (k[i] & BST_KEEP_WEEKLY) != 0;
		monthly += (k[i] & BST_KEEP_MONTHLY) != 0;
		if (k[i] & BST_KEEP_DAILY)
			assert_true(i >= N - 7);
		if (k[i] & BST_KEEP_WEEKLY) { /* a Monday, or the very first backup */
			time_t s = (time_t)(t[i] / 1000);
			struct tm tm;
			gmtime_r(&s, &tm);
			assert_int_equal(tm.tm_wday, 1);
		}
		if (k[i] & BST_KEEP_MONTHLY)
			assert_int_not_equal(month_of(t[i]), month_of(t[i - 1]));
	}
	assert_int_equal(daily, 7);
	assert_int_equal(weekly, 4);
	assert_int_equal(monthly, 12);
	assert_true(k[N - 1] & BST_KEEP_LATEST);
	/* pruning every day keeps the same set as pruning once at the end */
	int64_t kept[N];
	int n = 0;
	for (int day = 0; day < N; day++) {
		kept[n++] = t[day];
		unsigned kk[N];
		bst_retention_apply(kept, (size_t)n, &r, kk);
		int m = 0;
		for (int i = 0; i < n; i++)
			if (kk[i])
				kept[m++] = kept[i];
		n = m;
	}
	int m = 0;
	for (int i = 0; i < N; i++)
		if (k[i]) {
			assert_true(m < n);
			assert_int_equal(kept[m], t[i]);
			m++;
		}
	assert_int_equal(m, n);
}

static void test_retention_first_backup_of_the_day_is_the_daily(void **state)
{
	(void)state;
	int64_t t[] = {START, START + 3600000, START + DAY};
	unsigned k[3];
	struct bst_retention r = {1, 0, 0};
	bst_retention_apply(t, 3, &r, k);
	assert_int_equal(k[0], 0);
	assert_int_equal(k[1], 0);
	assert_int_equal(k[2], BST_KEEP_DAILY | BST_KEEP_LATEST);
	r.daily = 2;
	bst_retention_apply(t, 3, &r, k);
	assert_int_equal(k[0], BST_KEEP_DAILY);
	assert_int_equal(k[1], 0);
	assert_string_equal(bst_retention_kind(k[0]), "daily");
	assert_string_equal(bst_retention_kind(0), "expired");
}

static void test_backup_id_round_trip_and_refusals(void **state)
{
	(void)state;
	char id[BST_BACKUP_ID_LEN + 1];
	bst_backup_id_format(START, id);
	assert_string_equal(id, "20250101T023000Z");
	int64_t ms;
	assert_true(bst_backup_id_parse(id, &ms));
	assert_int_equal(ms, START);
	assert_false(bst_backup_id_parse("20250231T023000Z", &ms));
	assert_false(bst_backup_id_parse("20250101T023000", &ms));
	assert_false(bst_backup_id_parse("2025010xT023000Z", &ms));
	assert_false(bst_backup_id_parse("../../etc/passwdZ", &ms));
}

static void fill_hash(char out[BST_BACKUP_HASH_HEX], char c)
{
	memset(out, c, 64);
	out[64] = '\0';
}

/* Two databases of two chunks each (the second database's second chunk
 * the same as the first's: one object for both), one blob. */
static void fill(struct bst_manifest *m)
{
	memset(m, 0, sizeof *m);
	snprintf(m->scope, sizeof m->scope, "acme");
	snprintf(m->id, sizeof m->id, "20250101T023000Z");
	m->created_ms = START;
	m->written = 10;
	m->n_dbs = 2;
	snprintf(m->dbs[0].name, sizeof m->dbs[0].name, "main.db");
	snprintf(m->dbs[1].name, sizeof m->dbs[1].name, "audit.db");
	for (int i = 0; i < 2; i++) {
		struct bst_manifest_db *d = &m->dbs[i];
		d->chunk_size = BST_MANIFEST_CHUNK_MIN;
		d->plain_size = BST_MANIFEST_CHUNK_MIN + 4096;
		struct bst_manifest_chunk c = {.size = 100 + (uint64_t)i};
		fill_hash(c.mac, (char)('1' + i));
		fill_hash(c.hash, (char)('a' + i));
		assert_int_equal(bst_manifest_add_chunk(d, &c), 0);
		c.size = 50;
		fill_hash(c.mac, '9');
		fill_hash(c.hash, 'f');
		assert_int_equal(bst_manifest_add_chunk(d, &c), 0);
	}
	struct bst_manifest_blob b = {.size = 7};
	memset(b.name, 'c', 32);
	fill_hash(b.hash, 'd');
	assert_int_equal(bst_manifest_add_blob(m, &b), 0);
}

struct objects_seen {
	char hashes[8][BST_BACKUP_HASH_HEX];
	uint64_t sizes[8];
	int n;
};

static int note_object(void *cls, const char *hash, uint64_t size)
{
	struct objects_seen *o = cls;
	assert_true(o->n < 8);
	snprintf(o->hashes[o->n], BST_BACKUP_HASH_HEX, "%s", hash);
	o->sizes[o->n++] = size;
	return 0;
}

static void test_manifest_round_trip_and_signature(void **state)
{
	(void)state;
	struct bst_manifest m, back;
	fill(&m);
	char *text = bst_manifest_dump(&m);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"bastide-backup-2\""));
	char err[200];
	assert_int_equal(bst_manifest_parse(text, strlen(text), &back, err, sizeof err), 0);
	assert_string_equal(back.scope, "acme");
	assert_int_equal(back.n_dbs, 2);
	assert_string_equal(back.dbs[1].name, "audit.db");
	assert_int_equal(back.dbs[1].plain_size, BST_MANIFEST_CHUNK_MIN + 4096);
	assert_int_equal(back.dbs[1].chunk_size, BST_MANIFEST_CHUNK_MIN);
	assert_int_equal(back.dbs[1].n_chunks, 2);
	assert_string_equal(back.dbs[1].chunks[0].mac, m.dbs[1].chunks[0].mac);
	assert_string_equal(back.dbs[1].chunks[0].hash, m.dbs[1].chunks[0].hash);
	assert_int_equal(back.dbs[1].chunks[0].size, 101);
	assert_int_equal(bst_manifest_n_chunks(&back), 4);
	assert_int_equal(back.n_blobs, 1);
	assert_int_equal(back.blobs[0].size, 7);
	/* every object once, the shared chunk's too, in the order of hashes */
	struct objects_seen o = {0};
	assert_int_equal(bst_manifest_each_object(&back, note_object, &o), 0);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.hashes[0][0], 'a');
	assert_int_equal(o.hashes[1][0], 'b');
	assert_int_equal(o.hashes[2][0], 'd');
	assert_int_equal(o.hashes[3][0], 'f');
	assert_int_equal(o.sizes[3], 50);
	assert_int_equal(bst_manifest_size(&back), 100 + 101 + 7 + 50);
	/* dumped again: the same text */
	char *again = bst_manifest_dump(&back);
	assert_string_equal(again, text);
	free(again);
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	char sig[BST_MANIFEST_SIG_HEX];
	bst_manifest_sign(text, strlen(text), sk, sig);
	assert_true(bst_manifest_check(text, strlen(text), sig, strlen(sig), pk));
	text[10] ^= 1;
	assert_false(bst_manifest_check(text, strlen(text), sig, strlen(sig), pk));
	free(text);
	bst_manifest_clear(&m);
	bst_manifest_clear(&back);
}

/* m as text, which the parser must refuse with a message holding want. */
static void refused(const struct bst_manifest *m, const char *want)
{
	char *text = bst_manifest_dump(m);
	assert_non_null(text);
	struct bst_manifest back;
	char err[200] = "";
	assert_int_equal(bst_manifest_parse(text, strlen(text), &back, err, sizeof err), -1);
	if (!strstr(err, want))
		fail_msg("expected \"%s\", got \"%s\"", want, err);
	free(text);
}

#define HEAD "{\"format\":\"bastide-backup-2\",\"scope\":\"acme\",\"id\":\"20250101T023000Z\"," \
	     "\"created_ms\":1,\"written\":0,\"duration_ms\":0,"
#define H64 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""

static void test_manifest_parser_refuses_what_it_did_not_write(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"[]",
		"{\"format\":\"bastide-backup-2\"}",
		/* unknown field */
		HEAD "\"databases\":[],\"blobs\":[],\"x\":1}",
		/* path in the scope */
		"{\"format\":\"bastide-backup-2\",\"scope\":\"../x\",\"id\":\"20250101T023000Z\","
		"\"created_ms\":1,\"written\":0,\"duration_ms\":0,\"databases\":[],\"blobs\":[]}",
		/* a database it does not know */
		HEAD "\"databases\":[{\"name\":\"../k\",\"plain_size\":0,\"chunk_size\":1048576,"
		     "\"chunks\":[]}],\"blobs\":[]}",
		/* a chunk size that is not a power of two, or too small */
		HEAD "\"databases\":[{\"name\":\"main.db\",\"plain_size\":0,\"chunk_size\":1000000,"
		     "\"chunks\":[]}],\"blobs\":[]}",
		HEAD "\"databases\":[{\"name\":\"main.db\",\"plain_size\":0,\"chunk_size\":4096,"
		     "\"chunks\":[]}],\"blobs\":[]}",
		/* a chunk with a field too many, or a hash that is not hex */
		HEAD "\"databases\":[{\"name\":\"main.db\",\"plain_size\":1,\"chunk_size\":1048576,"
		     "\"chunks\":[{\"mac\":" H64 ",\"blake2b\":" H64 ",\"size\":1,\"x\":1}]}],"
		     "\"blobs\":[]}",
		HEAD "\"databases\":[{\"name\":\"main.db\",\"plain_size\":1,\"chunk_size\":1048576,"
		     "\"chunks\":[{\"mac\":\"../../x\",\"blake2b\":" H64 ",\"size\":1}]}],"
		     "\"blobs\":[]}",
		/* a blob name that is not hex */
		HEAD "\"databases\":[],\"blobs\":[{\"name\":"
		     "\"../../../../../../../../../etc/x\",\"size\":1,\"blake2b\":" H64 "}]}",
		/* a negative size */
		"{\"format\":\"bastide-backup-2\",\"scope\":\"acme\",\"id\":\"20250101T023000Z\","
		"\"created_ms\":1,\"written\":-1,\"duration_ms\":0,\"databases\":[],\"blobs\":[]}",
		/* the whole files of the first format */
		"{\"format\":\"bastide-backup-1\",\"scope\":\"acme\",\"id\":\"20250101T023000Z\","
		"\"created_ms\":1,\"written\":0,\"duration_ms\":0,\"files\":[],\"blobs\":[]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct bst_manifest m;
		char err[200] = "";
		if (bst_manifest_parse(bad[i], strlen(bad[i]), &m, err, sizeof err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err[0] != '\0');
	}
	char err[200];
	struct bst_manifest m, back;
	const char *old = bad[sizeof bad / sizeof *bad - 1];
	assert_int_equal(bst_manifest_parse(old, strlen(old), &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "bastide-backup-1"));
	assert_non_null(strstr(err, "no longer read"));
	/* the same blob twice */
	fill(&m);
	assert_int_equal(bst_manifest_add_blob(&m, &m.blobs[0]), 0);
	refused(&m, "twice");
	bst_manifest_clear(&m);
	/* the same database twice */
	fill(&m);
	snprintf(m.dbs[1].name, sizeof m.dbs[1].name, "main.db");
	refused(&m, "twice");
	bst_manifest_clear(&m);
	/* a chunk too many, or too few, for the size */
	fill(&m);
	m.dbs[0].plain_size = BST_MANIFEST_CHUNK_MIN;
	refused(&m, "chunk count");
	m.dbs[0].plain_size = 2 * BST_MANIFEST_CHUNK_MIN + 1;
	refused(&m, "chunk count");
	bst_manifest_clear(&m);
	/* one object for a chunk and a blob, or for two different chunks, or
	 * at two sizes */
	fill(&m);
	fill_hash(m.dbs[0].chunks[0].hash, 'd');
	refused(&m, "two different things");
	bst_manifest_clear(&m);
	fill(&m);
	fill_hash(m.dbs[0].chunks[0].hash, 'b');
	refused(&m, "two different things");
	bst_manifest_clear(&m);
	fill(&m);
	m.dbs[1].chunks[1].size = 51;
	refused(&m, "two different things");
	bst_manifest_clear(&m);
	/* one chunk stored as two objects */
	fill(&m);
	fill_hash(m.dbs[1].chunks[1].hash, 'e');
	refused(&m, "two objects");
	bst_manifest_clear(&m);
	/* but the same chunk many times over is what a database of zeros is */
	fill(&m);
	m.dbs[0].chunks[0] = m.dbs[0].chunks[1];
	char *text = bst_manifest_dump(&m);
	assert_int_equal(bst_manifest_parse(text, strlen(text), &back, err, sizeof err), 0);
	assert_int_equal(bst_manifest_n_chunks(&back), 4);
	assert_int_equal(bst_manifest_size(&back), 101 + 50 + 7);
	free(text);
	bst_manifest_clear(&back);
	bst_manifest_clear(&m);
}

struct files {
	char dir[64], src[128], obj[128], out[128];
	uint8_t key[BST_KEY_BYTES];
};

static int files_setup(void **state)
{
	struct files *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/bst-test-backup-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->src, sizeof f->src, "%s/src", f->dir);
	snprintf(f->obj, sizeof f->obj, "%s/obj", f->dir);
	snprintf(f->out, sizeof f->out, "%s/out", f->dir);
	randombytes_buf(f->key, sizeof f->key);
	/* 300 KB of compressible text: several messages */
	FILE *fp = fopen(f->src, "w");
	for (int i = 0; i < 20000; i++)
		fprintf(fp, "line %d of the source file\n", i % 977);
	fclose(fp);
	*state = f;
	return 0;
}

static int files_teardown(void **state)
{
	struct files *f = *state;
	unlink(f->src);
	unlink(f->obj);
	unlink(f->out);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void flip(const char *path, long at)
{
	FILE *fp = fopen(path, "r+b");
	assert_non_null(fp);
	fseek(fp, at, at < 0 ? SEEK_END : SEEK_SET);
	int c = fgetc(fp);
	fseek(fp, -1, SEEK_CUR);
	fputc(c ^ 0x01, fp);
	fclose(fp);
}

static void test_object_round_trip_then_every_alteration_refused(void **state)
{
	struct files *f = *state;
	struct bst_backup_obj w, r;
	char err[300];
	assert_int_equal(bst_backup_file_write(f->src, f->obj, f->key, "acme", "main.db", 3, NULL,
					       NULL, &w, err, sizeof err),
			 0);
	assert_true(w.stored_size < w.plain_size / 4); /* compressed */
	assert_int_equal(bst_backup_file_read(f->obj, f->out, f->key, "acme", "main.db", &r, err,
					      sizeof err),
			 0);
	assert_string_equal(r.hash, w.hash);
	assert_int_equal(r.stored_size, w.stored_size);
	assert_int_equal(r.plain_size, w.plain_size);
	size_t la, lb;
	FILE *a = fopen(f->src, "rb"), *b = fopen(f->out, "rb");
	static char ba[1 << 20], bb[1 << 20];
	la = fread(ba, 1, sizeof ba, a);
	lb = fread(bb, 1, sizeof bb, b);
	fclose(a);
	fclose(b);
	assert_int_equal(la, lb);
	assert_memory_equal(ba, bb, la);
	/* another name, another platform, another key */
	assert_int_equal(bst_backup_file_read(f->obj, NULL, f->key, "acme", "audit.db", &r, err,
					      sizeof err),
			 -1);
	assert_non_null(strstr(err, "does not decrypt"));
	assert_int_equal(bst_backup_file_read(f->obj, NULL, f->key, "other", "main.db", &r, err,
					      sizeof err),
			 -1);
	uint8_t other[BST_KEY_BYTES];
	randombytes_buf(other, sizeof other);
	assert_int_equal(bst_backup_file_read(f->obj, NULL, other, "acme", "main.db", &r, err,
					      sizeof err),
			 -1);
	/* a flipped byte: refused, and the partial output removed */
	flip(f->obj, 100);
	assert_int_equal(bst_backup_file_read(f->obj, f->out, f->key, "acme", "main.db", &r, err,
					      sizeof err),
			 -1);
	assert_non_null(strstr(err, "does not decrypt"));
	assert_int_not_equal(access(f->out, F_OK), 0);
	assert_string_not_equal(r.hash, w.hash);
	flip(f->obj, 100);
	/* trailing bytes */
	FILE *fp = fopen(f->obj, "ab");
	fputc('x', fp);
	fclose(fp);
	assert_int_equal(bst_backup_file_read(f->obj, NULL, f->key, "acme", "main.db", &r, err,
					      sizeof err),
			 -1);
	/* truncated: the final message gone */
	assert_int_equal(truncate(f->obj, (off_t)w.stored_size - 20), 0);
	assert_int_equal(bst_backup_file_read(f->obj, NULL, f->key, "acme", "main.db", &r, err,
					      sizeof err),
			 -1);
}

static void test_object_write_fails_cleanly(void **state)
{
	struct files *f = *state;
	struct bst_backup_obj w;
	char err[300];
	/* the source is missing */
	assert_int_equal(bst_backup_file_write("/nonexistent/x", f->obj, f->key, "acme", "main.db",
					       3, NULL, NULL, &w, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "cannot read"));
	/* the destination cannot be created: nothing left behind */
	assert_int_equal(bst_backup_file_write(f->src, "/nonexistent/obj", f->key, "acme",
					       "main.db", 3, NULL, NULL, &w, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "cannot create"));
	/* the disk fills up part-way (a file size limit: write fails with
	 * EFBIG): refused, and the partial object removed */
	struct rlimit old, small = {64 * 1024, 64 * 1024};
	getrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_IGN);
	small.rlim_max = old.rlim_max;
	char big[160];
	snprintf(big, sizeof big, "%s/big", f->dir);
	FILE *fp = fopen(big, "wb");
	for (int i = 0; i < 1000; i++) { /* incompressible: the object is as large */
		unsigned char buf[1024];
		randombytes_buf(buf, sizeof buf);
		if (fwrite(buf, 1, sizeof buf, fp) != sizeof buf)
			break;
	}
	fclose(fp);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	int rc = bst_backup_file_write(big, f->obj, f->key, "acme", "main.db", 3, NULL, NULL, &w,
				       err, sizeof err);
	setrlimit(RLIMIT_FSIZE, &old);
	unlink(big);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "cannot write"));
	assert_int_not_equal(access(f->obj, F_OK), 0);
}

/* ---- chunked databases, on a real platform ---- */

/* Waits for the next second: backups are named by theirs. */
static void next_second(void)
{
	bst_sleep_ms(1000 - bst_now_ms() % 1000 + 20);
}

static void sql_on(const char *path, const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	char *msg = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(h);
}

static int platform_setup(void **state)
{
	struct bst_test_platform *t = calloc(1, sizeof *t);
	if (!t || bst_test_platform_open(t, "backup", START) != 0)
		return -1;
	/* about 5 MB of rows in main.db: several chunks */
	char path[128];
	snprintf(path, sizeof path, "%s/platforms/acme/main.db", t->dir);
	sql_on(path, "CREATE TABLE filler(id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
		     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)"
		     " INSERT INTO filler SELECT i, hex(randomblob(50)) FROM n;");
	*state = t;
	return 0;
}

static int platform_teardown(void **state)
{
	struct bst_test_platform *t = *state;
	bst_test_platform_close(t);
	free(t);
	return 0;
}

static void backup_ok(struct bst_test_platform *t, struct bst_backup_result *res)
{
	char err[600] = "";
	next_second();
	if (bst_backup_run(t->in, "acme", false, res, err, sizeof err) != 0)
		fail_msg("backup: %s", err);
}

static void test_backup_of_an_unchanged_database_writes_no_chunk(void **state)
{
	struct bst_test_platform *t = *state;
	struct bst_backup_result first, second;
	backup_ok(t, &first);
	assert_true(first.n_chunks >= 5); /* main.db's and audit.db's */
	assert_int_equal(first.n_chunks_new, first.n_chunks);
	assert_true(first.written > 0);
	backup_ok(t, &second);
	assert_int_equal(second.n_chunks, first.n_chunks);
	assert_int_equal(second.n_chunks_new, 0);
	assert_int_equal(second.written, 0);
	assert_int_equal(second.size, first.size);
	int checked = 0;
	char err[600] = "";
	if (bst_backup_verify(t->in, "acme", NULL, &checked, err, sizeof err) != 0)
		fail_msg("verify: %s", err);
	assert_int_equal(checked, 2);
}

/* A backup (*before), sql run on the platform's main.db, another backup
 * (*after). */
static void backup_change_backup(struct bst_test_platform *t, const char *sql,
				 struct bst_backup_result *before, struct bst_backup_result *after)
{
	char path[160];
	backup_ok(t, before);
	snprintf(path, sizeof path, "%s/platforms/acme/main.db", t->dir);
	sql_on(path, sql);
	backup_ok(t, after);
}

/* The text of the first column of the first row of query on the
 * database at path (the caller frees). */
static char *value_of(const char *path, const char *query)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, query, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void test_backup_after_a_changed_page_writes_only_its_chunk(void **state)
{
	struct bst_test_platform *t = *state;
	struct bst_backup_result before, after;
	/* one row rewritten in place, in the middle of the table: one page */
	backup_change_backup(t, "UPDATE filler SET v = hex(randomblob(50)) WHERE id = 20000",
			     &before, &after);
	assert_int_equal(after.n_chunks, before.n_chunks);
	assert_int_equal(after.n_chunks_new, 1);
	assert_true(after.written > 0 && after.written < before.written / 2);
	/* restored from the chunks: the change is there */
	char stage[160], path[200], err[600] = "";
	snprintf(stage, sizeof stage, "%s/stage", t->dir);
	if (bst_backup_extract(t->in, "acme", after.id, stage, err, sizeof err) != 0)
		fail_msg("extract: %s", err);
	static const char q[] = "SELECT v FROM filler WHERE id = 20000";
	snprintf(path, sizeof path, "%s/main.db", stage);
	char *restored = value_of(path, q);
	snprintf(path, sizeof path, "%s/platforms/acme/main.db", t->dir);
	char *live = value_of(path, q);
	assert_string_equal(restored, live);
	free(restored);
	free(live);
	bst_backup_rmtree(stage);
}

static void test_prune_keeps_the_chunks_of_the_backups_it_keeps(void **state)
{
	struct bst_test_platform *t = *state;
	struct bst_backup_result a, b;
	char path[160], err[600] = "";
	backup_change_backup(t, "DELETE FROM filler WHERE id > 30000", &a, &b);
	/* only the latest kept: the chunks only a removed backup had go,
	 * those the latest shares with it stay */
	struct bst_retention r = {0, 0, 0};
	int removed = 0, objects = 0;
	if (bst_backup_prune(t->in, "acme", &r, &removed, &objects, err, sizeof err) != 0)
		fail_msg("prune: %s", err);
	assert_true(removed >= 1);
	assert_true(objects >= 1);
	int checked = 0;
	if (bst_backup_verify(t->in, "acme", NULL, &checked, err, sizeof err) != 0)
		fail_msg("verify after prune: %s", err);
	assert_int_equal(checked, 1);
	struct bst_backup_info *v = NULL;
	size_t n = 0;
	assert_int_equal(bst_backup_list(t->in, "acme", NULL, &v, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, b.id);
	assert_int_equal(v[0].n_chunks, b.n_chunks);
	free(v);
	/* a chunk gone: verify names it */
	snprintf(path, sizeof path, "%s/backups/acme/%s/manifest.json", t->dir, b.id);
	static char text[1 << 16];
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t len = fread(text, 1, sizeof text, fp);
	fclose(fp);
	struct bst_manifest m;
	assert_int_equal(bst_manifest_parse(text, len, &m, err, sizeof err), 0);
	assert_string_equal(m.dbs[0].name, "main.db");
	snprintf(path, sizeof path, "%s/backups/acme/objects/%s", t->dir, m.dbs[0].chunks[1].hash);
	bst_manifest_clear(&m);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(bst_backup_verify(t->in, "acme", NULL, &checked, err, sizeof err), -1);
	if (!strstr(err, "main.db: chunk 1, object ") || !strstr(err, ": missing"))
		fail_msg("verify said: %s", err);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retention_keeps_7_daily_4_weekly_12_monthly_over_400_days),
		cmocka_unit_test(test_retention_first_backup_of_the_day_is_the_daily),
		cmocka_unit_test(test_backup_id_round_trip_and_refusals),
		cmocka_unit_test(test_manifest_round_trip_and_signature),
		cmocka_unit_test(test_manifest_parser_refuses_what_it_did_not_write),
		cmocka_unit_test_setup_teardown(test_object_round_trip_then_every_alteration_refused,
						files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(test_object_write_fails_cleanly, files_setup,
						files_teardown),
		cmocka_unit_test_setup_teardown(test_backup_of_an_unchanged_database_writes_no_chunk,
						platform_setup, platform_teardown),
		cmocka_unit_test_setup_teardown(test_backup_after_a_changed_page_writes_only_its_chunk,
						platform_setup, platform_teardown),
		cmocka_unit_test_setup_teardown(test_prune_keeps_the_chunks_of_the_backups_it_keeps,
						platform_setup, platform_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
