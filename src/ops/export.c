/* The export archive (see export.h). A file's tar header needs its size
 * before its bytes: documents know theirs; dump.sql and access-log.csv are
 * produced twice from the same snapshot (or the same trail range), once
 * to measure and hash, once into the archive, and the two must agree. */
#include "ops/export.h"
#include "core/sha256.h"
#include "audit/export.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/fileio.h"
#include "core/str.h"
#include "db/q_audit.h"
#include "db/q_dump.h"
#include "ops/dump.h"
#include "ops/export_paths.h"
#include "social/blobs.h"
#include "tenant/install.h"
#include "tenant/platform.h"

#include <archive.h>
#include <errno.h>
#include <archive_entry.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILES_PAGE 200
#define COPY_CHUNK (256 * 1024)

struct exp {
	struct bst_ctx *ctx;
	struct bst_platform *p;
	int64_t now_ms;
	const char *installation;
	int (*write)(void *cls, const void *data, size_t len);
	void *cls;
	struct archive *a;
	struct bst_export_stats *stats;
	json_t *files; /* the manifest's list */
	struct bst_dump_stats dump;
	struct bst_export_folders folders;
	bool failed;
	char *err;
	size_t errlen;
	/* the entry being written */
	struct bst_sha256 sha;
	int64_t written;
	unsigned char *chunk;
};

static void fail(struct exp *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct exp *x, const char *fmt, ...)
{
	if (!x->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
	}
	x->failed = true;
}

/* ---- libarchive's output ---- */

static la_ssize_t out_write(struct archive *a, void *cls, const void *buf, size_t len)
{
	struct exp *x = cls;
	if (x->write(x->cls, buf, len) != 0) {
		archive_set_error(a, EIO, "cannot write the archive");
		return -1;
	}
	x->stats->bytes += (int64_t)len;
	return (la_ssize_t)len;
}

/* ---- one file of the archive ---- */

static void entry_begin(struct exp *x, const char *path, int64_t size)
{
	if (x->failed)
		return;
	struct archive_entry *e = archive_entry_new();
	if (!e) {
		fail(x, "out of memory");
		return;
	}
	archive_entry_set_pathname(e, path);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, (time_t)(x->now_ms / 1000), 0);
	if (archive_write_header(x->a, e) != ARCHIVE_OK)
		fail(x, "cannot write the archive: %s", archive_error_string(x->a));
	archive_entry_free(e);
	bst_sha256_init(&x->sha);
	x->written = 0;
}

static int entry_data(struct exp *x, const void *data, size_t len)
{
	if (x->failed)
		return -1;
	bst_sha256_update(&x->sha, data, len);
	x->written += (int64_t)len;
	if (len && archive_write_data(x->a, data, len) != (la_ssize_t)len) {
		fail(x, "cannot write the archive: %s", archive_error_string(x->a));
		return -1;
	}
	return 0;
}

/* Ends the entry; its hash (hex) in sha_hex; records it in the manifest. */
static void entry_end(struct exp *x, const char *path, int64_t size)
{
	char hex[2 * BST_SHA256_BYTES + 1];
	bst_sha256_final_hex(&x->sha, hex); /* and frees the state, whatever follows */
	if (x->failed)
		return;
	if (x->written != size) {
		fail(x, "%s changed while it was exported: try again", path);
		return;
	}
	if (archive_write_finish_entry(x->a) != ARCHIVE_OK) {
		fail(x, "cannot write the archive: %s", archive_error_string(x->a));
		return;
	}
	json_array_append_new(x->files,
			      json_pack("{ss sI ss}", "path", path, "size", (json_int_t)size,
					"sha256", hex));
	x->stats->files++;
}

/* A file known in memory. */
static void entry_bytes(struct exp *x, const char *path, const char *data, size_t len)
{
	entry_begin(x, path, (int64_t)len);
	entry_data(x, data, len);
	entry_end(x, path, (int64_t)len);
}

/* ---- a measuring pass: size and hash only ---- */

struct measure {
	int64_t size;
};

static int measure_write(void *cls, const char *data, size_t len)
{
	struct measure *m = cls;
	(void)data;
	m->size += (int64_t)len; /* the hash is taken on the second pass */
	return 0;
}

/* ---- dump.sql ---- */

/* dump.sql is made once, into a spool file encrypted under a key that
 * lives only in this function's memory (the plaintext never reaches the
 * disk), which gives its size for the tar header; it is then read back,
 * decrypted, into the archive. */
