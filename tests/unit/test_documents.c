/* Unit tests for the documents service (src/social/documents.c,
 * folders.c) against a real platform in a temporary installation: names
 * (path tricks, invisible characters, reserved device names), the privacy
 * of personal spaces (platform administrators included), group libraries
 * per kind and role, uploads (round trip, typing by content, size limit,
 * duplicates, versions, abort leaving nothing), rename, move, delete and
 * restore within and after 30 days, folders, and moves between libraries
 * (versions, rights on both sides, name clashes, publications that carry
 * the document, a store failure midway). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/queries.h"
#include "db/store.h"
#include "social/documents.h"
#include "social/groups.h"
#include "social/posts.h"
#include "tenant/context.h"
#include "tenant/install.h"
#include "tenant/platform.h"

#define NOW 1700000000000LL
#define DAY (24LL * 3600 * 1000)

struct fx {
	struct bst_test_platform t; /* dir, in, p, arena, cfg, base */
	char blobs[128];
	int64_t alice, bob, carol, admin;
	int64_t open_group, private_group, secret_group; /* alice administers all three */
};

static int group_setup(void **state)
{
	(void)state;
	bst_log_set_level(BST_LOG_ERROR + 1);
	return bst_crypto_init();
}

static int64_t add_user(struct fx *f, const char *email, const char *role)
{
	int64_t id = 0;
	assert_int_equal(bst_q_user_insert(f->t.p->main, email, email, role, "active", NULL,
					   NOW - 1000, &id),
			 BST_QS_ONE_RESULT);
	return id;
}

static struct bst_ctx as(struct fx *f, int64_t user_id)
{
	struct bst_ctx c = f->t.base;
	c.actor = BST_ACTOR_USER;
	assert_int_equal(bst_q_user_by_id(f->t.p->main, user_id, &c.user), BST_QS_ONE_RESULT);
	c.session_id = 1;
	return c;
}

