/* Unit tests for the encrypted blob store (src/social/blobs.c) against a
 * real platform in a temporary installation: round trips of sizes around
 * the chunk boundaries, written and read in odd pieces; no plaintext on
 * disk; tampering, truncation, extension, swapping and a wrong key all
 * refused (and no byte of a bad chunk handed out); abort removes the file,
 * before and after sealing; deletion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/q_documents.h"
#include "social/blobs.h"
#include "tenant/context.h"
#include "tenant/install.h"
#include "tenant/platform.h"

#define NOW 1700000000000LL
#define MARKER "MARKER-7f3a-never-on-disk"

struct fx {
	char dir[64];
	char blobs[128];
	struct bst_install *in;
	struct bst_platform *p;
	bst_arena *arena;
	struct bst_config cfg;
	struct bst_ctx ctx;
};

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	(void)state;
	bst_log_set_level(BST_LOG_ERROR + 1); /* the failures below log loudly, on purpose */
	return bst_crypto_init();
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/bst-test-blobs-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	char err[600] = "";
	int created = 0;
	static const char *const hosts[] = {"acme.localhost"};
	if (bst_install_init(f->dir, &created, err, sizeof err) != 0 ||
	    bst_install_open(f->dir, &f->in, err, sizeof err) != 0 ||
	    bst_platform_create(f->in, "acme", "ACME", hosts, 1, err, sizeof err) != 0 ||
	    bst_platform_open(f->in, "acme", &f->p, err, sizeof err) != 0) {
		print_error("platform in %s: %s\n", f->dir, err);
		return -1;
	}
	snprintf(f->blobs, sizeof f->blobs, "%s/platforms/acme/blobs", f->dir);
	f->arena = bst_arena_new();
	bst_config_defaults(&f->cfg);
	f->ctx.install = f->in;
	f->ctx.config = &f->cfg;
	f->ctx.platform = f->p;
	f->ctx.actor = BST_ACTOR_OPERATOR;
	f->ctx.client_addr = "192.0.2.7";
	f->ctx.now = NOW;
	f->ctx.arena = f->arena;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	bst_platform_close(f->p);
	bst_install_close(f->in);
	bst_arena_free(f->arena);
	int rc = nftw(f->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return rc;
}

/* Deterministic content with MARKER every 4 KiB. */
static unsigned char *content(size_t len)
{
	unsigned char *p = malloc(len ? len : 1);
	assert_non_null(p);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 131 + (i >> 9));
	for (size_t i = 0; i + sizeof MARKER < len; i += 4096)
		memcpy(p + i, MARKER, sizeof MARKER - 1);
	return p;
}

/* Writes data in pieces of `piece` bytes; returns the blob id. */
static int64_t store(struct fx *f, const unsigned char *data, size_t len, size_t piece)
{
	struct bst_blob_writer *w = NULL;
	assert_int_equal(bst_blob_writer_new(&f->ctx, &w), 0);
	for (size_t off = 0; off < len; off += piece) {
		size_t n = len - off < piece ? len - off : piece;
		assert_int_equal(bst_blob_writer_write(w, data + off, n), 0);
	}
	assert_int_equal(bst_blob_writer_size(w), len);
	int64_t id = 0;
	assert_int_equal(bst_blob_writer_finish(w, &id), 0);
	assert_true(id > 0);
	bst_blob_writer_free(w);
	return id;
}

/* Reads blob id whole in pieces of `piece` bytes into a new buffer; *len
 * is what was read, *rc the last read's result (0 end, -1 failure). */
static unsigned char *load(struct fx *f, int64_t id, size_t piece, size_t *len, long *rc)
{
	struct bst_blob_reader *r = NULL;
	*len = 0;
	*rc = -1;
	if (bst_blob_reader_open(&f->ctx, id, &r) != 0)
		return NULL;
	size_t cap = bst_blob_reader_size(r) + 1;
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	for (;;) {
		size_t want = piece;
		if (*len + want > cap)
			want = cap - *len;
		long n = bst_blob_read(r, out + *len, want);
		if (n <= 0) {
			*rc = n;
			break;
		}
		*len += (size_t)n;
		assert_true(*len <= cap);
	}
	bst_blob_reader_free(r);
	return out;
}

static void blob_path(struct fx *f, int64_t id, char *out, size_t len)
{
	struct bst_blob_row row;
	assert_int_equal(bst_q_blob_get(f->p->main, id, &row), BST_QS_ONE_RESULT);
	snprintf(out, len, "%s/%s", f->blobs, row.name);
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	unsigned char *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return p;
}

static void spit(const char *path, const unsigned char *p, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, len, fp), len);
	fclose(fp);
}

