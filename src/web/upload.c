/* POST /documents/upload (and, through the same callbacks, POST
 * /api/v1/documents): the file streams through the transport's multipart
 * parser into the documents service, which encrypts it into the blob store
 * as it arrives. The text fields come first in the form (the transport
 * checked the CSRF token before the first file part, or needed none for a
 * bearer token); the handler runs once the whole body arrived and commits.
 * A refusal known early (rights, name, quota) is kept and the rest of the
 * body is read and dropped, so that the handler can say precisely why; a
 * file over the size limit stops the parse at once (413). */
#include "web/documents.h"
#include "http/upload.h"
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct upload_state {
	struct bst_doc_upload *u;
	enum bst_doc_status refused; /* BST_DOC_OK while all is well */
	bool got_file;
	bool in_file; /* the current part is the file */
	bool too_large; /* the file passed the per-file limit */
};

static struct upload_state *state(struct bst_req *r)
{
	if (!r->stream_state)
		r->stream_state = bst_arena_alloc(r->arena, sizeof(struct upload_state));
	return r->stream_state;
}

/* An optional id field: absent or "" is 0; false when malformed. */
static bool id_field(struct bst_req *r, const char *name, int64_t *out)
{
	const char *s = bst_kv_get(&r->form, name);
	*out = 0;
	if (!s || !s[0])
		return true;
	*out = bst_document_id_arg(s);
	return *out > 0 || strcmp(s, "0") == 0;
}

static int file_begin(struct bst_req *r, const char *field, const char *filename,
		      const char *claimed_type)
{
	struct upload_state *st = state(r);
	if (strcmp(field, "file") != 0 || st->got_file)
		return 0; /* not ours: its bytes are dropped */
	st->got_file = true;
	st->in_file = true;
	if (!filename || !filename[0]) {
		st->refused = BST_DOC_NO_FILE; /* a browser's empty file input */
		return 0;
	}
	int64_t owner_id, folder_id, document_id;
	if (!id_field(r, "owner_id", &owner_id) || !id_field(r, "document", &document_id)) {
		st->refused = BST_DOC_NOT_FOUND;
		return 0;
	}
	if (!id_field(r, "folder", &folder_id)) {
		st->refused = BST_DOC_FOLDER_NOT_FOUND;
		return 0;
	}
	const char *owner = bst_kv_get(&r->form, "owner");
	const char *name = bst_kv_get(&r->form, "name");
	if (!name || !name[0])
		name = filename; /* the claimed type is never used: content decides */
	st->refused = bst_doc_upload_begin(&r->ctx, owner, owner_id, folder_id, document_id, name,
					   &st->u);
	return 0;
}

static int file_data(struct bst_req *r, const char *data, size_t len)
{
	struct upload_state *st = state(r);
	if (!st->in_file || !st->u)
		return 0; /* refused, or another part: dropped */
	enum bst_doc_status s = bst_doc_upload_data(st->u, data, len);
	if (s == BST_DOC_OK)
		return 0;
	bst_doc_upload_abort(st->u);
	st->u = NULL;
	if (s == BST_DOC_TOO_LARGE) {
		st->too_large = true;
		r->stream_error = 413; /* stop reading it: the transport answers */
		return -1;
	}
	st->refused = s;
	return 0;
}

static int file_end(struct bst_req *r)
{
	state(r)->in_file = false; /* committed by the handler, once the body is complete */
	return 0;
}

static void abort_upload(struct bst_req *r)
{
	struct upload_state *st = r->stream_state;
	if (st && st->u) {
		bst_doc_upload_abort(st->u);
		st->u = NULL;
	}
}

/* A 413 from the transport about the file says the limit, as the
 * service's own refusal does; one about a text field keeps the transport's
 * words. */
static const char *too_large(struct bst_req *r)
{
	struct upload_state *st = r->stream_state;
	if (r->body_too_large || r->upload_bytes > BST_UPLOAD_BODY_MAX || (st && st->too_large))
		return bst_document_too_large(r);
	return NULL;
}

const struct bst_stream_ops bst_document_upload_stream = {file_begin, file_data, file_end,
							  abort_upload, too_large};

enum bst_doc_status bst_document_upload_result(struct bst_req *r, int64_t *document_id,
					       int64_t *number)
{
	*document_id = 0;
	*number = 0;
	struct upload_state *st = r->stream_state;
	if (!st || !st->got_file)
		return BST_DOC_NO_FILE;
	if (st->refused != BST_DOC_OK)
		return st->refused;
	if (!st->u)
		return BST_DOC_ERROR;
	struct bst_doc_upload *u = st->u;
	st->u = NULL;
	return bst_doc_upload_commit(u, document_id, number);
}

void bst_page_upload(struct bst_req *r)
{
	int64_t id = 0, number = 0;
	enum bst_doc_status st = bst_document_upload_result(r, &id, &number);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	bst_reply_redirect(r, bst_arena_printf(r->arena, "/documents/%lld?notice=%s", (long long)id,
					       number > 1 ? "version-added" : "uploaded"));
}