static int64_t make_group(struct fx *f, const char *name, const char *kind)
{
	struct bst_ctx c = as(f, f->alice);
	int64_t id = 0;
	assert_int_equal(bst_group_create(&c, name, "", kind, &id), BST_GROUP_OK);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	if (bst_test_platform_open(&f->t, "documents", NOW) != 0)
		return -1;
	snprintf(f->blobs, sizeof f->blobs, "%s/platforms/acme/blobs", f->t.dir);
	f->alice = add_user(f, "alice@acme.example", "member");
	f->bob = add_user(f, "bob@acme.example", "member");
	f->carol = add_user(f, "carol@acme.example", "member");
	f->admin = add_user(f, "root@acme.example", "admin");
	f->open_group = make_group(f, "Open", "open");
	f->private_group = make_group(f, "Private", "private");
	f->secret_group = make_group(f, "Secret", "secret");
	/* bob is a member of the open group only */
	struct bst_ctx bob = as(f, f->bob);
	assert_int_equal(bst_group_join(&bob, f->open_group, NULL), BST_GROUP_OK);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int rc = bst_test_platform_close(&f->t);
	free(f);
	return rc;
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

/* Uploads len bytes of data (NULL: a pattern) as name; returns the status,
 * the new id in *id. */
static enum bst_doc_status upload(struct bst_ctx *c, const char *owner, int64_t owner_id,
				  int64_t folder, int64_t document, const char *name,
				  const void *data, size_t len, int64_t *id, int64_t *number)
{
	struct bst_doc_upload *u = NULL;
	*id = 0;
	enum bst_doc_status st =
		bst_doc_upload_begin(c, owner, owner_id, folder, document, name, &u);
	if (st != BST_DOC_OK) {
		assert_null(u);
		return st;
	}
	const unsigned char *p = data;
	unsigned char chunk[4096];
	for (size_t off = 0; off < len;) {
		size_t n = len - off < sizeof chunk ? len - off : sizeof chunk;
		if (!p)
			memset(chunk, (int)(off / sizeof chunk), n);
		st = bst_doc_upload_data(u, p ? p + off : chunk, n);
		if (st != BST_DOC_OK) {
			bst_doc_upload_abort(u);
			return st;
		}
		off += n;
	}
	int64_t num = 0;
	st = bst_doc_upload_commit(u, id, number ? number : &num);
	return st;
}

/* The whole content of version number of document id. */
static char *read_all(struct bst_ctx *c, int64_t id, int64_t number, size_t *len)
{
	struct bst_document_row d;
	struct bst_document_version_row v;
	struct bst_blob_reader *r = NULL;
	assert_int_equal(bst_doc_open(c, id, number, &d, &v, &r), BST_DOC_OK);
	char *out = calloc(1, (size_t)v.size + 1);
	assert_non_null(out);
	*len = 0;
	long n;
	while ((n = bst_blob_read(r, out + *len, 1000)) > 0)
		*len += (size_t)n;
	assert_int_equal(n, 0);
	bst_blob_reader_free(r);
	return out;
}

static void test_names_refuse_path_tricks_invisible_and_reserved(void **state)
{
	(void)state;
	static const char *const good[] = {"report.pdf", "Rapport annuel 2026.docx", "café.txt",
					   "a", "..hidden", "a..b", ".profile", "CONSOLE.txt",
					   "COM10", "nul-ish.txt", "LPT0", "日本語.md"};
	static const char *const bad[] = {"",
					  ".",
					  "..",
					  "../etc/passwd",
					  "a/b",
					  "a\\b",
					  "..\\..\\win.ini",
					  " leading",
					  "trailing ",
					  "tab\tname",
					  "new\nline",
					  "del\x7f",
					  "c1\xc2\x85",
					  "invoice\xe2\x80\xaegpj.exe", /* U+202E */
					  "zero\xe2\x80\x8bwidth",      /* U+200B */
					  "rlm\xe2\x80\x8f",            /* U+200F */
					  "iso\xe2\x81\xa6late",        /* U+2066 */
					  "\357\273\277bom",        /* U+FEFF */
					  "line\xe2\x80\xa8sep",        /* U+2028 */
					  "bad\xff utf8",
					  "overlong\xc0\xaf",
					  "surrogate\xed\xa0\x80",
					  "CON",
					  "con.txt",
					  "Prn.tar.gz",
					  "aux",
					  "NUL .txt",
					  "COM1",
					  "com9.log",
					  "LPT1.doc",
					  "lpt9",
					  "COM\xc2\xb9"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (!bst_doc_name_valid(good[i]))
			fail_msg("refused a good name: %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (bst_doc_name_valid(bad[i]))
			fail_msg("accepted a bad name (#%zu)", i);
	char longest[BST_DOC_NAME_MAX + 2];
	memset(longest, 'x', sizeof longest);
	longest[BST_DOC_NAME_MAX] = '\0';
	assert_true(bst_doc_name_valid(longest));
	longest[BST_DOC_NAME_MAX] = 'x';
	longest[BST_DOC_NAME_MAX + 1] = '\0';
	assert_false(bst_doc_name_valid(longest));
	assert_false(bst_doc_name_valid(NULL));
}

static void test_personal_space_is_its_owners_only_even_for_admins(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice), bob = as(f, f->bob), admin = as(f, f->admin);
	int64_t id;
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "diary.txt", "secret", 6, &id, NULL),
			 BST_DOC_OK);
	struct bst_library lib;
	assert_int_equal(bst_library_open(&alice, "user", f->alice, &lib), BST_DOC_OK);
	assert_true(lib.read && lib.write && lib.manage);
	assert_int_equal(bst_library_open(&bob, "user", f->alice, &lib), BST_DOC_NOT_FOUND);
	assert_int_equal(bst_library_open(&admin, "user", f->alice, &lib), BST_DOC_NOT_FOUND);
	struct bst_document_row d;
	assert_int_equal(bst_doc_get(&bob, id, &d, NULL, NULL), BST_DOC_NOT_FOUND);
	assert_int_equal(bst_doc_get(&admin, id, &d, NULL, NULL), BST_DOC_NOT_FOUND);
	assert_int_equal(bst_doc_delete(&admin, id), BST_DOC_NOT_FOUND);
	/* nor upload into it */
	assert_int_equal(upload(&admin, "user", f->alice, 0, 0, "x.txt", "x", 1, &id, NULL),
			 BST_DOC_NOT_FOUND);
	assert_int_equal(bst_library_open(&alice, "nobody", 0, &lib), BST_DOC_INVALID_OWNER);
}

static void test_group_libraries_follow_group_access(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice), bob = as(f, f->bob), carol = as(f, f->carol);
	struct bst_library lib;
	/* bob, a member of the open group, reads and writes there */
	assert_int_equal(bst_library_open(&bob, "group", f->open_group, &lib), BST_DOC_OK);
	assert_true(lib.read && lib.write && !lib.manage);
	/* carol, not a member: reads an open group's library, writes nothing */
	assert_int_equal(bst_library_open(&carol, "group", f->open_group, &lib), BST_DOC_OK);
	assert_true(lib.read && !lib.write);
	int64_t id;
	assert_int_equal(upload(&carol, "group", f->open_group, 0, 0, "c.txt", "c", 1, &id, NULL),
			 BST_DOC_FORBIDDEN);
	/* a private group's library: visible group, closed library */
	assert_int_equal(bst_library_open(&carol, "group", f->private_group, &lib),
			 BST_DOC_FORBIDDEN);
	/* a secret group's: as if it did not exist */
	assert_int_equal(bst_library_open(&carol, "group", f->secret_group, &lib),
			 BST_DOC_NOT_FOUND);
	assert_int_equal(bst_library_open(&carol, "group", 999999, &lib), BST_DOC_NOT_FOUND);
	/* a document in the secret group is invisible to carol */
	assert_int_equal(upload(&alice, "group", f->secret_group, 0, 0, "plan.txt", "p", 1, &id,
				NULL),
			 BST_DOC_OK);
	struct bst_document_row d;
	assert_int_equal(bst_doc_get(&carol, id, &d, NULL, NULL), BST_DOC_NOT_FOUND);
	assert_int_equal(bst_doc_get(&alice, id, &d, NULL, NULL), BST_DOC_OK);
}