static void test_round_trip_is_byte_identical_around_chunk_boundaries(void **state)
{
	struct fx *f = *state;
	const size_t sizes[] = {0, 1, BST_BLOB_CHUNK - 1, BST_BLOB_CHUNK, BST_BLOB_CHUNK + 1,
				3 * BST_BLOB_CHUNK, 3 * BST_BLOB_CHUNK + 5, (1 << 20) + 17};
	const size_t pieces[] = {1000, 7, 65536, 100000};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		size_t len = sizes[i];
		unsigned char *data = content(len);
		size_t piece = pieces[i % 4];
		if (len > 200000 && piece < 1000)
			piece = 4099;
		int64_t id = store(f, data, len, piece);
		struct bst_blob_row row;
		assert_int_equal(bst_q_blob_get(f->p->main, id, &row), BST_QS_ONE_RESULT);
		assert_int_equal(row.size, (int64_t)len);
		unsigned char digest[BST_BLOB_HASH_BYTES];
		char hex[2 * BST_BLOB_HASH_BYTES + 1];
		crypto_generichash(digest, sizeof digest, data, len, NULL, 0);
		sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
		assert_string_equal(row.blake2b, hex);
		size_t got = 0;
		long rc = 1;
		unsigned char *back = load(f, id, pieces[(i + 1) % 4], &got, &rc);
		assert_non_null(back);
		assert_int_equal(rc, 0);
		assert_int_equal(got, len);
		if (len)
			assert_memory_equal(back, data, len);
		free(back);
		free(data);
	}
}

static void test_file_on_disk_holds_no_plaintext(void **state)
{
	struct fx *f = *state;
	size_t len = 5 * BST_BLOB_CHUNK + 123;
	unsigned char *data = content(len);
	int64_t id = store(f, data, len, 10000);
	char path[256];
	blob_path(f, id, path, sizeof path);
	size_t flen = 0;
	unsigned char *disk = slurp(path, &flen);
	assert_true(flen > len);
	assert_null(memmem(disk, flen, MARKER, sizeof MARKER - 1));
	/* nor any 32-byte run of the plaintext */
	for (size_t off = 0; off + 32 < len; off += 997)
		assert_null(memmem(disk, flen, data + off, 32));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(disk);
	free(data);
}

/* A byte flipped anywhere (header, first, middle, last chunk) makes the
 * read fail, and nothing of the bad chunk is handed out. */
