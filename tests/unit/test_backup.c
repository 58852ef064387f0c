/* Unit tests for the pieces of a backup that need no installation:
 * grandfather-father-son retention over 400 days of daily backups, the
 * manifest's round trip and what its parser refuses, backup ids, and the
 * object format (compressed, encrypted, bound to its name; a flipped
 * byte, a truncation, trailing bytes, another name or another key all
 * refused). */
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

#include "core/crypto.h"
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

static void fill(struct bst_manifest *m)
{
	memset(m, 0, sizeof *m);
	snprintf(m->scope, sizeof m->scope, "acme");
	snprintf(m->id, sizeof m->id, "20250101T023000Z");
	m->created_ms = START;
	m->written = 10;
	m->n_files = 2;
	snprintf(m->files[0].name, sizeof m->files[0].name, "main.db");
	snprintf(m->files[1].name, sizeof m->files[1].name, "audit.db");
	for (int i = 0; i < 2; i++) {
		m->files[i].size = 100 + (uint64_t)i;
		m->files[i].plain_size = 4096;
		memset(m->files[i].hash, 'a' + i, 64);
		m->files[i].hash[64] = '\0';
	}
	struct bst_manifest_blob b = {.size = 7};
	memset(b.name, 'c', 32);
	memset(b.hash, 'd', 64);
	assert_int_equal(bst_manifest_add_blob(m, &b), 0);
}

static void test_manifest_round_trip_and_signature(void **state)
{
	(void)state;
	struct bst_manifest m, back;
	fill(&m);
	char *text = bst_manifest_dump(&m);
	assert_non_null(text);
	char err[200];
	assert_int_equal(bst_manifest_parse(text, strlen(text), &back, err, sizeof err), 0);
	assert_string_equal(back.scope, "acme");
	assert_int_equal(back.n_files, 2);
	assert_int_equal(back.n_blobs, 1);
	assert_int_equal(back.blobs[0].size, 7);
	assert_int_equal(bst_manifest_size(&back), 100 + 101 + 7);
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

static void test_manifest_parser_refuses_what_it_did_not_write(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"[]",
		"{\"format\":\"bastide-backup-1\"}",
		/* unknown field */
		"{\"format\":\"bastide-backup-1\",\"scope\":\"acme\",\"id\":\"20250101T023000Z\","
		"\"created_ms\":1,\"written\":0,\"duration_ms\":0,\"files\":[],\"blobs\":[],\"x\":1}",
		/* path in the scope */
		"{\"format\":\"bastide-backup-1\",\"scope\":\"../x\",\"id\":\"20250101T023000Z\","
		"\"created_ms\":1,\"written\":0,\"duration_ms\":0,\"files\":[],\"blobs\":[]}",
		/* a file it does not know */
		"{\"format\":\"bastide-backup-1\",\"scope\":\"acme\",\"id\":\"20250101T023000Z\","
		"\"created_ms\":1,\"written\":0,\"duration_ms\":0,\"files\":[{\"name\":\"../k\","
		"\"size\":1,\"plain_size\":1,\"blake2b\":"
		"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}],\"blobs\":[]}",
		/* a blob name that is not hex */
		"{\"format\":\"bastide-backup-1\",\"scope\":\"acme\",\"id\":\"20250101T023000Z\","
		"\"created_ms\":1,\"written\":0,\"duration_ms\":0,\"files\":[],\"blobs\":[{\"name\":"
		"\"../../../../../../../../../etc/x\",\"size\":1,\"blake2b\":"
		"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}]}",
		/* a negative size */
		"{\"format\":\"bastide-backup-1\",\"scope\":\"acme\",\"id\":\"20250101T023000Z\","
		"\"created_ms\":1,\"written\":-1,\"duration_ms\":0,\"files\":[],\"blobs\":[]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct bst_manifest m;
		char err[200] = "";
		assert_int_equal(bst_manifest_parse(bad[i], strlen(bad[i]), &m, err, sizeof err), -1);
		assert_true(err[0] != '\0');
	}
	/* the same blob twice */
	struct bst_manifest m;
	fill(&m);
	assert_int_equal(bst_manifest_add_blob(&m, &m.blobs[0]), 0);
	char *text = bst_manifest_dump(&m);
	struct bst_manifest back;
	char err[200];
	assert_int_equal(bst_manifest_parse(text, strlen(text), &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "twice"));
	free(text);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