static void test_members_change_their_own_managers_change_any(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice), bob = as(f, f->bob), admin = as(f, f->admin);
	int64_t mine, theirs;
	assert_int_equal(upload(&bob, "group", f->open_group, 0, 0, "bob.txt", "b", 1, &mine, NULL),
			 BST_DOC_OK);
	assert_int_equal(upload(&alice, "group", f->open_group, 0, 0, "alice.txt", "a", 1, &theirs,
				NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_rename(&bob, mine, "bob-2.txt"), BST_DOC_OK);
	assert_int_equal(bst_doc_rename(&bob, theirs, "mine-now.txt"), BST_DOC_FORBIDDEN);
	assert_int_equal(bst_doc_delete(&bob, theirs), BST_DOC_FORBIDDEN);
	/* any member adds versions */
	int64_t id, number = 0;
	assert_int_equal(upload(&bob, NULL, 0, 0, theirs, NULL, "a2", 2, &id, &number), BST_DOC_OK);
	assert_int_equal(id, theirs);
	assert_int_equal(number, 2);
	/* the group's administrator and a platform administrator change anything */
	assert_int_equal(bst_doc_rename(&alice, mine, "renamed-by-alice.txt"), BST_DOC_OK);
	assert_int_equal(bst_doc_delete(&admin, mine), BST_DOC_OK);
	assert_int_equal(bst_doc_restore(&admin, mine), BST_DOC_OK);
	assert_int_equal(bst_doc_delete(&alice, mine), BST_DOC_OK);
	/* a read-only token changes nothing */
	struct bst_ctx token = as(f, f->alice);
	token.via_token = true;
	token.token_write = false;
	assert_int_equal(bst_doc_rename(&token, theirs, "x.txt"), BST_DOC_FORBIDDEN);
	assert_int_equal(upload(&token, "user", 0, 0, 0, "t.txt", "t", 1, &id, NULL),
			 BST_DOC_FORBIDDEN);
}

static void test_upload_round_trip_versions_and_typing(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice);
	size_t len = 3 * BST_BLOB_CHUNK + 77;
	char *data = malloc(len);
	assert_non_null(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	int64_t id, number;
	/* a ".png" holding text is typed by its content */
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "picture.png", data, len, &id, &number),
			 BST_DOC_OK);
	assert_int_equal(number, 1);
	struct bst_document_row d;
	assert_int_equal(bst_doc_get(&alice, id, &d, NULL, NULL), BST_DOC_OK);
	assert_string_equal(d.name, "picture.png");
	assert_string_equal(d.content_type, "text/plain");
	assert_int_equal(d.size, (int64_t)len);
	size_t got = 0;
	char *back = read_all(&alice, id, 0, &got);
	assert_int_equal(got, len);
	assert_memory_equal(back, data, len);
	free(back);
	/* version 2: a real PNG signature */
	static const unsigned char png[] = {0x89, 'P',  'N',  'G',  '\r', '\n', 0x1a, '\n',
					    0,    0,    0,    13,   'I',  'H',  'D',  'R',
					    0,    0,    0,    1,    0,    0,    0,    1,
					    8,    6,    0,    0,    0,    0x1f, 0x15, 0xc4, 0x89};
	int64_t same;
	assert_int_equal(upload(&alice, NULL, 0, 0, id, NULL, png, sizeof png, &same, &number),
			 BST_DOC_OK);
	assert_int_equal(same, id);
	assert_int_equal(number, 2);
	assert_int_equal(bst_doc_get(&alice, id, &d, NULL, NULL), BST_DOC_OK);
	assert_int_equal(d.version, 2);
	assert_string_equal(d.content_type, "image/png");
	/* both versions are there and readable */
	back = read_all(&alice, id, 1, &got);
	assert_int_equal(got, len);
	assert_memory_equal(back, data, len);
	free(back);
	back = read_all(&alice, id, 2, &got);
	assert_int_equal(got, sizeof png);
	assert_memory_equal(back, png, sizeof png);
	free(back);
	struct bst_document_version_row v;
	struct bst_blob_reader *r = NULL;
	assert_int_equal(bst_doc_open(&alice, id, 3, &d, &v, &r), BST_DOC_VERSION_NOT_FOUND);
	assert_null(r);
	assert_int_equal(count_files(f->blobs), 2);
	free(data);
}