static void test_tampered_blob_fails_to_decrypt(void **state)
{
	struct fx *f = *state;
	size_t len = 3 * BST_BLOB_CHUNK + 999;
	unsigned char *data = content(len);
	int64_t id = store(f, data, len, 65536);
	char path[256];
	blob_path(f, id, path, sizeof path);
	size_t flen = 0;
	unsigned char *orig = slurp(path, &flen);
	const size_t header = 8 + 24, cchunk = BST_BLOB_CHUNK + 17;
	const struct {
		size_t at;
		size_t good_bytes; /* plaintext that authenticated before it */
	} flips[] = {{3, 0},
		     {header + 10, 0},
		     {header + cchunk + 500, BST_BLOB_CHUNK},
		     {header + 2 * cchunk + cchunk - 1, 2 * BST_BLOB_CHUNK},
		     {flen - 1, 3 * BST_BLOB_CHUNK}};
	/* small reads go through the reader's buffer; whole-chunk reads are
	 * decrypted straight into the caller's */
	for (size_t k = 0; k < 2 * (sizeof flips / sizeof *flips); k++) {
		size_t i = k % (sizeof flips / sizeof *flips);
		size_t piece = k < sizeof flips / sizeof *flips ? 4096 : 2 * BST_BLOB_CHUNK;
		unsigned char *bad = malloc(flen);
		assert_non_null(bad);
		memcpy(bad, orig, flen);
		bad[flips[i].at] ^= 0x40;
		spit(path, bad, flen);
		size_t got = 0;
		long rc = 0;
		unsigned char *back = load(f, id, piece, &got, &rc);
		if (back) {
			assert_int_equal(rc, -1);
			assert_int_equal(got, flips[i].good_bytes);
			if (got)
				assert_memory_equal(back, data, got);
			free(back);
		} else {
			assert_int_equal(flips[i].good_bytes, 0); /* the header: refused at open */
		}
		free(bad);
	}
	spit(path, orig, flen);
	size_t got = 0;
	long rc = 1;
	unsigned char *back = load(f, id, 4096, &got, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(got, len);
	free(back);
	free(orig);
	free(data);
}

static void test_truncated_or_extended_blob_fails(void **state)
{
	struct fx *f = *state;
	size_t len = 2 * BST_BLOB_CHUNK + 10;
	unsigned char *data = content(len);
	int64_t id = store(f, data, len, 30000);
	char path[256];
	blob_path(f, id, path, sizeof path);
	size_t flen = 0;
	unsigned char *orig = slurp(path, &flen);
	const size_t header = 8 + 24, cchunk = BST_BLOB_CHUNK + 17;
	/* at a chunk boundary (the final chunk dropped), inside one, and
	 * with bytes added after the final chunk */
	const size_t cuts[] = {header + 2 * cchunk, header + cchunk + 100, flen - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
		spit(path, orig, cuts[i]);
		size_t got = 0;
		long rc = 0;
		unsigned char *back = load(f, id, 65536, &got, &rc);
		assert_non_null(back);
		assert_int_equal(rc, -1);
		assert_true(got < len);
		free(back);
	}
	unsigned char *longer = malloc(flen + 1);
	assert_non_null(longer);
	memcpy(longer, orig, flen);
	longer[flen] = 0;
	spit(path, longer, flen + 1);
	size_t got = 0;
	long rc = 0;
	unsigned char *back = load(f, id, 65536, &got, &rc);
	assert_int_equal(rc, -1);
	assert_true(got < len); /* the final chunk's bytes are withheld */
	free(back);
	free(longer);
	free(orig);
	free(data);
}

/* Two blobs of the same size swapped on disk: each name is bound to its
 * content, so both fail. */
static void test_swapped_blobs_fail(void **state)
{
	struct fx *f = *state;
	size_t len = BST_BLOB_CHUNK + 50;
	unsigned char *a = content(len);
	unsigned char *b = content(len);
	b[0] ^= 1;
	int64_t ia = store(f, a, len, 4096), ib = store(f, b, len, 4096);
	char pa[256], pb[256], tmp[300];
	blob_path(f, ia, pa, sizeof pa);
	blob_path(f, ib, pb, sizeof pb);
	snprintf(tmp, sizeof tmp, "%s.swap", pa);
	assert_int_equal(rename(pa, tmp), 0);
	assert_int_equal(rename(pb, pa), 0);
	assert_int_equal(rename(tmp, pb), 0);
	size_t got = 0;
	long rc = 0;
	unsigned char *back = load(f, ia, 4096, &got, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(got, 0);
	free(back);
	back = load(f, ib, 4096, &got, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(got, 0);
	free(back);
	free(a);
	free(b);
}

/* Another platform's key (here: this one's, changed) reads nothing. */
static void test_wrong_key_reads_nothing(void **state)
{
	struct fx *f = *state;
	unsigned char *data = content(1000);
	int64_t id = store(f, data, 1000, 1000);
	f->p->key[0] ^= 1;
	size_t got = 0;
	long rc = 0;
	unsigned char *back = load(f, id, 4096, &got, &rc);
	f->p->key[0] ^= 1;
	assert_int_equal(rc, -1);
	assert_int_equal(got, 0);
	free(back);
	back = load(f, id, 4096, &got, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(got, 1000);
	free(back);
	free(data);
}

static void test_abort_removes_the_file_before_and_after_sealing(void **state)
{
	struct fx *f = *state;
	unsigned char *data = content(200000);
	struct bst_blob_writer *w = NULL;
	assert_int_equal(bst_blob_writer_new(&f->ctx, &w), 0);
	assert_int_equal(bst_blob_writer_write(w, data, 200000), 0);
	assert_int_equal(count_files(f->blobs), 1); /* the temporary file */
	bst_blob_writer_abort(w);
	assert_int_equal(count_files(f->blobs), 0);

	/* sealed, its row rolled back by the caller: abort removes it too */
	assert_int_equal(bst_blob_writer_new(&f->ctx, &w), 0);
	assert_int_equal(bst_blob_writer_write(w, data, 1000), 0);
	int64_t id = 0;
	assert_int_equal(bst_blob_writer_finish(w, &id), 0);
	assert_int_equal(count_files(f->blobs), 1);
	assert_int_equal(bst_q_blob_delete(f->p->main, id), BST_QS_ONE_RESULT);
	bst_blob_writer_abort(w);
	assert_int_equal(count_files(f->blobs), 0);
	bst_blob_writer_abort(NULL);
	free(data);
}

static void test_delete_removes_file_and_row(void **state)
{
	struct fx *f = *state;
	unsigned char *data = content(100);
	int64_t id = store(f, data, 100, 100);
	assert_int_equal(count_files(f->blobs), 1);
	assert_int_equal(bst_blob_delete(&f->ctx, id), 0);
	assert_int_equal(count_files(f->blobs), 0);
	struct bst_blob_row row;
	assert_int_equal(bst_q_blob_get(f->p->main, id, &row), BST_QS_NO_RESULTS);
	struct bst_blob_reader *r = NULL;
	assert_int_equal(bst_blob_reader_open(&f->ctx, id, &r), -1);
	assert_null(r);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_round_trip_is_byte_identical_around_chunk_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_on_disk_holds_no_plaintext, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tampered_blob_fails_to_decrypt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_truncated_or_extended_blob_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_swapped_blobs_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key_reads_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_removes_the_file_before_and_after_sealing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_removes_file_and_row, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
