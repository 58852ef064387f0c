/* Folders of the document base (see documents.h): a tree per library,
 * names unique among live siblings, soft deletion of empty folders only
 * (so that nothing disappears with a folder), restorable for
 * BST_DOC_RESTORE_MS by whoever may change the folder. */
#include "social/documents.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/log.h"

#include <stdio.h>
#include <string.h>

static int64_t me(const struct bst_ctx *ctx)
{
	return ctx->actor == BST_ACTOR_USER ? ctx->user.id : 0;
}

static bool same_library(const struct bst_library *lib, const struct bst_folder_row *f)
{
	return strcmp(lib->owner, f->owner) == 0 && lib->owner_id == f->owner_id;
}

static json_t *details(const struct bst_library *lib, int64_t id)
{
	return json_pack("{sI ss sI}", "id", (json_int_t)id, "owner", lib->owner, "owner_id",
			 (json_int_t)lib->owner_id);
}

static bool restorable(const struct bst_ctx *ctx, const struct bst_folder_row *f)
{
	return f->deleted_ms && f->deleted_ms >= ctx->now - BST_DOC_RESTORE_MS;
}

bool bst_folder_may_change(const struct bst_ctx *ctx, const struct bst_library *lib,
			   const struct bst_folder_row *f)
{
	if (!bst_authz_write(ctx))
		return false;
	return lib->manage || (lib->write && f->created_by != 0 && f->created_by == me(ctx));
}

enum bst_doc_status bst_folder_check(struct bst_ctx *ctx, const struct bst_library *lib,
				     int64_t folder_id, struct bst_folder_row *out)
{
	struct bst_folder_row local;
	struct bst_folder_row *f = out ? out : &local;
	memset(f, 0, sizeof *f);
	if (folder_id == 0)
		return BST_DOC_OK;
	if (folder_id < 0)
		return BST_DOC_FOLDER_NOT_FOUND;
	enum bst_qs qs = bst_q_folder_get(ctx->platform->main, folder_id, f);
	if (qs < 0)
		return BST_DOC_ERROR;
	if (qs == BST_QS_NO_RESULTS || f->deleted_ms || !same_library(lib, f))
		return BST_DOC_FOLDER_NOT_FOUND;
	return BST_DOC_OK;
}

enum bst_doc_status bst_folder_get(struct bst_ctx *ctx, int64_t folder_id,
				   struct bst_folder_row *f, struct bst_library *lib)
{
	memset(lib, 0, sizeof *lib);
	enum bst_qs qs = bst_q_folder_get(ctx->platform->main, folder_id, f);
	if (qs < 0)
		return BST_DOC_ERROR;
	if (qs == BST_QS_NO_RESULTS)
		return BST_DOC_FOLDER_NOT_FOUND;
	enum bst_doc_status st = bst_library_open(ctx, f->owner, f->owner_id, lib);
	if (st == BST_DOC_FORBIDDEN || st == BST_DOC_INVALID_OWNER || st == BST_DOC_NOT_FOUND)
		return BST_DOC_FOLDER_NOT_FOUND;
	if (st != BST_DOC_OK)
		return st;
	if (f->deleted_ms && !(restorable(ctx, f) && bst_folder_may_change(ctx, lib, f)))
		return BST_DOC_FOLDER_NOT_FOUND;
	return BST_DOC_OK;
}

struct path {
	struct bst_folder_row rows[BST_FOLDER_DEPTH_MAX + 1];
	int n;
};

static void collect(void *cls, const struct bst_folder_row *f)
{
	struct path *p = cls;
	if (p->n < (int)(sizeof p->rows / sizeof *p->rows))
		p->rows[p->n++] = *f;
}

/* The ancestors of folder_id, itself first; -1 when the store failed. */
static int ancestors(struct bst_ctx *ctx, int64_t folder_id, struct path *p)
{
	p->n = 0;
	if (folder_id == 0)
		return 0;
	return bst_q_folder_ancestors(ctx->platform->main, folder_id, BST_FOLDER_DEPTH_MAX + 1,
				      collect, p) < 0
		       ? -1
		       : 0;
}

