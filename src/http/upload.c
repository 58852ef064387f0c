/* Streaming uploads (see upload.h). */
#include "http/upload.h"
#include "http/pipeline.h"
#include "http/router.h"
#include "http/server.h"
#include "auth/csrf.h"
#include "core/i18n.h"
#include "core/log.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct bst_upload {
	bst_multipart *mp;
	bool in_file;         /* the current part is a file */
	bool csrf_checked;
	bool aborted;
	const char *field;    /* the current text part's name */
	bst_buf value;        /* the current text part's value */
	bool field_too_large;
	size_t received;
};

bool bst_upload_wanted(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0)
		return false;
	char scratch[512];
	const char *params[BST_MAX_PATH_PARAMS];
	bool other = false;
	const struct bst_route *rt =
		bst_route_find(r->method, r->path, params, scratch, sizeof scratch, &other);
	return rt && (rt->flags & BST_R_STREAM) && rt->stream;
}

static void fail(struct bst_req *r, int status)
{
	if (!r->stream_error)
		r->stream_error = status;
}

static int on_part_begin(void *cls, const char *name, const char *filename,
			 const char *content_type)
{
	struct bst_req *r = cls;
	struct bst_upload *u = r->upload;
	if (!filename) {
		u->in_file = false;
		u->field = bst_arena_strdup(r->arena, name);
		bst_buf_reset(&u->value);
		u->field_too_large = false;
		return 0;
	}
	/* the form's token must come before any file: nothing is stored for a
	 * forged request */
	if (!u->csrf_checked) {
		if (!bst_pipeline_csrf_ok(r)) {
			bst_log_warn("platform %s: CSRF check failed for upload %s from %s",
				     r->ctx.platform->slug, r->path, r->ctx.client_addr);
			fail(r, 403);
			return -1;
		}
		u->csrf_checked = true;
	}
	u->in_file = true;
	if (r->route->stream->file_begin(r, name, filename, content_type) != 0) {
		fail(r, 400);
		return -1;
	}
	return 0;
}

static int on_part_data(void *cls, const char *data, size_t len)
{
	struct bst_req *r = cls;
	struct bst_upload *u = r->upload;
	if (u->in_file) {
		if (r->route->stream->file_data(r, data, len) != 0) {
			fail(r, 400);
			return -1;
		}
		return 0;
	}
	if (u->value.len + len > BST_UPLOAD_FIELD_MAX) {
		fail(r, 413);
		return -1;
	}
	bst_buf_append(&u->value, data, len);
	return 0;
}

static int on_part_end(void *cls)
{
	struct bst_req *r = cls;
	struct bst_upload *u = r->upload;
	if (u->in_file) {
		u->in_file = false;
		if (r->route->stream->file_end(r) != 0) {
			fail(r, 400);
			return -1;
		}
		return 0;
	}
	/* a text field: into r->form like any other request's */
	bst_kvlist *f = &r->form;
	if (f->n >= BST_PARSE_MAX_FIELDS) {
		fail(r, 413);
		return -1;
	}
	bst_kv *items = bst_arena_alloc(r->arena, (f->n + 1) * sizeof *items);
	if (f->n)
		memcpy(items, f->items, f->n * sizeof *items);
	items[f->n] = (bst_kv){u->field,
			       bst_arena_strndup(r->arena, bst_buf_str(&u->value), u->value.len),
			       u->value.len};
	f->items = items;
	f->n++;
	return 0;
}

static const struct bst_multipart_cb callbacks = {on_part_begin, on_part_data, on_part_end};

void bst_upload_begin(struct bst_req *r)
{
	struct bst_upload *u = bst_arena_alloc(r->arena, sizeof *u);
	bst_buf_init(&u->value);
	r->upload = u;
	if (!bst_pipeline_prepare(r, false))
		return;
	const char *ct = bst_req_header(r, "Content-Type");
	char boundary[80];
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0 ||
	    bst_multipart_boundary(ct, boundary, sizeof boundary) != BST_PARSE_OK) {
		bst_reply_error(r, 415, "unsupported_media_type",
				_("Uploads are sent as multipart/form-data."));
		return;
	}
	/* Origin and Sec-Fetch-Site are checked now, before any byte of the
	 * body is looked at; the token when it arrives, before the first file */
	if (!r->ctx.via_token && !bst_csrf_origin_ok(bst_req_header(r, "Origin"),
						     bst_req_header(r, "Sec-Fetch-Site"),
						     r->ctx.base_url)) {
		bst_reply_error(r, 403, "csrf_failed",
				_("This form expired or came from another site. Go back, reload "
				  "the page and try again."));
		return;
	}
	u->mp = bst_multipart_new(boundary, &callbacks, r);
	if (!u->mp)
		bst_reply_error(r, 400, "bad_form", _("The submitted form is malformed."));
}

void bst_upload_feed(struct bst_req *r, const char *data, size_t len)
{
	struct bst_upload *u = r->upload;
	u->received += len;
	if (r->status || r->stream_error || !u->mp)
		return; /* answered or failed: the rest is discarded */
	int rc = bst_multipart_feed(u->mp, data, len);
	if (rc != 0)
		fail(r, rc == BST_PARSE_TOO_LARGE ? 413 : 400);
}

void bst_upload_finish(struct bst_req *r)
{
	struct bst_upload *u = r->upload;
	if (!r->status && !r->stream_error && u->mp) {
		int rc = bst_multipart_finish(u->mp);
		if (rc != 0)
			fail(r, rc == BST_PARSE_TOO_LARGE ? 413 : 400);
	}
	if (r->stream_error && !u->aborted && r->route && r->route->stream &&
	    r->route->stream->abort) {
		/* the handler will answer with the error: undo what was stored */
		u->aborted = true;
		r->route->stream->abort(r);
	}
}

void bst_upload_abort(struct bst_req *r)
{
	struct bst_upload *u = r->upload;
	/* once the handler ran, what the upload made is its to keep or undo;
	 * before (a reply from the pipeline, a client gone), it is undone here */
	if (!u || u->aborted || r->handled)
		goto cleanup;
	u->aborted = true;
	if (r->route && r->route->stream && r->route->stream->abort)
		r->route->stream->abort(r);
cleanup:
	if (u) {
		bst_multipart_free(u->mp);
		u->mp = NULL;
		bst_buf_free(&u->value);
	}
}
