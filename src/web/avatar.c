/* /people/{id}/avatar: GET serves a person's picture with the type sniffed
 * from its content when it was uploaded, an entity tag and nosniff (every
 * reply carries it); POST takes a new picture from a multipart form. The
 * upload is streamed (BST_R_STREAM, the CSRF field first): its bytes are
 * collected here, at most BST_AVATAR_MAX_BYTES, in the request's arena;
 * anything beyond stops the upload with 413 as soon as it is seen. The
 * service checks the rest. */
#include "web/people.h"

#include <stdlib.h>
#include <string.h>

#define AVATAR_FIELD "avatar"

struct upload {
	char *data; /* BST_AVATAR_MAX_BYTES, in the arena */
	size_t len;
	int files;
};

static struct upload *upload_of(struct bst_req *r)
{
	if (!r->stream_state)
		r->stream_state = bst_arena_alloc(r->arena, sizeof(struct upload));
	return r->stream_state;
}

static int file_begin(struct bst_req *r, const char *field, const char *filename,
		      const char *claimed_type)
{
	struct upload *u = upload_of(r);
	/* one picture, in its field; the name and claimed type are ignored */
	if (!field || strcmp(field, AVATAR_FIELD) != 0 || u->files++ > 0) {
		r->stream_error = 400;
		return -1;
	}
	u->data = bst_arena_alloc(r->arena, BST_AVATAR_MAX_BYTES);
	u->len = 0;
	return 0;
}

static int file_data(struct bst_req *r, const char *data, size_t len)
{
	struct upload *u = upload_of(r);
	if (!u->data) {
		r->stream_error = 400;
		return -1;
	}
	if (len > BST_AVATAR_MAX_BYTES - u->len) {
		r->stream_error = 413; /* the transport answers it, before the handler */
		return -1;
	}
	memcpy(u->data + u->len, data, len);
	u->len += len;
	return 0;
}

static int file_end(struct bst_req *r)
{
	return 0;
}

static void upload_abort(struct bst_req *r)
{
	/* nothing was stored: the bytes live in the arena, freed with r */
}

const struct bst_stream_ops bst_avatar_stream = {file_begin, file_data, file_end, upload_abort};

static void upload(struct bst_req *r, int64_t id)
{
	struct upload *u = r->stream_state;
	if (!u || u->files != 1) {
		bst_reply_error(r, 400, "no_file", _("Choose a picture file to upload."));
		return;
	}
	enum bst_profile_status st = bst_avatar_put(&r->ctx, id, u->data, u->len);
	if (st != BST_PROFILE_OK) {
		bst_page_profile_error(r, st);
		return;
	}
	bst_reply_redirect(r, bst_arena_printf(r->arena, "/people/%lld/edit?notice=saved",
					       (long long)id));
}

static void serve(struct bst_req *r, int64_t id)
{
	struct bst_avatar a;
	enum bst_profile_status st =
		bst_avatar_get(&r->ctx, id, bst_req_header(r, "If-None-Match"), &a);
	if (st != BST_PROFILE_OK) {
		bst_page_profile_error(r, st);
		return;
	}
	bst_reply_header(r, "ETag", bst_arena_strdup(r->arena, a.etag));
	if (!a.data) {
		bst_reply_text(r, 304, NULL, NULL, 0);
		return;
	}
	/* the picture alone, never a document that could run anything */
	bst_reply_header(r, "Content-Disposition", "inline; filename=\"avatar\"");
	bst_reply_text(r, 200, bst_arena_strdup(r->arena, a.content_type), a.data, a.len);
	free(a.data);
}

void bst_page_avatar(struct bst_req *r)
{
	int64_t id = bst_page_path_id(r, 0);
	if (!id) {
		bst_page_profile_error(r, BST_PROFILE_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "POST") == 0)
		upload(r, id);
	else
		serve(r, id);
}
