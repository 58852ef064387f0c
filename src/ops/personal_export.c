/* The personal export (see personal_export.h): a small state machine
 * driven by the reads; libarchive writes what each step produces into
 * out, which the reads drain. */
#include "ops/personal_export.h"
#include "audit/audit.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/q_dump.h"
#include "db/queries.h"
#include "ops/export_paths.h"
#include "social/blobs.h"
#include "social/profiles.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TEXTS_PAGE 100
#define FILES_PAGE 100
#define PIECE (128 * 1024)

enum stage { PROFILE, POSTS, COMMENTS, DOCUMENTS, CLOSE, DONE };

struct bst_personal_export {
	struct bst_ctx ctx;
	struct archive *a;
	bst_buf out;
	size_t out_pos;
	enum stage stage;
	bool in_entry, failed, first_item;
	int64_t after; /* the last text or file done in the stage */
	struct bst_export_folders folders;
	/* the document being sent */
	struct bst_blob_reader *blob;
	struct bst_dump_file files[FILES_PAGE];
	size_t n_files, next_file;
	unsigned char piece[PIECE];
};

static la_ssize_t to_out(struct archive *a, void *cls, const void *buf, size_t len)
{
	struct bst_personal_export *x = cls;
	if (!bst_buf_append(&x->out, buf, len)) {
		archive_set_error(a, ENOMEM, "out of memory");
		return -1;
	}
	return (la_ssize_t)len;
}

static void fail(struct bst_personal_export *x, const char *what)
{
	if (!x->failed)
		bst_log_error("platform %s: the personal export of user %lld failed: %s",
			      x->ctx.platform->slug, (long long)x->ctx.user.id, what);
	x->failed = true;
}

/* A new entry; size -1: unknown (zip data descriptor). */
static void entry(struct bst_personal_export *x, const char *path, int64_t size)
{
	struct archive_entry *e = archive_entry_new();
	if (!e) {
		fail(x, "out of memory");
		return;
	}
	archive_entry_set_pathname_utf8(e, path);
	if (size >= 0)
		archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, (time_t)(x->ctx.now / 1000), 0);
	if (archive_write_header(x->a, e) != ARCHIVE_OK)
		fail(x, archive_error_string(x->a));
	archive_entry_free(e);
}

static void data(struct bst_personal_export *x, const void *p, size_t len)
{
	if (!x->failed && len && archive_write_data(x->a, p, len) != (la_ssize_t)len)
		fail(x, archive_error_string(x->a));
}

static void text(struct bst_personal_export *x, const char *s)
{
	data(x, s, strlen(s));
}

static void json_item(struct bst_personal_export *x, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (!s) {
		fail(x, "out of memory");
		return;
	}
	text(x, x->first_item ? "\n  " : ",\n  ");
	text(x, s);
	free(s);
	x->first_item = false;
}

static json_t *iso(int64_t ms)
{
	if (!ms)
		return json_null();
	char t[40];
	bst_time_format_iso(ms, t, sizeof t);
	return json_string(t);
}

static void step_profile(struct bst_personal_export *x)
{
	struct bst_profile_row *u = malloc(sizeof *u);
	if (!u || bst_profile_get(&x->ctx, x->ctx.user.id, u) != BST_PROFILE_OK) {
		free(u);
		fail(x, "cannot read the profile");
		return;
	}
	json_t *j = json_pack("{ss ss ss ss ss ss ss ss ss ss so}", "email", u->email, "name",
			      u->name, "job_title", u->job_title, "department", u->department,
			      "location", u->location, "phone", u->phone, "bio_markdown", u->bio,
			      "language", u->lang, "role", u->role, "mail_notifications",
			      u->notify_mail, "created_at", iso(u->created_ms));
	free(u);
	char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (!s) {
		fail(x, "out of memory");
		return;
	}
	entry(x, "profile.json", (int64_t)strlen(s));
	text(x, s);
	free(s);
	x->stage = POSTS;
	x->after = 0;
}

static void on_text(void *cls, const struct bst_dump_text *t)
{
	struct bst_personal_export *x = cls;
	bool post = x->stage == POSTS;
	json_t *j = json_pack("{sI sI s{sI ss} ss so so so}", "id", (json_int_t)t->id, "publication",
			      (json_int_t)t->post_id, "where", "group_id", (json_int_t)t->group_id,
			      "group", t->group_id ? t->group_name : "", "body_markdown",
			      t->body ? t->body : "", "created_at", iso(t->created_ms),
			      "edited_at", iso(t->edited_ms), "deleted_at", iso(t->deleted_ms));
	if (post && j)
		json_object_del(j, "publication");
	json_item(x, j);
	x->after = t->id;
}