enum bst_doc_status bst_folder_path(struct bst_ctx *ctx, const struct bst_library *lib,
				    int64_t folder_id,
				    void (*fn)(void *cls, const struct bst_folder_row *f),
				    void *cls)
{
	enum bst_doc_status st = bst_folder_check(ctx, lib, folder_id, NULL);
	if (st != BST_DOC_OK)
		return st;
	struct path p;
	if (ancestors(ctx, folder_id, &p) != 0)
		return BST_DOC_ERROR;
	for (int i = p.n - 1; i >= 0; i--) {
		if (!same_library(lib, &p.rows[i]))
			return BST_DOC_ERROR; /* a tree never spans libraries */
		fn(cls, &p.rows[i]);
	}
	return BST_DOC_OK;
}

struct filter {
	struct bst_ctx *ctx;
	const struct bst_library *lib;
	void (*fn)(void *, const struct bst_folder_row *);
	void *cls;
};

static void only_restorable(void *cls, const struct bst_folder_row *f)
{
	struct filter *x = cls;
	if (restorable(x->ctx, f) && bst_folder_may_change(x->ctx, x->lib, f))
		x->fn(x->cls, f);
}

enum bst_doc_status bst_folder_list(struct bst_ctx *ctx, const struct bst_library *lib,
				    int64_t parent_id, bool deleted, int64_t offset, int limit,
				    void (*fn)(void *cls, const struct bst_folder_row *f),
				    void *cls)
{
	if (!lib->read)
		return BST_DOC_FORBIDDEN;
	enum bst_doc_status st = bst_folder_check(ctx, lib, parent_id, NULL);
	if (st != BST_DOC_OK)
		return st;
	enum bst_qs qs;
	if (deleted) {
		struct filter x = {ctx, lib, fn, cls};
		qs = bst_q_folder_list(ctx->platform->main, lib->owner, lib->owner_id, parent_id,
				       ctx->now - BST_DOC_RESTORE_MS, 0, BST_FOLDER_LIST_MAX,
				       only_restorable, &x);
	} else {
		if (offset < 0)
			offset = 0;
		if (limit < 1 || limit > BST_FOLDER_LIST_MAX)
			limit = BST_FOLDER_LIST_MAX;
		qs = bst_q_folder_list(ctx->platform->main, lib->owner, lib->owner_id, parent_id, 0,
				       offset, limit, fn, cls);
	}
	return qs < 0 ? BST_DOC_ERROR : BST_DOC_OK;
}

enum bst_doc_status bst_folder_all(struct bst_ctx *ctx, const struct bst_library *lib,
				   void (*fn)(void *cls, const struct bst_folder_row *f), void *cls)
{
	if (!lib->read)
		return BST_DOC_FORBIDDEN;
	return bst_q_folder_all(ctx->platform->main, lib->owner, lib->owner_id,
				BST_FOLDER_LIST_MAX, fn, cls) < 0
		       ? BST_DOC_ERROR
		       : BST_DOC_OK;
}

enum bst_doc_status bst_folder_create(struct bst_ctx *ctx, const struct bst_library *lib,
				      int64_t parent_id, const char *name, int64_t *id)
{
	*id = 0;
	if (!lib->write || !bst_authz_write(ctx))
		return BST_DOC_FORBIDDEN;
	if (!bst_doc_name_valid(name))
		return BST_DOC_INVALID_NAME;
	enum bst_doc_status st = bst_folder_check(ctx, lib, parent_id, NULL);
	if (st != BST_DOC_OK)
		return st;
	struct path p;
	if (ancestors(ctx, parent_id, &p) != 0)
		return BST_DOC_ERROR;
	if (p.n >= BST_FOLDER_DEPTH_MAX)
		return BST_DOC_TOO_DEEP;
	enum bst_qs qs = bst_q_folder_insert(ctx->platform->main, lib->owner, lib->owner_id,
					     parent_id, name, me(ctx), ctx->now, id);
	if (qs < 0)
		return BST_DOC_ERROR;
	if (qs == BST_QS_NO_RESULTS)
		return BST_DOC_NAME_TAKEN;
	json_t *det = details(lib, *id);
	json_object_set_new(det, "parent", json_integer(parent_id));
	bst_audit_record(ctx, "folder.create", name, det);
	return BST_DOC_OK;
}