#define SPOOL_CHUNK (64 * 1024)
#define SPOOL_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES

struct spool {
	int fd;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char plain[SPOOL_CHUNK];
	unsigned char cipher[SPOOL_CHUNK + SPOOL_ABYTES];
	size_t len;
	int64_t size;
	bool failed;
};

static void spool_push(struct spool *s, unsigned char tag)
{
	unsigned long long clen = 0;
	crypto_secretstream_xchacha20poly1305_push(&s->st, s->cipher, &clen, s->plain, s->len,
						   NULL, 0, tag);
	if (bst_write_all(s->fd, s->cipher, (size_t)clen) != 0)
		s->failed = true;
	s->len = 0;
}

static int spool_write(void *cls, const char *data, size_t len)
{
	struct spool *s = cls;
	s->size += (int64_t)len;
	while (len && !s->failed) {
		size_t n = SPOOL_CHUNK - s->len;
		if (n > len)
			n = len;
		memcpy(s->plain + s->len, data, n);
		s->len += n;
		data += n;
		len -= n;
		if (s->len == SPOOL_CHUNK)
			spool_push(s, 0);
	}
	return s->failed ? -1 : 0;
}

/* Reads the spool back into the archive's current entry. */
static void spool_copy(struct exp *x, struct spool *s)
{
	if (lseek(s->fd, 0, SEEK_SET) != 0 ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&s->st, s->header, s->key) != 0) {
		fail(x, "cannot read back the SQL dump");
		return;
	}
	for (bool last = false; !last && !x->failed;) {
		ssize_t n = bst_read_full(s->fd, s->cipher, sizeof s->cipher);
		unsigned long long plen = 0;
		unsigned char tag = 0;
		if (n < (ssize_t)SPOOL_ABYTES ||
		    crypto_secretstream_xchacha20poly1305_pull(&s->st, s->plain, &plen, &tag,
							       s->cipher, (unsigned long long)n,
							       NULL, 0) != 0) {
			fail(x, "the SQL dump's spool is damaged");
			return;
		}
		last = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
		entry_data(x, s->plain, (size_t)plen);
	}
}

static void export_dump(struct exp *x)
{
	struct spool *s = calloc(1, sizeof *s);
	char path[700];
	snprintf(path, sizeof path, "%s/platforms/%s/.export-spool-XXXXXX",
		 x->ctx->install ? x->ctx->install->dir : ".", x->p->slug);
	if (!s || (s->fd = mkstemp(path)) < 0) {
		fail(x, "cannot make room for the SQL dump: %s", s ? strerror(errno) : "memory");
		free(s);
		return;
	}
	unlink(path); /* nameless from now on: gone when closed */
	crypto_secretstream_xchacha20poly1305_keygen(s->key);
	crypto_secretstream_xchacha20poly1305_init_push(&s->st, s->header, s->key);
	if (bst_dump_sql(x->p, x->now_ms, spool_write, s, &x->dump, x->err, x->errlen) != 0) {
		x->failed = true;
	} else {
		spool_push(s, crypto_secretstream_xchacha20poly1305_TAG_FINAL);
		if (s->failed)
			fail(x, "cannot write the SQL dump's spool: %s", strerror(errno));
	}
	if (!x->failed) {
		entry_begin(x, "dump.sql", s->size);
		spool_copy(x, s);
		entry_end(x, "dump.sql", s->size);
	}
	close(s->fd);
	sodium_memzero(s, sizeof *s);
	free(s);
	for (size_t i = 0; i < x->dump.n_tables; i++)
		x->stats->rows += x->dump.tables[i].rows;
}

/* ---- documents ---- */

struct files_page {
	struct bst_dump_file rows[FILES_PAGE];
	size_t n;
};

static void on_file(void *cls, const struct bst_dump_file *f)
{
	struct files_page *pg = cls;
	if (pg->n < FILES_PAGE)
		pg->rows[pg->n++] = *f;
}