static void test_duplicates_and_limits_leave_nothing_behind(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice);
	int64_t id;
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "Report.pdf", "1", 1, &id, NULL),
			 BST_DOC_OK);
	/* the same name, whatever its ASCII case */
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "report.PDF", "2", 1, &id, NULL),
			 BST_DOC_NAME_TAKEN);
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "../Report.pdf", "2", 1, &id, NULL),
			 BST_DOC_INVALID_NAME);
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "LPT1.pdf", "2", 1, &id, NULL),
			 BST_DOC_INVALID_NAME);
	assert_int_equal(count_files(f->blobs), 1);
	/* over the size limit: refused as it arrives, the partial blob removed */
	struct bst_doc_upload *u = NULL;
	assert_int_equal(bst_doc_upload_begin(&alice, "user", 0, 0, 0, "big.bin", &u), BST_DOC_OK);
	static unsigned char mb[1 << 20];
	enum bst_doc_status st = BST_DOC_OK;
	int64_t sent = 0;
	while (st == BST_DOC_OK) {
		st = bst_doc_upload_data(u, mb, sizeof mb);
		sent += (int64_t)sizeof mb;
	}
	assert_int_equal(st, BST_DOC_TOO_LARGE);
	assert_true(sent > BST_DOC_FILE_MAX);
	assert_int_equal(count_files(f->blobs), 2); /* its temporary file, until aborted */
	bst_doc_upload_abort(u);
	assert_int_equal(count_files(f->blobs), 1);
	/* an aborted upload leaves no row either */
	assert_int_equal(bst_doc_upload_begin(&alice, "user", 0, 0, 0, "gone.bin", &u),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_upload_data(u, "abc", 3), BST_DOC_OK);
	bst_doc_upload_abort(u);
	assert_int_equal(count_files(f->blobs), 1);
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "gone.bin", "x", 1, &id, NULL),
			 BST_DOC_OK); /* the name is free: nothing was recorded */
	/* a name taken while the file arrived: refused at commit, blob removed */
	struct bst_doc_upload *first = NULL;
	assert_int_equal(bst_doc_upload_begin(&alice, "user", 0, 0, 0, "race.txt", &first),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_upload_data(first, "one", 3), BST_DOC_OK);
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "race.txt", "two", 3, &id, NULL),
			 BST_DOC_OK);
	int64_t n = 0;
	assert_int_equal(bst_doc_upload_commit(first, &id, &n), BST_DOC_NAME_TAKEN);
	assert_int_equal(count_files(f->blobs), 3);
}

