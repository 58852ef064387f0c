/* Avatars (see profiles.h): checked, then stored as an encrypted blob of
 * the blob store (social/blobs.h); the blob's row and the avatars row are
 * written in one transaction. A failure at any step removes what this
 * upload wrote, so nothing half-written and no orphan blob stays behind;
 * the replaced avatar's blob goes once the new one is committed. */
#include "social/profiles.h"
#include "core/str.h"
#include "audit/audit.h"
#include "core/image.h"
#include "core/log.h"
#include "core/magic.h"
#include "social/blobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The image's type and size, checked: libmagic and the header must agree. */
static enum bst_profile_status check_image(const void *data, size_t len,
					   struct bst_image_info *img, char *mime, size_t mimelen)
{
	if (len > BST_AVATAR_MAX_BYTES)
		return BST_PROFILE_AVATAR_TOO_LARGE;
	if (len == 0 || bst_magic_mime(data, len, mime, mimelen) != 0 ||
	    bst_image_probe(data, len, img) != 0 || !bst_image_mime(img->type) ||
	    strcmp(mime, bst_image_mime(img->type)) != 0)
		return BST_PROFILE_AVATAR_TYPE;
	if (img->width < BST_AVATAR_MIN_PX || img->height < BST_AVATAR_MIN_PX ||
	    img->width > BST_AVATAR_MAX_PX || img->height > BST_AVATAR_MAX_PX)
		return BST_PROFILE_AVATAR_SIZE;
	return BST_PROFILE_OK;
}

struct put {
	struct bst_blob_writer *w;
	struct bst_avatar_row a;
	int64_t old_blob;
};

static enum bst_qs put_txn(bst_db *db, void *cls)
{
	struct put *p = cls;
	if (bst_blob_writer_finish(p->w, &p->a.blob_id) != 0)
		return BST_QS_HARD_ERROR;
	enum bst_qs qs = bst_q_avatar_set(db, &p->a, &p->old_blob);
	return qs < 0 ? qs : BST_QS_ONE_RESULT;
}

enum bst_profile_status bst_avatar_put(struct bst_ctx *ctx, int64_t user_id, const void *data,
				       size_t len)
{
	if (!bst_profile_may_edit(ctx, user_id))
		return BST_PROFILE_FORBIDDEN;
	struct bst_profile_row *who = bst_arena_alloc(ctx->arena, sizeof *who);
	enum bst_profile_status st = bst_profile_get(ctx, user_id, who);
	if (st != BST_PROFILE_OK)
		return st;
	struct bst_image_info img;
	char mime[sizeof ((struct bst_avatar_row *)0)->content_type];
	st = check_image(data, len, &img, mime, sizeof mime);
	if (st != BST_PROFILE_OK)
		return st;

	struct put p = {.a = {.user_id = user_id,
			      .size = (int64_t)len,
			      .width = img.width,
			      .height = img.height,
			      .updated_ms = ctx->now}};
	bst_str_copy(p.a.content_type, sizeof p.a.content_type, mime);
	if (bst_blob_writer_new(ctx, &p.w) != 0)
		return BST_PROFILE_ERROR;
	if (bst_blob_writer_write(p.w, data, len) != 0 ||
	    bst_db_transaction(ctx->platform->main, put_txn, &p) < 0) {
		bst_log_error("platform %s: cannot store the avatar of user %lld",
			      ctx->platform->slug, (long long)user_id);
		bst_blob_writer_abort(p.w);
		return BST_PROFILE_ERROR;
	}
	bst_blob_writer_free(p.w);
	if (p.old_blob && bst_blob_delete(ctx, p.old_blob) != 0)
		bst_log_warn("platform %s: the replaced avatar's blob %lld stays on disk",
			     ctx->platform->slug, (long long)p.old_blob);
	bst_audit_record(ctx, "profile.avatar.set", who->email,
			 json_pack("{sI ss sI sI sI}", "user_id", (json_int_t)user_id, "type",
				   p.a.content_type, "width", (json_int_t)p.a.width, "height",
				   (json_int_t)p.a.height, "bytes", (json_int_t)p.a.size));
	return BST_PROFILE_OK;
}

enum bst_profile_status bst_avatar_delete(struct bst_ctx *ctx, int64_t user_id)
{
	if (!bst_profile_may_edit(ctx, user_id))
		return BST_PROFILE_FORBIDDEN;
	struct bst_profile_row *who = bst_arena_alloc(ctx->arena, sizeof *who);
	enum bst_profile_status st = bst_profile_get(ctx, user_id, who);
	if (st != BST_PROFILE_OK)
		return st;
	int64_t old = 0;
	switch (bst_q_avatar_delete(ctx->platform->main, user_id, &old)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_PROFILE_NO_AVATAR;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return BST_PROFILE_ERROR;
	}
	if (bst_blob_delete(ctx, old) != 0)
		bst_log_warn("platform %s: the removed avatar's blob %lld stays on disk",
			     ctx->platform->slug, (long long)old);
	bst_audit_record(ctx, "profile.avatar.delete", who->email,
			 json_pack("{sI}", "user_id", (json_int_t)user_id));
	return BST_PROFILE_OK;
}

/* The whole blob (at most BST_AVATAR_MAX_BYTES) into a new allocation. */
static int read_blob(struct bst_ctx *ctx, const struct bst_avatar_row *a, void **out)
{
	*out = NULL;
	if (a->size < 0 || (uint64_t)a->size > BST_AVATAR_MAX_BYTES)
		return -1;
	struct bst_blob_reader *r = NULL;
	if (bst_blob_reader_open(ctx, a->blob_id, &r) != 0)
		return -1;
	char *buf = malloc((size_t)a->size + 1);
	size_t got = 0;
	long n = 0;
	/* read to the end: the reader checks size and hash only there */
	while (buf && (n = bst_blob_read(r, buf + got, (size_t)a->size + 1 - got)) > 0)
		got += (size_t)n;
	bst_blob_reader_free(r);
	if (!buf || n < 0 || got != (size_t)a->size) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

enum bst_profile_status bst_avatar_get(struct bst_ctx *ctx, int64_t user_id,
				       const char *if_none_match, struct bst_avatar *out)
{
	memset(out, 0, sizeof *out);
	struct bst_profile_row *who = bst_arena_alloc(ctx->arena, sizeof *who);
	enum bst_profile_status st = bst_profile_get(ctx, user_id, who);
	if (st != BST_PROFILE_OK)
		return st;
	struct bst_avatar_row a;
	switch (bst_q_avatar_get(ctx->platform->main, user_id, &a)) {
	case BST_QS_ONE_RESULT:
		break;
	case BST_QS_NO_RESULTS:
		return BST_PROFILE_NO_AVATAR;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		return BST_PROFILE_ERROR;
	}
	/* the tag names the content: 128 bits of its BLAKE2b */
	snprintf(out->etag, sizeof out->etag, "\"%.32s\"", a.blake2b);
	bst_str_copy(out->content_type, sizeof out->content_type, a.content_type);
	out->updated_ms = a.updated_ms;
	if (if_none_match && strstr(if_none_match, out->etag))
		return BST_PROFILE_OK;
	if (read_blob(ctx, &a, &out->data) != 0)
		return BST_PROFILE_ERROR;
	out->len = (size_t)a.size;
	return BST_PROFILE_OK;
}