static void export_file(struct exp *x, const struct bst_dump_file *f)
{
	bst_buf path;
	bst_buf_init(&path);
	bst_buf_puts(&path, f->current ? "documents/" : "versions/");
	bst_buf_puts(&path, strcmp(f->owner, "group") == 0 ? "groups/" : "people/");
	bst_export_segment(&path, f->library[0] ? f->library : "?");
	bst_buf_printf(&path, " (%lld)/", (long long)f->owner_id);
	bst_export_folder_path(&x->folders, &path, f->folder_id);
	bst_export_segment(&path, f->name);
	if (!f->current) {
		bst_buf_printf(&path, "/%lld ", (long long)f->number);
		bst_export_segment(&path, f->name);
	}
	struct bst_blob_reader *r = NULL;
	if (path.oom) {
		fail(x, "out of memory");
	} else if (bst_blob_reader_open(x->ctx, f->blob_id, &r) != 0) {
		fail(x, "the stored file of document %lld (version %lld) cannot be read",
		     (long long)f->document_id, (long long)f->number);
	} else {
		int64_t size = (int64_t)bst_blob_reader_size(r);
		entry_begin(x, bst_buf_str(&path), size);
		for (long n; !x->failed && (n = bst_blob_read(r, x->chunk, COPY_CHUNK)) != 0;) {
			if (n < 0) {
				fail(x, "the stored file of document %lld (version %lld) is damaged",
				     (long long)f->document_id, (long long)f->number);
				break;
			}
			entry_data(x, x->chunk, (size_t)n);
		}
		entry_end(x, bst_buf_str(&path), size);
		bst_blob_reader_free(r);
		if (f->current)
			x->stats->documents++;
		else
			x->stats->versions++;
	}
	bst_buf_free(&path);
}

static void export_documents(struct exp *x)
{
	if (bst_export_folders_load(&x->folders, x->p->main) != 0) {
		fail(x, "cannot read the folders");
		return;
	}
	struct files_page *pg = malloc(sizeof *pg);
	if (!pg) {
		fail(x, "out of memory");
		return;
	}
	int64_t after = 0;
	for (;;) {
		pg->n = 0;
		if (bst_q_dump_files(x->p->main, NULL, 0, false, after, FILES_PAGE, on_file, pg) <
		    0) {
			fail(x, "cannot read the documents");
			break;
		}
		for (size_t i = 0; i < pg->n && !x->failed; i++)
			export_file(x, &pg->rows[i]);
		if (x->failed || pg->n < FILES_PAGE)
			break;
		after = pg->rows[pg->n - 1].version_id;
	}
	free(pg);
}

/* ---- access-log.csv ---- */

/* One pass over the trail up to head: into m (measuring) or the archive. */
static int trail_pass(struct exp *x, int64_t head, struct measure *m, int64_t *rows)
{
	struct bst_audit_query q;
	memset(&q, 0, sizeof q);
	q.f.before = head + 1;
	struct bst_audit_export *ex =
	    bst_audit_export_new(x->p->audit, x->p->main, &q, BST_AUDIT_CSV);
	if (!ex) {
		fail(x, "out of memory");
		return -1;
	}
	int rc = 0;
	for (ssize_t n; (n = bst_audit_export_read(ex, (char *)x->chunk, COPY_CHUNK)) != 0;) {
		if (n < 0) {
			fail(x, "cannot read the access log");
			rc = -1;
			break;
		}
		if (m)
			measure_write(m, (const char *)x->chunk, (size_t)n);
		else if (entry_data(x, x->chunk, (size_t)n) != 0) {
			rc = -1;
			break;
		}
	}
	*rows = bst_audit_export_rows(ex);
	bst_audit_export_free(ex);
	return rc;
}

static void export_trail(struct exp *x)
{
	int64_t head = 0, rows = 0;
	char hash[65];
	if (bst_q_trail_head(x->p->audit, &head, hash) < 0) {
		fail(x, "cannot read the access log");
		return;
	}
	struct measure m = {.size = 0};
	if (trail_pass(x, head, &m, &rows) != 0)
		return;
	entry_begin(x, "access-log.csv", m.size);
	trail_pass(x, head, NULL, &rows);
	entry_end(x, "access-log.csv", m.size);
	x->stats->trail_entries = rows;
}

/* ---- README.txt and manifest.json ---- */