static void test_delete_and_restore_within_thirty_days(void **state)
{
	struct fx *f = *state;
	struct bst_ctx bob = as(f, f->bob), carol = as(f, f->carol);
	int64_t id;
	assert_int_equal(upload(&bob, "group", f->open_group, 0, 0, "notes.txt", "n", 1, &id, NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_delete(&bob, id), BST_DOC_OK);
	struct bst_document_row d;
	struct bst_doc_rights rights;
	/* gone for readers, restorable by its uploader */
	assert_int_equal(bst_doc_get(&carol, id, &d, NULL, NULL), BST_DOC_NOT_FOUND);
	assert_int_equal(bst_doc_get(&bob, id, &d, NULL, &rights), BST_DOC_OK);
	assert_true(rights.restore);
	struct bst_document_version_row v;
	struct bst_blob_reader *r = NULL;
	assert_int_equal(bst_doc_open(&bob, id, 0, &d, &v, &r), BST_DOC_NOT_FOUND);
	/* its name is free meanwhile; restoring then is refused */
	int64_t other;
	assert_int_equal(upload(&bob, "group", f->open_group, 0, 0, "notes.txt", "o", 1, &other,
				NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_restore(&bob, id), BST_DOC_NAME_TAKEN);
	assert_int_equal(bst_doc_delete(&bob, other), BST_DOC_OK);
	bob.now = NOW + 29 * DAY;
	assert_int_equal(bst_doc_restore(&bob, id), BST_DOC_OK);
	assert_int_equal(bst_doc_restore(&bob, id), BST_DOC_NOT_DELETED);
	/* past 30 days: no longer */
	bob.now = NOW + 29 * DAY;
	assert_int_equal(bst_doc_delete(&bob, id), BST_DOC_OK);
	bob.now = NOW + 60 * DAY;
	assert_int_equal(bst_doc_restore(&bob, id), BST_DOC_RESTORE_EXPIRED);
	assert_int_equal(bst_doc_get(&carol, id, &d, NULL, NULL), BST_DOC_NOT_FOUND);
}

/* The purge: what is deleted past the window (and its grace) goes, with
 * its blobs and its emptied folder in the same pass; a document restored
 * in time stays; a blob file already missing is no obstacle; a blob store
 * that cannot be read fails the pass (-1) after the rows were purged. */
static void test_purge_removes_old_deletions_keeps_restored(void **state)
{
	struct fx *f = *state;
	struct bst_ctx bob = as(f, f->bob);
	int64_t folder = 0, a, b, c;
	struct bst_library lib;
	assert_int_equal(bst_library_open(&bob, "group", f->open_group, &lib), BST_DOC_OK);
	assert_int_equal(bst_folder_create(&bob, &lib, 0, "Old", &folder), BST_DOC_OK);
	assert_int_equal(upload(&bob, "group", f->open_group, 0, 0, "a.bin", NULL, 70000, &a,
				NULL),
			 BST_DOC_OK);
	assert_int_equal(upload(&bob, "group", f->open_group, 0, a, NULL, NULL, 10, &a, NULL),
			 BST_DOC_OK);
	assert_int_equal(upload(&bob, "group", f->open_group, 0, 0, "b.bin", "b", 1, &b, NULL),
			 BST_DOC_OK);
	assert_int_equal(upload(&bob, "group", f->open_group, folder, 0, "c.bin", "c", 1, &c,
				NULL),
			 BST_DOC_OK);
	assert_int_equal(count_files(f->blobs), 4);
	assert_int_equal(bst_doc_delete(&bob, a), BST_DOC_OK);
	assert_int_equal(bst_doc_delete(&bob, b), BST_DOC_OK);
	assert_int_equal(bst_doc_delete(&bob, c), BST_DOC_OK);
	assert_int_equal(bst_folder_delete(&bob, folder), BST_DOC_OK);
	/* one of a's files is gone already (a crash after a purge's commit) */
	struct bst_document_version_row v;
	struct bst_blob_row row;
	char path[256];
	assert_int_equal(bst_q_document_version_get(f->t.p->main, a, 1, &v), BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_blob_get(f->t.p->main, v.blob_id, &row), BST_QS_ONE_RESULT);
	snprintf(path, sizeof path, "%s/%s", f->blobs, row.name);
	assert_int_equal(unlink(path), 0);
	bob.now = NOW + 29 * DAY;
	assert_int_equal(bst_doc_restore(&bob, b), BST_DOC_OK);

	struct bst_ctx op = f->t.base;
	op.actor = BST_ACTOR_OPERATOR;
	struct bst_doc_purge_counts n;
	/* the window closed, its grace not yet over: nothing goes */
	op.now = NOW + BST_DOC_RESTORE_MS + BST_DOC_PURGE_GRACE_MS / 2;
	assert_int_equal(bst_doc_purge(&op, &n), 0);
	assert_int_equal(n.documents + n.folders, 0);
	op.now = NOW + 31 * DAY;
	assert_int_equal(bst_doc_purge(&op, &n), 0);
	assert_int_equal(n.documents, 2);
	assert_int_equal(n.versions, 3);
	assert_int_equal(n.blobs, 3);   /* a missing file is no obstacle */
	assert_int_equal(n.folders, 1); /* emptied by c's purge in the same pass */
	assert_int_equal(count_files(f->blobs), 1);
	struct bst_document_row d;
	assert_int_equal(bst_q_document_get(f->t.p->main, a, &d), BST_QS_NO_RESULTS);
	assert_int_equal(bst_q_document_get(f->t.p->main, b, &d), BST_QS_ONE_RESULT);
	size_t len = 0;
	bob.now = op.now;
	free(read_all(&bob, b, 0, &len));
	assert_int_equal(len, 1);

	/* a blob store that cannot be read: the rows still go, the pass fails */
	assert_int_equal(upload(&bob, "group", f->open_group, 0, 0, "d.bin", "d", 1, &a, NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_delete(&bob, a), BST_DOC_OK);
	char moved[160];
	snprintf(moved, sizeof moved, "%s.moved", f->blobs);
	assert_int_equal(rename(f->blobs, moved), 0);
	FILE *fp = fopen(f->blobs, "w");
	assert_non_null(fp);
	fclose(fp);
	op.now = bob.now + 31 * DAY;
	assert_int_equal(bst_doc_purge(&op, &n), -1);
	assert_int_equal(n.documents, 1);
	assert_int_equal(bst_q_document_get(f->t.p->main, a, &d), BST_QS_NO_RESULTS);
	assert_int_equal(unlink(f->blobs), 0);
	assert_int_equal(rename(moved, f->blobs), 0);
}

static void test_folders_names_moves_and_deletion(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice), bob = as(f, f->bob);
	struct bst_library lib, bobs;
	assert_int_equal(bst_library_open(&alice, "user", 0, &lib), BST_DOC_OK);
	assert_int_equal(bst_library_open(&bob, "user", 0, &bobs), BST_DOC_OK);
	int64_t a, b, again, inner;
	assert_int_equal(bst_folder_create(&alice, &lib, 0, "Projects", &a), BST_DOC_OK);
	assert_int_equal(bst_folder_create(&alice, &lib, 0, "projects", &again),
			 BST_DOC_NAME_TAKEN);
	assert_int_equal(bst_folder_create(&alice, &lib, 0, "..", &again), BST_DOC_INVALID_NAME);
	assert_int_equal(bst_folder_create(&alice, &lib, a, "2026", &b), BST_DOC_OK);
	/* the same name in another folder is fine */
	assert_int_equal(bst_folder_create(&alice, &lib, b, "Projects", &inner), BST_DOC_OK);
	/* another library's folder is not a parent here */
	assert_int_equal(bst_folder_create(&bob, &bobs, a, "x", &again), BST_DOC_FOLDER_NOT_FOUND);
	int64_t doc;
	assert_int_equal(upload(&alice, "user", 0, b, 0, "plan.txt", "p", 1, &doc, NULL),
			 BST_DOC_OK);
	struct bst_document_row d;
	assert_int_equal(bst_doc_get(&alice, doc, &d, NULL, NULL), BST_DOC_OK);
	assert_int_equal(d.folder_id, b);
	/* a folder holding something stays */
	assert_int_equal(bst_folder_delete(&alice, b), BST_DOC_FOLDER_NOT_EMPTY);
	assert_int_equal(bst_doc_move(&alice, doc, a), BST_DOC_OK);
	assert_int_equal(bst_doc_move(&alice, doc, 999999), BST_DOC_FOLDER_NOT_FOUND);
	assert_int_equal(bst_folder_delete(&alice, inner), BST_DOC_OK);
	assert_int_equal(bst_folder_delete(&alice, b), BST_DOC_OK);
	/* moving into a deleted folder is refused */
	assert_int_equal(bst_doc_move(&alice, doc, b), BST_DOC_FOLDER_NOT_FOUND);
	assert_int_equal(bst_folder_restore(&alice, b), BST_DOC_OK);
	assert_int_equal(bst_doc_move(&alice, doc, b), BST_DOC_OK);
	/* the same name twice in one folder is refused, even by a move */
	int64_t twin;
	assert_int_equal(upload(&alice, "user", 0, a, 0, "plan.txt", "q", 1, &twin, NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_move(&alice, doc, a), BST_DOC_MOVE_NAME_TAKEN);
	assert_int_equal(bst_folder_rename(&alice, b, "Renamed"), BST_DOC_OK);
	assert_int_equal(bst_folder_rename(&alice, b, "con"), BST_DOC_INVALID_NAME);
	/* breadcrumbs: the path from the root */
	struct bst_folder_row fr;
	assert_int_equal(bst_folder_check(&alice, &lib, b, &fr), BST_DOC_OK);
	assert_string_equal(fr.name, "Renamed");
	assert_int_equal(fr.parent_id, a);
	/* nesting is bounded */
	int64_t parent = 0, child = 0;
	enum bst_doc_status st = BST_DOC_OK;
	for (int depth = 0; depth <= BST_FOLDER_DEPTH_MAX && st == BST_DOC_OK; depth++) {
		st = bst_folder_create(&alice, &lib, parent, "deep", &child);
		parent = child;
	}
	assert_int_equal(st, BST_DOC_TOO_DEEP);
}

/* Where document id is now: its library and folder. */
static void assert_place(struct fx *f, int64_t id, const char *owner, int64_t owner_id,
			 int64_t folder_id)
{
	struct bst_document_row d;
	assert_int_equal(bst_q_document_get(f->t.p->main, id, &d), BST_QS_ONE_RESULT);
	assert_string_equal(d.owner, owner);
	assert_int_equal(d.owner_id, owner_id);
	assert_int_equal(d.folder_id, folder_id);
}

static void test_move_to_a_group_takes_every_version_and_no_blob_moves(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice), bob = as(f, f->bob);
	int64_t doc, n;
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "report.txt", "first", 5, &doc, &n),
			 BST_DOC_OK);
	assert_int_equal(upload(&alice, NULL, 0, 0, doc, NULL, "second!", 7, &doc, &n),
			 BST_DOC_OK);
	assert_int_equal(n, 2);
	int files = count_files(f->blobs);
	int64_t bytes = bst_q_documents_bytes(f->t.p->main);
	/* bob cannot see it yet */
	struct bst_document_row d;
	assert_int_equal(bst_doc_get(&bob, doc, &d, NULL, NULL), BST_DOC_NOT_FOUND);
	struct bst_library open;
	int64_t folder;
	assert_int_equal(bst_library_open(&alice, "group", f->open_group, &open), BST_DOC_OK);
	assert_int_equal(bst_folder_create(&alice, &open, 0, "Reports", &folder), BST_DOC_OK);
	assert_int_equal(bst_doc_move_to(&alice, doc, "group", f->open_group, folder), BST_DOC_OK);
	assert_place(f, doc, "group", f->open_group, folder);
	/* the open group's members read both versions, bytes as they were */
	size_t len;
	char *v1 = read_all(&bob, doc, 1, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(v1, "first", 5);
	free(v1);
	char *v2 = read_all(&bob, doc, 0, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(v2, "second!", 7);
	free(v2);
	/* only rows moved: no file written or removed, the quota's measure unchanged */
	assert_int_equal(count_files(f->blobs), files);
	assert_int_equal(bst_q_documents_bytes(f->t.p->main), bytes);
	/* and back to the personal space, at its root */
	assert_int_equal(bst_doc_move_to(&alice, doc, "user", 0, 0), BST_DOC_OK);
	assert_place(f, doc, "user", f->alice, 0);
	assert_int_equal(bst_doc_get(&bob, doc, &d, NULL, NULL), BST_DOC_NOT_FOUND);
	/* a folder of the source library is not a folder of the target */
	assert_int_equal(bst_doc_move_to(&alice, doc, "group", f->private_group, folder),
			 BST_DOC_FOLDER_NOT_FOUND);
	assert_place(f, doc, "user", f->alice, 0);
}

static void test_move_needs_change_at_source_and_write_at_target(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice), bob = as(f, f->bob), carol = as(f, f->carol);
	struct bst_ctx admin = as(f, f->admin);
	int64_t bobs, alices;
	assert_int_equal(upload(&bob, "group", f->open_group, 0, 0, "b.txt", "b", 1, &bobs, NULL),
			 BST_DOC_OK);
	assert_int_equal(upload(&alice, "group", f->open_group, 0, 0, "a.txt", "a", 1, &alices,
				NULL),
			 BST_DOC_OK);
	/* bob may not add to a private group he is not in, nor know of a secret one */
	assert_int_equal(bst_doc_move_to(&bob, bobs, "group", f->private_group, 0),
			 BST_DOC_FORBIDDEN);
	assert_int_equal(bst_doc_move_to(&bob, bobs, "group", f->secret_group, 0),
			 BST_DOC_NOT_FOUND);
	/* nor put anything in someone else's personal space */
	assert_int_equal(bst_doc_move_to(&bob, bobs, "user", f->alice, 0), BST_DOC_NOT_FOUND);
	/* a member may not take away what another member uploaded */
	assert_int_equal(bst_doc_move_to(&bob, alices, "user", 0, 0), BST_DOC_FORBIDDEN);
	/* a reader who is no member changes nothing */
	assert_int_equal(bst_doc_move_to(&carol, bobs, "user", 0, 0), BST_DOC_FORBIDDEN);
	/* a platform administrator manages the open group's library: he moves
	 * within it, though he is no member, but may not add to a secret group
	 * he is not in, nor to the open group from elsewhere */
	struct bst_library open;
	int64_t folder, admins;
	assert_int_equal(bst_library_open(&admin, "group", f->open_group, &open), BST_DOC_OK);
	assert_false(open.write);
	struct bst_library alices_open;
	assert_int_equal(bst_library_open(&alice, "group", f->open_group, &alices_open), BST_DOC_OK);
	assert_int_equal(bst_folder_create(&alice, &alices_open, 0, "Sorted", &folder), BST_DOC_OK);
	assert_int_equal(bst_doc_move(&admin, bobs, folder), BST_DOC_OK);
	assert_int_equal(bst_doc_move_to(&admin, bobs, "group", f->open_group, 0), BST_DOC_OK);
	assert_int_equal(bst_doc_move_to(&admin, bobs, "group", f->secret_group, 0),
			 BST_DOC_NOT_FOUND);
	assert_int_equal(upload(&admin, "user", 0, 0, 0, "admin.txt", "r", 1, &admins, NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_move_to(&admin, admins, "group", f->open_group, 0),
			 BST_DOC_FORBIDDEN);
	/* nonsense owners */
	assert_int_equal(bst_doc_move_to(&bob, bobs, "platform", 1, 0), BST_DOC_INVALID_OWNER);
	assert_place(f, bobs, "group", f->open_group, 0);
	assert_place(f, alices, "group", f->open_group, 0);
	/* the group's administrator may move anything of its library where she may write */
	assert_int_equal(bst_doc_move_to(&alice, bobs, "group", f->secret_group, 0), BST_DOC_OK);
	assert_place(f, bobs, "group", f->secret_group, 0);
	struct bst_document_row d;
	assert_int_equal(bst_doc_get(&bob, bobs, &d, NULL, NULL), BST_DOC_NOT_FOUND);
	/* bob uploads his own into his space */
	assert_int_equal(upload(&bob, "group", f->open_group, 0, 0, "c.txt", "c", 1, &bobs, NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_move_to(&bob, bobs, "user", 0, 0), BST_DOC_OK);
	assert_place(f, bobs, "user", f->bob, 0);
}

static void test_move_refuses_a_name_clash_in_the_target_folder(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice);
	int64_t mine, theirs;
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "Budget.ods", "m", 1, &mine, NULL),
			 BST_DOC_OK);
	assert_int_equal(upload(&alice, "group", f->private_group, 0, 0, "budget.ODS", "t", 1,
				&theirs, NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_doc_move_to(&alice, mine, "group", f->private_group, 0),
			 BST_DOC_MOVE_NAME_TAKEN);
	assert_place(f, mine, "user", f->alice, 0);
	assert_string_equal(bst_doc_code(BST_DOC_MOVE_NAME_TAKEN), "name_taken");
	assert_int_equal(bst_doc_http_status(BST_DOC_MOVE_NAME_TAKEN), 409);
	/* renamed, it goes */
	assert_int_equal(bst_doc_rename(&alice, mine, "Budget (mine).ods"), BST_DOC_OK);
	assert_int_equal(bst_doc_move_to(&alice, mine, "group", f->private_group, 0), BST_DOC_OK);
}

static void test_move_refused_midway_by_a_publication_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice);
	int64_t doc, feed_doc, in_group, in_feed, other_open;
	other_open = make_group(f, "Open too", "open");
	assert_int_equal(upload(&alice, "group", f->open_group, 0, 0, "deck.pdf", "d", 1, &doc,
				NULL),
			 BST_DOC_OK);
	assert_int_equal(upload(&alice, "group", f->open_group, 0, 0, "memo.txt", "m", 1,
				&feed_doc, NULL),
			 BST_DOC_OK);
	assert_int_equal(bst_post_create_with(&alice, f->open_group, "The deck", &doc, 1,
					      &in_group),
			 BST_POST_OK);
	assert_int_equal(bst_post_create_with(&alice, 0, "The memo", &feed_doc, 1, &in_feed),
			 BST_POST_OK);
	/* the row is changed first, then the links are checked: the refusal
	 * rolls the row back */
	assert_int_equal(bst_doc_move_to(&alice, doc, "user", 0, 0), BST_DOC_ATTACHED);
	assert_int_equal(bst_doc_move_to(&alice, doc, "group", other_open, 0), BST_DOC_ATTACHED);
	assert_place(f, doc, "group", f->open_group, 0);
	assert_int_equal(bst_doc_http_status(BST_DOC_ATTACHED), 409);
	/* within its library a document attached moves freely */
	int64_t folder;
	struct bst_library open;
	assert_int_equal(bst_library_open(&alice, "group", f->open_group, &open), BST_DOC_OK);
	assert_int_equal(bst_folder_create(&alice, &open, 0, "Decks", &folder), BST_DOC_OK);
	assert_int_equal(bst_doc_move(&alice, doc, folder), BST_DOC_OK);
	/* the platform feed carries documents of open groups: another open
	 * group's library is fine, a private one is not */
	assert_int_equal(bst_doc_move_to(&alice, feed_doc, "group", f->private_group, 0),
			 BST_DOC_ATTACHED);
	assert_int_equal(bst_doc_move_to(&alice, feed_doc, "group", other_open, 0), BST_DOC_OK);
	assert_place(f, feed_doc, "group", other_open, 0);
	/* once the publication is deleted, its link no longer holds the document */
	assert_int_equal(bst_post_delete(&alice, in_group), BST_POST_OK);
	assert_int_equal(bst_doc_move_to(&alice, doc, "user", 0, 0), BST_DOC_OK);
	assert_place(f, doc, "user", f->alice, 0);
	(void)in_feed;
}