enum bst_doc_status bst_folder_rename(struct bst_ctx *ctx, int64_t folder_id, const char *name)
{
	struct bst_folder_row f;
	struct bst_library lib;
	enum bst_doc_status st = bst_folder_get(ctx, folder_id, &f, &lib);
	if (st != BST_DOC_OK)
		return st;
	if (f.deleted_ms)
		return BST_DOC_FOLDER_NOT_FOUND;
	if (!bst_folder_may_change(ctx, &lib, &f))
		return BST_DOC_FORBIDDEN;
	if (!bst_doc_name_valid(name))
		return BST_DOC_INVALID_NAME;
	if (strcmp(name, f.name) == 0)
		return BST_DOC_OK;
	enum bst_qs qs = bst_q_folder_rename(ctx->platform->main, folder_id, name);
	if (qs < 0)
		return BST_DOC_ERROR;
	if (qs == BST_QS_NO_RESULTS)
		return BST_DOC_NAME_TAKEN;
	json_t *det = details(&lib, folder_id);
	json_object_set_new(det, "from", json_string(f.name));
	bst_audit_record(ctx, "folder.rename", name, det);
	return BST_DOC_OK;
}

enum bst_doc_status bst_folder_delete(struct bst_ctx *ctx, int64_t folder_id)
{
	struct bst_folder_row f;
	struct bst_library lib;
	enum bst_doc_status st = bst_folder_get(ctx, folder_id, &f, &lib);
	if (st != BST_DOC_OK)
		return st;
	if (f.deleted_ms)
		return BST_DOC_OK;
	if (!bst_folder_may_change(ctx, &lib, &f))
		return BST_DOC_FORBIDDEN;
	enum bst_qs qs = bst_q_folder_delete(ctx->platform->main, folder_id, me(ctx), ctx->now);
	if (qs < 0)
		return BST_DOC_ERROR;
	if (qs == BST_QS_NO_RESULTS) {
		struct bst_folder_row again;
		if (bst_q_folder_get(ctx->platform->main, folder_id, &again) == BST_QS_ONE_RESULT &&
		    again.deleted_ms)
			return BST_DOC_OK; /* someone else was quicker */
		return BST_DOC_FOLDER_NOT_EMPTY;
	}
	bst_audit_record(ctx, "folder.delete", f.name, details(&lib, folder_id));
	return BST_DOC_OK;
}

enum bst_doc_status bst_folder_restore(struct bst_ctx *ctx, int64_t folder_id)
{
	struct bst_folder_row f;
	struct bst_library lib;
	enum bst_doc_status st = bst_folder_get(ctx, folder_id, &f, &lib);
	if (st == BST_DOC_FOLDER_NOT_FOUND) {
		/* those who could restore it once learn why they cannot now */
		if (bst_q_folder_get(ctx->platform->main, folder_id, &f) == BST_QS_ONE_RESULT &&
		    f.deleted_ms && !restorable(ctx, &f) &&
		    bst_library_open(ctx, f.owner, f.owner_id, &lib) == BST_DOC_OK &&
		    bst_folder_may_change(ctx, &lib, &f))
			return BST_DOC_RESTORE_EXPIRED;
		return st;
	}
	if (st != BST_DOC_OK)
		return st;
	if (!f.deleted_ms)
		return BST_DOC_NOT_DELETED;
	int64_t parent = f.parent_id;
	if (parent && bst_folder_check(ctx, &lib, parent, NULL) != BST_DOC_OK)
		parent = 0; /* its parent is gone: back at the root */
	enum bst_qs qs = bst_q_folder_restore(ctx->platform->main, folder_id, parent);
	if (qs < 0)
		return BST_DOC_ERROR;
	if (qs == BST_QS_NO_RESULTS)
		return BST_DOC_NAME_TAKEN;
	json_t *det = details(&lib, folder_id);
	json_object_set_new(det, "parent", json_integer(parent));
	bst_audit_record(ctx, "folder.restore", f.name, det);
	return BST_DOC_OK;
}