static void export_readme(struct exp *x)
{
	char when[40];
	bst_time_format_iso(x->now_ms, when, sizeof when);
	bst_buf b;
	bst_buf_init(&b);
	bst_buf_printf(
	    &b,
	    "Bastide export of the platform \"%s\" (%s), taken at %s.\n\n"
	    "dump.sql        every table of the platform's data as portable SQL:\n"
	    "                  sqlite3 copy.db < dump.sql\n"
	    "                  createdb copy && PGCLIENTENCODING=UTF8 psql -d copy -f dump.sql\n"
	    "                Left out: sessions, access tokens, invitation and reset links,\n"
	    "                recovery codes, sign-in throttling, the search index (derived\n"
	    "                from the rest), the users' password hashes and second-factor\n"
	    "                secrets. Times are Unix milliseconds, UTC.\n"
	    "documents/      the current version of every document, decrypted, by library\n"
	    "                (groups/<name> (<id>), people/<name> (<id>)) and folder.\n"
	    "versions/       the earlier versions: <library>/<folders>/<name>/<number> <name>.\n"
	    "                The tables documents, document_versions and folders of\n"
	    "                dump.sql describe them all (who uploaded what, when).\n"
	    "access-log.csv  the access traces and security events kept for the platform.\n"
	    "manifest.json   every file above with its size and SHA-256 (sha256sum checks\n"
	    "                them), the rows of every table, and who made the export.\n\n"
	    "Tables and rows:\n",
	    x->p->slug, x->p->name, when);
	for (size_t i = 0; i < x->dump.n_tables; i++)
		bst_buf_printf(&b, "  %-22s %lld\n", x->dump.tables[i].name,
			       (long long)x->dump.tables[i].rows);
	if (b.oom)
		fail(x, "out of memory");
	else
		entry_bytes(x, "README.txt", b.data, b.len);
	bst_buf_free(&b);
}

static void export_manifest(struct exp *x)
{
	char when[40];
	bst_time_format_iso(x->now_ms, when, sizeof when);
	json_t *tables = json_object();
	for (size_t i = 0; i < x->dump.n_tables; i++)
		json_object_set_new(tables, x->dump.tables[i].name,
				    json_integer(x->dump.tables[i].rows));
	json_t *m = json_pack("{si ss s{ss ss} ss ss so so}", "format", 1, "created_at", when,
			      "platform", "slug", x->p->slug, "name", x->p->name,
			      "installation", x->installation ? x->installation : "",
			      "bastide", BST_VERSION, "tables", tables, "files",
			      json_incref(x->files));
	char *text = m ? json_dumps(m, JSON_INDENT(1) | JSON_ENSURE_ASCII) : NULL;
	json_decref(m);
	if (!text) {
		fail(x, "out of memory");
		return;
	}
	entry_bytes(x, "manifest.json", text, strlen(text));
	free(text);
}

/* ---- all of it, in one snapshot of main.db ---- */

static void export_all(void *cls)
{
	struct exp *x = cls;
	export_dump(x);
	if (!x->failed)
		export_documents(x);
	if (!x->failed)
		export_trail(x);
	if (!x->failed)
		export_readme(x);
	if (!x->failed)
		export_manifest(x);
}

int bst_export_archive(struct bst_ctx *ctx, int64_t now_ms, const char *installation,
		       int (*write)(void *cls, const void *data, size_t len), void *cls,
		       struct bst_export_stats *stats, char *err, size_t errlen)
{
	struct bst_export_stats local;
	struct exp *x = calloc(1, sizeof *x);
	unsigned char *chunk = malloc(COPY_CHUNK);
	json_t *files = json_array();
	struct archive *a = archive_write_new();
	err[0] = '\0';
	if (!x || !chunk || !files || !a) {
		snprintf(err, errlen, "out of memory");
		free(x);
		free(chunk);
		json_decref(files);
		if (a)
			archive_write_free(a);
		return -1;
	}
	*x = (struct exp){.ctx = ctx,
			  .p = ctx->platform,
			  .now_ms = now_ms,
			  .installation = installation,
			  .write = write,
			  .cls = cls,
			  .a = a,
			  .stats = stats ? stats : &local,
			  .files = files,
			  .err = err,
			  .errlen = errlen,
			  .chunk = chunk};
	memset(x->stats, 0, sizeof *x->stats);
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
	    /* level 1: the documents are mostly compressed or random already;
	     * the SQL still shrinks about fourfold */
	    archive_write_set_filter_option(a, "zstd", "compression-level", "1") != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, x, NULL, out_write, NULL, NULL) != ARCHIVE_OK)
		fail(x, "cannot start the archive: %s", archive_error_string(a));
	else
		bst_platform_read(x->p, export_all, x);
	if (archive_write_close(a) != ARCHIVE_OK && !x->failed)
		fail(x, "cannot finish the archive: %s", archive_error_string(a));
	archive_write_free(a);
	bst_export_folders_free(&x->folders);
	json_decref(files);
	free(chunk);
	bool failed = x->failed;
	free(x);
	return failed ? -1 : 0;
}