static void test_store_failure_midway_leaves_the_document_where_it_was(void **state)
{
	struct fx *f = *state;
	struct bst_ctx alice = as(f, f->alice);
	int64_t doc;
	assert_int_equal(upload(&alice, "user", 0, 0, 0, "notes.txt", "n", 1, &doc, NULL),
			 BST_DOC_OK);
	/* the search entry is written last: make that write fail */
	assert_true(bst_db_exec(f->t.p->main,
				"CREATE TEMP TRIGGER fail_search BEFORE INSERT ON search_refs"
				" WHEN NEW.kind = 'document' BEGIN SELECT RAISE(ABORT, 'injected'); END",
				(struct bst_qp[]){BST_QP_END}, NULL, NULL) >= 0);
	assert_int_equal(bst_doc_move_to(&alice, doc, "group", f->secret_group, 0), BST_DOC_ERROR);
	assert_place(f, doc, "user", f->alice, 0);
	assert_true(bst_db_exec(f->t.p->main, "DROP TRIGGER temp.fail_search",
				(struct bst_qp[]){BST_QP_END}, NULL, NULL) >= 0);
	assert_int_equal(bst_doc_move_to(&alice, doc, "group", f->secret_group, 0), BST_DOC_OK);
	assert_place(f, doc, "group", f->secret_group, 0);
}