/* One page of publications or comments; the file's ends around them. */
static void step_texts(struct bst_personal_export *x)
{
	bool post = x->stage == POSTS;
	if (!x->in_entry) {
		entry(x, post ? "publications.json" : "comments.json", -1);
		text(x, "[");
		x->in_entry = true;
		x->first_item = true;
	}
	int64_t before = x->after;
	if (bst_q_dump_texts(x->ctx.platform->main, post ? "post" : "comment", x->ctx.user.id,
			     x->after, TEXTS_PAGE, on_text, x) < 0) {
		fail(x, "cannot read the texts");
		return;
	}
	if (x->after != before && !x->failed)
		return; /* more may follow */
	text(x, x->first_item ? "]\n" : "\n]\n");
	x->in_entry = false;
	x->stage = post ? COMMENTS : DOCUMENTS;
	x->after = 0;
}

static void on_file(void *cls, const struct bst_dump_file *f)
{
	struct bst_personal_export *x = cls;
	if (x->n_files < FILES_PAGE)
		x->files[x->n_files++] = *f;
}

static void step_documents(struct bst_personal_export *x)
{
	if (x->blob) { /* a piece of the document being sent */
		long n = bst_blob_read(x->blob, x->piece, sizeof x->piece);
		if (n < 0) {
			fail(x, "a stored file is damaged");
			return;
		}
		if (n > 0) {
			data(x, x->piece, (size_t)n);
			return;
		}
		bst_blob_reader_free(x->blob);
		x->blob = NULL;
		return;
	}
	if (x->next_file == x->n_files) { /* the next page of documents */
		if (x->n_files && x->n_files < FILES_PAGE) {
			x->stage = CLOSE;
			return;
		}
		int64_t after = x->n_files ? x->files[x->n_files - 1].version_id : 0;
		x->n_files = x->next_file = 0;
		if (bst_q_dump_files(x->ctx.platform->main, "user", x->ctx.user.id, true, after,
				     FILES_PAGE, on_file, x) < 0) {
			fail(x, "cannot read the documents");
			return;
		}
		if (x->n_files == 0)
			x->stage = CLOSE;
		return;
	}
	const struct bst_dump_file *f = &x->files[x->next_file++];
	if (bst_blob_reader_open(&x->ctx, f->blob_id, &x->blob) != 0) {
		fail(x, "a stored file cannot be read");
		return;
	}
	bst_buf path;
	bst_buf_init(&path);
	bst_buf_puts(&path, "documents/");
	bst_export_folder_path(&x->folders, &path, f->folder_id);
	bst_export_segment(&path, f->name);
	if (path.oom)
		fail(x, "out of memory");
	else
		entry(x, bst_buf_str(&path), (int64_t)bst_blob_reader_size(x->blob));
	bst_buf_free(&path);
}

static void step(struct bst_personal_export *x)
{
	switch (x->stage) {
	case PROFILE: step_profile(x); break;
	case POSTS:
	case COMMENTS: step_texts(x); break;
	case DOCUMENTS: step_documents(x); break;
	case CLOSE:
		if (archive_write_close(x->a) != ARCHIVE_OK)
			fail(x, archive_error_string(x->a));
		x->stage = DONE;
		break;
	case DONE: break;
	}
}

int bst_personal_export_new(struct bst_ctx *ctx, struct bst_personal_export **out)
{
	*out = NULL;
	if (!ctx->user.id)
		return -1;
	struct bst_personal_export *x = calloc(1, sizeof *x);
	if (!x)
		return -1;
	x->ctx = *ctx;
	bst_buf_init(&x->out);
	x->a = archive_write_new();
	if (!x->a || archive_write_set_format_zip(x->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(x->a, 0) != ARCHIVE_OK ||
	    archive_write_open2(x->a, x, NULL, to_out, NULL, NULL) != ARCHIVE_OK ||
	    bst_export_folders_load(&x->folders, ctx->platform->main) != 0) {
		bst_log_error("platform %s: cannot start a personal export", ctx->platform->slug);
		bst_personal_export_free(x);
		return -1;
	}
	json_t *d = json_pack("{ss}", "format", "zip");
	if (bst_audit_record(ctx, "user.export", ctx->user.email, d) != 0) {
		bst_personal_export_free(x);
		return -1;
	}
	*out = x;
	return 0;
}

ssize_t bst_personal_export_read(struct bst_personal_export *x, char *buf, size_t max)
{
	while (x->out_pos == x->out.len && x->stage != DONE && !x->failed) {
		bst_buf_reset(&x->out);
		x->out_pos = 0;
		step(x);
	}
	if (x->failed)
		return -1;
	size_t n = x->out.len - x->out_pos;
	if (n > max)
		n = max;
	memcpy(buf, x->out.data + x->out_pos, n);
	x->out_pos += n;
	return (ssize_t)n;
}

void bst_personal_export_free(struct bst_personal_export *x)
{
	if (!x)
		return;
	bst_blob_reader_free(x->blob);
	if (x->a)
		archive_write_free(x->a);
	bst_export_folders_free(&x->folders);
	bst_buf_free(&x->out);
	free(x);
}