struct seen_targets {
	int n;
	int64_t ids[8];
};

static void seen_target(void *cls, const struct bst_library *lib, const char *group_name)
{
	struct seen_targets *s = cls;
	assert_true(lib->write);
	assert_true(strcmp(lib->owner, "user") == 0 ? group_name[0] == 0 : group_name[0] != 0);
	if (s->n < 8)
		s->ids[s->n] = strcmp(lib->owner, "user") == 0 ? 0 : lib->owner_id;
	s->n++;
}

static void test_move_targets_are_ones_space_and_groups_one_writes_to(void **state)
{
	struct fx *f = *state;
	struct bst_ctx bob = as(f, f->bob), carol = as(f, f->carol);
	struct seen_targets s = {0};
	assert_int_equal(bst_library_targets(&bob, seen_target, &s), BST_DOC_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], 0);
	assert_int_equal(s.ids[1], f->open_group);
	memset(&s, 0, sizeof s);
	assert_int_equal(bst_library_targets(&carol, seen_target, &s), BST_DOC_OK);
	assert_int_equal(s.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_refuse_path_tricks_invisible_and_reserved),
		cmocka_unit_test_setup_teardown(test_personal_space_is_its_owners_only_even_for_admins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_libraries_follow_group_access, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_members_change_their_own_managers_change_any,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_upload_round_trip_versions_and_typing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_limits_leave_nothing_behind,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_and_restore_within_thirty_days, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_folders_names_moves_and_deletion, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_purge_removes_old_deletions_keeps_restored,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_move_to_a_group_takes_every_version_and_no_blob_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_needs_change_at_source_and_write_at_target,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_refuses_a_name_clash_in_the_target_folder,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_move_refused_midway_by_a_publication_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_failure_midway_leaves_the_document_where_it_was, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_move_targets_are_ones_space_and_groups_one_writes_to, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
