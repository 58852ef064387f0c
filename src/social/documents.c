/* Documents, their versions and uploads (see documents.h); folders are in
 * folders.c. */
#include "social/documents.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/magic.h"
#include "db/q_social.h"
#include "social/groups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
	[BST_DOC_OK] = {"ok", N_("Done."), 200},
	[BST_DOC_NOT_FOUND] = {"not_found", N_("There is no such document or library, or you may not see it."), 404},
	[BST_DOC_FORBIDDEN] = {"forbidden", N_("You are not allowed to do this."), 403},
	[BST_DOC_INVALID_OWNER] = {"owner_invalid", N_("Choose a library: a group's (owner \"group\" and its id) or your own space (owner \"user\")."), 400},
	[BST_DOC_INVALID_NAME] = {"name_invalid", N_("This name is not allowed. Use 1 to 255 bytes, without / or \\, control or invisible characters, without spaces at either end; not . or .., nor a reserved device name such as CON, NUL, COM1 or LPT1."), 400},
	[BST_DOC_NAME_TAKEN] = {"name_taken", N_("Something in this folder already has this name. Choose another name, or upload a new version of the existing document."), 409},
	[BST_DOC_FOLDER_NOT_FOUND] = {"folder_not_found", N_("There is no such folder in this library."), 404},
	[BST_DOC_FOLDER_NOT_EMPTY] = {"folder_not_empty", N_("This folder is not empty: move or delete what it holds first."), 409},
	[BST_DOC_TOO_DEEP] = {"folder_too_deep", N_("Folders cannot be nested this deep."), 400},
	[BST_DOC_VERSION_NOT_FOUND] = {"version_not_found", N_("This document has no such version."), 404},
	[BST_DOC_NO_FILE] = {"file_missing", N_("Choose a file to upload."), 400},
	/* pages and API say the limit in MB (bst_document_error) */
	[BST_DOC_TOO_LARGE] = {"file_too_large", N_("This file is larger than the limit for one file."), 413},
	[BST_DOC_INVALID_QUOTA] = {"quota_invalid", N_("A quota is a number of bytes from 1 byte to 1 PB."), 400},
	[BST_DOC_QUOTA] = {"quota_exceeded", N_("The platform's storage quota is used up: this file does not fit. Delete documents or ask an administrator."), 413},
	[BST_DOC_NOT_DELETED] = {"not_deleted", N_("This is not deleted."), 409},
	[BST_DOC_RESTORE_EXPIRED] = {"restore_expired", N_("This was deleted more than 30 days ago and can no longer be restored."), 410},
	[BST_DOC_UNREADABLE] = {"document_unreadable", N_("This document's stored file is damaged and cannot be read. The administrators have been alerted in the server's log."), 500},
	[BST_DOC_MOVE_NAME_TAKEN] = {"name_taken", N_("A document in the chosen folder already has this name. Rename one of them first, or choose another folder."), 409},
	[BST_DOC_ATTACHED] = {"document_attached", N_("This document is attached to publications that could not carry it from the chosen library: a publication in a group carries documents of that group's library only, and one for everyone documents of open groups' libraries only. Remove it from those publications first, or choose another library."), 409},
	[BST_DOC_ERROR] = {"internal", N_("Something went wrong on our side; nothing was changed. Please try again."), 500},
};

const char *bst_doc_code(enum bst_doc_status s)
{
	return statuses[s].code;
}

const char *bst_doc_text(enum bst_doc_status s)
{
	return statuses[s].text;
}

int bst_doc_http_status(enum bst_doc_status s)
{
	return statuses[s].http;
}

/* ---- names ---- */

/* Decodes one UTF-8 sequence at s (strictly: no overlong forms, no
 * surrogates, nothing above U+10FFFF). Returns its length, or 0. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n;
	uint32_t c, min;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Characters refused anywhere in a name: separators, controls (C0, DEL,
 * C1), and the invisible ones that make a name read as something else
 * ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"). */
static bool refused_char(uint32_t c)
{
	return c == '/' || c == '\\' || c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	       (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029 || c == 0xfeff;
}

/* Windows device names: "CON", "con.txt" and "Con .tar.gz" all open the
 * device there, whatever the extension. */
static bool reserved_device(const char *name)
{
	static const char *const plain[] = {"CON", "PRN", "AUX", "NUL"};
	size_t len = strcspn(name, ".");
	while (len && name[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		if (len == 3 && strncasecmp(name, plain[i], 3) == 0)
			return true;
	if (strncasecmp(name, "COM", 3) != 0 && strncasecmp(name, "LPT", 3) != 0)
		return false;
	if (len == 4 && name[3] >= '1' && name[3] <= '9')
		return true;
	/* COM¹, LPT² and LPT³ (U+00B9, U+00B2, U+00B3) are devices too */
	return len == 5 && (unsigned char)name[3] == 0xc2 &&
	       ((unsigned char)name[4] == 0xb9 || (unsigned char)name[4] == 0xb2 ||
		(unsigned char)name[4] == 0xb3);
}

bool bst_doc_name_valid(const char *name)
{
	if (!name)
		return false;
	size_t len = strlen(name);
	if (len == 0 || len > BST_DOC_NAME_MAX)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	if (name[0] == ' ' || name[len - 1] == ' ')
		return false;
	const unsigned char *s = (const unsigned char *)name;
	while (*s) {
		uint32_t c;
		size_t n = utf8_next(s, &c);
		if (n == 0 || refused_char(c))
			return false;
		s += n;
	}
	return !reserved_device(name);
}

/* ---- libraries and rights ---- */

static int64_t me(const struct bst_ctx *ctx)
{
	return ctx->actor == BST_ACTOR_USER ? ctx->user.id : 0;
}

enum bst_doc_status bst_library_open(struct bst_ctx *ctx, const char *owner, int64_t owner_id,
				     struct bst_library *lib)
{
	memset(lib, 0, sizeof *lib);
	if (!owner || (strcmp(owner, "group") != 0 && strcmp(owner, "user") != 0))
		return BST_DOC_INVALID_OWNER;
	if (ctx->actor != BST_ACTOR_USER)
		return BST_DOC_FORBIDDEN;
	snprintf(lib->owner, sizeof lib->owner, "%s", owner);
	if (strcmp(owner, "user") == 0) {
		/* a personal space is its owner's only: not even platform
		 * administrators may browse someone else's (documents.h) */
		if (owner_id != 0 && owner_id != ctx->user.id)
			return BST_DOC_NOT_FOUND;
		lib->owner_id = ctx->user.id;
		lib->read = lib->write = lib->manage = true;
		return BST_DOC_OK;
	}
	if (owner_id <= 0)
		return BST_DOC_NOT_FOUND;
	struct bst_group_access a;
	if (bst_group_access(ctx, owner_id, &a) != 0)
		return BST_DOC_ERROR;
	if (!a.exists || !a.see)
		return BST_DOC_NOT_FOUND;
	if (!a.read)
		return BST_DOC_FORBIDDEN;
	lib->owner_id = owner_id;
	lib->read = true;
	lib->write = a.write;
	lib->manage = a.manage;
	return BST_DOC_OK;
}

/* May ctx rename, move or delete something created by created_by? */
static bool may_change(const struct bst_ctx *ctx, const struct bst_library *lib,
		       int64_t created_by)
{
	if (!bst_authz_write(ctx))
		return false;
	return lib->manage || (lib->write && created_by != 0 && created_by == me(ctx));
}

static bool restorable(const struct bst_ctx *ctx, int64_t deleted_ms)
{
	return deleted_ms && deleted_ms >= ctx->now - BST_DOC_RESTORE_MS;
}

static void rights_of(const struct bst_ctx *ctx, const struct bst_library *lib,
		      const struct bst_document_row *d, struct bst_doc_rights *r)
{
	bool mine = may_change(ctx, lib, d->created_by);
	r->version = !d->deleted_ms && lib->write && bst_authz_write(ctx);
	r->change = !d->deleted_ms && mine;
	r->restore = restorable(ctx, d->deleted_ms) && mine;
}

static json_t *details(const struct bst_library *lib, int64_t id)
{
	return json_pack("{sI ss sI}", "id", (json_int_t)id, "owner", lib->owner, "owner_id",
			 (json_int_t)lib->owner_id);
}

/* ---- reading ---- */

struct list_filter {
	struct bst_ctx *ctx;
	const struct bst_library *lib;
	void (*fn)(void *, const struct bst_document_row *);
	void *cls;
};

static void only_restorable(void *cls, const struct bst_document_row *d)
{
	struct list_filter *f = cls;
	struct bst_doc_rights r;
	rights_of(f->ctx, f->lib, d, &r);
	if (r.restore)
		f->fn(f->cls, d);
}

enum bst_doc_status bst_doc_list(struct bst_ctx *ctx, const struct bst_library *lib,
				 int64_t folder_id, int64_t after, int64_t offset, int limit,
				 void (*fn)(void *cls, const struct bst_document_row *d),
				 void *cls)
{
	if (!lib->read)
		return BST_DOC_FORBIDDEN;
	if (limit < 1 || limit > BST_DOC_LIST_MAX)
		limit = BST_DOC_LIST_MAX;
	if (offset < 0)
		offset = 0;
	enum bst_doc_status st = bst_folder_check(ctx, lib, folder_id, NULL);
	if (st != BST_DOC_OK)
		return st;
	if (bst_q_document_list(ctx->platform->main, lib->owner, lib->owner_id, folder_id, after,
				offset, limit, fn, cls) < 0)
		return BST_DOC_ERROR;
	return BST_DOC_OK;
}

enum bst_doc_status bst_doc_list_deleted(struct bst_ctx *ctx, const struct bst_library *lib,
					 int64_t folder_id,
					 void (*fn)(void *cls, const struct bst_document_row *d),
					 void *cls)
{
	if (!lib->read)
		return BST_DOC_FORBIDDEN;
	enum bst_doc_status st = bst_folder_check(ctx, lib, folder_id, NULL);
	if (st != BST_DOC_OK)
		return st;
	struct list_filter f = {ctx, lib, fn, cls};
	if (bst_q_document_list_deleted(ctx->platform->main, lib->owner, lib->owner_id, folder_id,
					ctx->now - BST_DOC_RESTORE_MS, BST_DOC_LIST_MAX,
					only_restorable, &f) < 0)
		return BST_DOC_ERROR;
	return BST_DOC_OK;
}

enum bst_doc_status bst_doc_get(struct bst_ctx *ctx, int64_t id, struct bst_document_row *d,
				struct bst_library *lib_out, struct bst_doc_rights *rights)
{
	struct bst_library lib_local;
	struct bst_library *lib = lib_out ? lib_out : &lib_local;
	struct bst_doc_rights r_local;
	struct bst_doc_rights *r = rights ? rights : &r_local;
	memset(r, 0, sizeof *r);
	memset(lib, 0, sizeof *lib);
	enum bst_qs qs = bst_q_document_get(ctx->platform->main, id, d);
	if (qs < 0)
		return BST_DOC_ERROR;
	if (qs == BST_QS_NO_RESULTS)
		return BST_DOC_NOT_FOUND;
	enum bst_doc_status st = bst_library_open(ctx, d->owner, d->owner_id, lib);
	if (st == BST_DOC_FORBIDDEN || st == BST_DOC_INVALID_OWNER)
		st = BST_DOC_NOT_FOUND; /* a document says nothing of libraries one may not read */
	if (st != BST_DOC_OK)
		return st;
	rights_of(ctx, lib, d, r);
	if (d->deleted_ms && !r->restore) {
		/* those who could restore it once are told why they cannot now */
		if (may_change(ctx, lib, d->created_by) && !restorable(ctx, d->deleted_ms))
			return BST_DOC_RESTORE_EXPIRED;
		return BST_DOC_NOT_FOUND;
	}
	return BST_DOC_OK;
}

enum bst_doc_status bst_doc_versions(struct bst_ctx *ctx, int64_t id,
				     void (*fn)(void *cls,
						const struct bst_document_version_row *v),
				     void *cls)
{
	struct bst_document_row d;
	enum bst_doc_status st = bst_doc_get(ctx, id, &d, NULL, NULL);
	if (st != BST_DOC_OK)
		return st;
	return bst_q_document_versions(ctx->platform->main, id, fn, cls) < 0 ? BST_DOC_ERROR
									 : BST_DOC_OK;
}

enum bst_doc_status bst_doc_open(struct bst_ctx *ctx, int64_t id, int64_t number,
				 struct bst_document_row *d,
				 struct bst_document_version_row *v,
				 struct bst_blob_reader **reader)
{
	*reader = NULL;
	memset(v, 0, sizeof *v);
	struct bst_library lib;
	enum bst_doc_status st = bst_doc_get(ctx, id, d, &lib, NULL);
	if (st != BST_DOC_OK)
		return st;
	if (d->deleted_ms)
		return BST_DOC_NOT_FOUND; /* restore it first */
	if (number < 0)
		return BST_DOC_VERSION_NOT_FOUND;
	enum bst_qs qs = bst_q_document_version_get(ctx->platform->main, id, number, v);
	if (qs < 0)
		return BST_DOC_ERROR;
	if (qs == BST_QS_NO_RESULTS)
		return BST_DOC_VERSION_NOT_FOUND;
	if (bst_blob_reader_open(ctx, v->blob_id, reader) != 0)
		return BST_DOC_UNREADABLE;
	json_t *det = details(&lib, id);
	json_object_set_new(det, "version", json_integer(v->number));
	json_object_set_new(det, "size", json_integer(v->size));
	bst_audit_record(ctx, "document.download", d->name, det);
	return BST_DOC_OK;
}

/* ---- changes ---- */

struct change {
	struct bst_ctx *ctx;
	int64_t id;
	const char *name;    /* rename: the new name */
	int64_t folder_id;   /* move, restore: the target (-1: unchanged) */
	bool index;          /* put (true) or delete the search entry */
	enum bst_qs changed; /* what the update said */
	enum { CH_UPDATE, CH_DELETE, CH_RESTORE } kind;
};

/* The row change and the search index, in one transaction. */
static enum bst_qs change_txn(bst_db *db, void *cls)
{
	struct change *c = cls;
	struct bst_ctx *ctx = c->ctx;
	switch (c->kind) {
	case CH_UPDATE:
		c->changed = bst_q_document_update(db, c->id, c->name, c->folder_id, ctx->now);
		break;
	case CH_DELETE:
		c->changed = bst_q_document_delete(db, c->id, me(ctx), ctx->now);
		break;
	case CH_RESTORE:
		c->changed = bst_q_document_restore(db, c->id, c->folder_id, ctx->now);
		break;
	}
	if (c->changed != BST_QS_ONE_RESULT)
		return c->changed;
	if (!c->index)
		return bst_q_search_delete(db, "document", c->id);
	if (!c->name)
		return BST_QS_ONE_RESULT;
	return bst_q_search_put(db, "document", c->id, c->name, "");
}

static enum bst_doc_status run_change(struct change *c)
{
	enum bst_qs qs = bst_db_transaction(c->ctx->platform->main, change_txn, c);
	if (qs < 0)
		return BST_DOC_ERROR;
	return c->changed == BST_QS_ONE_RESULT ? BST_DOC_OK : BST_DOC_NAME_TAKEN;
}

enum bst_doc_status bst_doc_rename(struct bst_ctx *ctx, int64_t id, const char *name)
{
	struct bst_document_row d;
	struct bst_library lib;
	struct bst_doc_rights r;
	enum bst_doc_status st = bst_doc_get(ctx, id, &d, &lib, &r);
	if (st != BST_DOC_OK)
		return st;
	if (d.deleted_ms)
		return BST_DOC_NOT_FOUND;
	if (!r.change)
		return BST_DOC_FORBIDDEN;
	if (!bst_doc_name_valid(name))
		return BST_DOC_INVALID_NAME;
	if (strcmp(name, d.name) == 0)
		return BST_DOC_OK;
	struct change c = {ctx, id, name, -1, true, BST_QS_NO_RESULTS, CH_UPDATE};
	st = run_change(&c);
	if (st == BST_DOC_OK) {
		json_t *det = details(&lib, id);
		json_object_set_new(det, "from", json_string(d.name));
		bst_audit_record(ctx, "document.rename", name, det);
	}
	return st;
}

enum bst_doc_status bst_doc_move(struct bst_ctx *ctx, int64_t id, int64_t folder_id)
{
	return bst_doc_move_to(ctx, id, NULL, 0, folder_id);
}

/* A move in one transaction: the target folder still live and of the
 * target library, the row, the publications that carry the document, the
 * search entry. A refusal rolls everything back (a hard error, never
 * retried) with m->st saying why. */
struct move {
	struct bst_ctx *ctx;
	const struct bst_document_row *d;
	const struct bst_library *to;
	int64_t folder_id;
	bool check_links; /* the library changes */
	bool to_open;     /* the target is an open group's library */
	bool blocked;     /* a live publication could not carry it there */
	enum bst_doc_status st;
};

/* The rule of posts.h, for the document once moved. */
static void link_fits(void *cls, int64_t post_id, int64_t group_id)
{
	struct move *m = cls;
	(void)post_id;
	bool fits = strcmp(m->to->owner, "group") == 0 &&
		    (group_id ? group_id == m->to->owner_id : m->to_open);
	if (!fits)
		m->blocked = true;
}

static enum bst_qs move_txn(bst_db *db, void *cls)
{
	struct move *m = cls;
	enum bst_qs qs;
	m->st = BST_DOC_ERROR;
	m->blocked = false;
	if (m->folder_id) {
		struct bst_folder_row f;
		qs = bst_q_folder_get(db, m->folder_id, &f);
		if (qs < 0)
			return qs;
		if (qs == BST_QS_NO_RESULTS || f.deleted_ms || strcmp(f.owner, m->to->owner) != 0 ||
		    f.owner_id != m->to->owner_id) {
			m->st = BST_DOC_FOLDER_NOT_FOUND;
			return BST_QS_HARD_ERROR;
		}
	}
	qs = bst_q_document_relocate(db, m->d->id, m->to->owner, m->to->owner_id, m->folder_id,
				     m->ctx->now);
	if (qs < 0)
		return qs;
	if (qs == BST_QS_NO_RESULTS) {
		struct bst_document_row now;
		qs = bst_q_document_get(db, m->d->id, &now);
		if (qs < 0)
			return qs;
		/* deleted meanwhile, or a live document of the folder has its name */
		m->st = qs == BST_QS_NO_RESULTS || now.deleted_ms ? BST_DOC_NOT_FOUND
								  : BST_DOC_MOVE_NAME_TAKEN;
		return BST_QS_HARD_ERROR;
	}
	if (m->check_links) {
		qs = bst_q_document_attached_posts(db, m->d->id, link_fits, m);
		if (qs < 0)
			return qs;
		if (m->blocked) {
			m->st = BST_DOC_ATTACHED;
			return BST_QS_HARD_ERROR;
		}
	}
	qs = bst_q_search_put(db, "document", m->d->id, m->d->name, "");
	if (qs < 0)
		return qs;
	m->st = BST_DOC_OK;
	return BST_QS_ONE_RESULT;
}

static json_t *place(const struct bst_library *lib, int64_t folder_id)
{
	return json_pack("{ss sI sI}", "owner", lib->owner, "owner_id", (json_int_t)lib->owner_id,
			 "folder", (json_int_t)folder_id);
}

enum bst_doc_status bst_doc_move_to(struct bst_ctx *ctx, int64_t id, const char *owner,
				    int64_t owner_id, int64_t folder_id)
{
	struct bst_document_row d;
	struct bst_library from, to;
	struct bst_doc_rights r;
	enum bst_doc_status st = bst_doc_get(ctx, id, &d, &from, &r);
	if (st != BST_DOC_OK)
		return st;
	if (d.deleted_ms)
		return BST_DOC_NOT_FOUND;
	if (!r.change)
		return BST_DOC_FORBIDDEN;
	if (owner) {
		st = bst_library_open(ctx, owner, owner_id, &to);
		if (st != BST_DOC_OK)
			return st;
	} else {
		to = from;
	}
	bool same_library = strcmp(from.owner, to.owner) == 0 && from.owner_id == to.owner_id;
	/* within its library, changing the document is enough (a platform
	 * administrator manages a group's library without writing to it);
	 * into another, ctx adds to it as an upload would */
	if (!same_library && !to.write)
		return BST_DOC_FORBIDDEN;
	if (folder_id < 0)
		return BST_DOC_FOLDER_NOT_FOUND;
	st = bst_folder_check(ctx, &to, folder_id, NULL);
	if (st != BST_DOC_OK)
		return st;
	if (same_library && folder_id == d.folder_id)
		return BST_DOC_OK;
	struct move m = {ctx, &d, &to, folder_id, !same_library, false, false, BST_DOC_ERROR};
	if (!same_library && strcmp(to.owner, "group") == 0) {
		struct bst_group_access a;
		if (bst_group_access(ctx, to.owner_id, &a) != 0)
			return BST_DOC_ERROR;
		m.to_open = strcmp(a.kind, "open") == 0;
	}
	enum bst_qs qs = bst_db_transaction(ctx->platform->main, move_txn, &m);
	if (m.st == BST_DOC_OK && qs < 0)
		m.st = BST_DOC_ERROR;
	if (m.st == BST_DOC_ERROR)
		bst_log_error("platform %s: moving document %lld failed; nothing was changed",
			      ctx->platform->slug, (long long)id);
	if (m.st != BST_DOC_OK)
		return m.st;
	json_t *det = details(&to, id);
	json_object_set_new(det, "from", place(&from, d.folder_id));
	json_object_set_new(det, "to", place(&to, folder_id));
	json_object_set_new(det, "from_folder", json_integer(d.folder_id));
	json_object_set_new(det, "to_folder", json_integer(folder_id));
	bst_audit_record(ctx, "document.move", d.name, det);
	return BST_DOC_OK;
}

struct targets {
	struct bst_ctx *ctx;
	void (*fn)(void *, const struct bst_library *, const char *);
	void *cls;
	int n;           /* groups given */
	int page;        /* groups seen in this page */
	int64_t last_id; /* the last group seen */
};

static void group_target(void *cls, const struct bst_group *g, const struct bst_group_access *a)
{
	struct targets *t = cls;
	t->page++;
	t->last_id = g->id;
	if (!a->write || t->n >= BST_DOC_MOVE_TARGETS_MAX)
		return;
	struct bst_library lib = {"group", g->id, a->read, a->write, a->manage};
	t->n++;
	t->fn(t->cls, &lib, g->name);
}

enum bst_doc_status bst_library_targets(struct bst_ctx *ctx,
					void (*fn)(void *cls, const struct bst_library *lib,
						   const char *group_name),
					void *cls)
{
	struct bst_library own;
	enum bst_doc_status st = bst_library_open(ctx, "user", 0, &own);
	if (st != BST_DOC_OK)
		return st;
	if (!bst_authz_write(ctx))
		return BST_DOC_OK;
	fn(cls, &own, "");
	struct targets t = {ctx, fn, cls, 0, 0, 0};
	do {
		t.page = 0;
		if (bst_group_list(ctx, NULL, true, t.last_id, BST_GROUP_LIST_MAX, group_target, &t) !=
		    BST_GROUP_OK)
			return BST_DOC_ERROR;
	} while (t.page == BST_GROUP_LIST_MAX && t.n < BST_DOC_MOVE_TARGETS_MAX);
	return BST_DOC_OK;
}

enum bst_doc_status bst_doc_delete(struct bst_ctx *ctx, int64_t id)
{
	struct bst_document_row d;
	struct bst_library lib;
	struct bst_doc_rights r;
	enum bst_doc_status st = bst_doc_get(ctx, id, &d, &lib, &r);
	if (st != BST_DOC_OK)
		return st;
	if (d.deleted_ms)
		return BST_DOC_OK; /* already: deleting twice is no error */
	if (!r.change)
		return BST_DOC_FORBIDDEN;
	struct change c = {ctx, id, NULL, -1, false, BST_QS_NO_RESULTS, CH_DELETE};
	st = run_change(&c);
	if (st == BST_DOC_NAME_TAKEN)
		st = BST_DOC_OK; /* deleted meanwhile by someone else */
	if (st == BST_DOC_OK && c.changed == BST_QS_ONE_RESULT)
		bst_audit_record(ctx, "document.delete", d.name, details(&lib, id));
	return st;
}

enum bst_doc_status bst_doc_restore(struct bst_ctx *ctx, int64_t id)
{
	struct bst_document_row d;
	struct bst_library lib;
	struct bst_doc_rights r;
	enum bst_doc_status st = bst_doc_get(ctx, id, &d, &lib, &r);
	if (st != BST_DOC_OK)
		return st;
	if (!d.deleted_ms)
		return BST_DOC_NOT_DELETED;
	if (!r.restore)
		return BST_DOC_FORBIDDEN;
	int64_t folder_id = d.folder_id;
	if (folder_id && bst_folder_check(ctx, &lib, folder_id, NULL) != BST_DOC_OK)
		folder_id = 0; /* its folder is gone: back at the root */
	struct change c = {ctx, id, d.name, folder_id, true, BST_QS_NO_RESULTS, CH_RESTORE};
	st = run_change(&c);
	if (st == BST_DOC_OK) {
		json_t *det = details(&lib, id);
		json_object_set_new(det, "folder", json_integer(folder_id));
		bst_audit_record(ctx, "document.restore", d.name, det);
	}
	return st;
}

/* ---- limits ---- */

int64_t bst_doc_file_max(const struct bst_ctx *ctx)
{
	if (ctx->config && ctx->config->doc_max_file_mb)
		return (int64_t)ctx->config->doc_max_file_mb * 1000 * 1000;
	return BST_DOC_FILE_MAX;
}

enum bst_doc_status bst_doc_quota(struct bst_ctx *ctx, int64_t *quota, int64_t *used)
{
	*quota = *used = 0;
	if (!bst_authz_admin(ctx))
		return BST_DOC_FORBIDDEN;
	*quota = bst_q_doc_quota_get(ctx->platform->main);
	*used = bst_q_documents_bytes(ctx->platform->main);
	return *quota < 0 || *used < 0 ? BST_DOC_ERROR : BST_DOC_OK;
}

enum bst_doc_status bst_doc_quota_set(struct bst_ctx *ctx, int64_t bytes)
{
	if (ctx->actor != BST_ACTOR_OPERATOR)
		return BST_DOC_FORBIDDEN; /* the operator sells the storage */
	if (bytes < 1 || bytes > BST_DOC_QUOTA_MAX)
		return BST_DOC_INVALID_QUOTA;
	int64_t before = bst_q_doc_quota_get(ctx->platform->main);
	if (before < 0 ||
	    bst_q_doc_quota_set(ctx->platform->main, bytes, ctx->now) != BST_QS_ONE_RESULT)
		return BST_DOC_ERROR;
	json_t *d = json_pack("{s{sI sI}}", "doc_quota_bytes", "from", (json_int_t)before, "to",
			      (json_int_t)bytes);
	bst_audit_record(ctx, "settings.change", "platform", d);
	return BST_DOC_OK;
}

/* ---- uploads ---- */

struct bst_doc_upload {
	struct bst_ctx *ctx;
	struct bst_library lib;
	int64_t folder_id;
	int64_t document_id; /* 0: a new document */
	char name[BST_DOC_NAME_MAX + 1];
	struct bst_blob_writer *w;
	int64_t quota_left;  /* at the start; checked again at commit */
	int64_t file_max;
	bool broken;         /* a limit was hit or the disk failed */
	size_t head_len;
	unsigned char head[BST_MAGIC_PREFIX]; /* the first bytes, for typing */
};

enum bst_doc_status bst_doc_upload_begin(struct bst_ctx *ctx, const char *owner,
					 int64_t owner_id, int64_t folder_id,
					 int64_t document_id, const char *name,
					 struct bst_doc_upload **out)
{
	*out = NULL;
	struct bst_library lib;
	enum bst_doc_status st;
	char doc_name[BST_DOC_NAME_MAX + 1];
	if (!bst_authz_write(ctx))
		return BST_DOC_FORBIDDEN;
	if (document_id > 0) {
		struct bst_document_row d;
		struct bst_doc_rights r;
		st = bst_doc_get(ctx, document_id, &d, &lib, &r);
		if (st != BST_DOC_OK)
			return st;
		if (d.deleted_ms)
			return BST_DOC_NOT_FOUND;
		if (!r.version)
			return BST_DOC_FORBIDDEN;
		folder_id = d.folder_id;
		snprintf(doc_name, sizeof doc_name, "%s", d.name);
	} else {
		st = bst_library_open(ctx, owner, owner_id, &lib);
		if (st != BST_DOC_OK)
			return st;
		if (!lib.write)
			return BST_DOC_FORBIDDEN;
		if (folder_id < 0)
			return BST_DOC_FOLDER_NOT_FOUND;
		st = bst_folder_check(ctx, &lib, folder_id, NULL);
		if (st != BST_DOC_OK)
			return st;
		if (!bst_doc_name_valid(name))
			return BST_DOC_INVALID_NAME;
		/* refused now rather than after the whole file arrived; the
		 * unique index decides at commit */
		int64_t existing = 0;
		enum bst_qs qs = bst_q_document_find(ctx->platform->main, lib.owner, lib.owner_id,
						     folder_id, name, &existing);
		if (qs < 0)
			return BST_DOC_ERROR;
		if (qs == BST_QS_ONE_RESULT)
			return BST_DOC_NAME_TAKEN;
		snprintf(doc_name, sizeof doc_name, "%s", name);
	}
	int64_t used = bst_q_documents_bytes(ctx->platform->main);
	int64_t quota = bst_q_doc_quota_get(ctx->platform->main);
	if (used < 0 || quota < 0)
		return BST_DOC_ERROR;
	if (used >= quota)
		return BST_DOC_QUOTA;
	struct bst_doc_upload *u = calloc(1, sizeof *u);
	if (!u)
		return BST_DOC_ERROR;
	u->ctx = ctx;
	u->lib = lib;
	u->folder_id = folder_id;
	u->document_id = document_id > 0 ? document_id : 0;
	snprintf(u->name, sizeof u->name, "%s", doc_name);
	u->quota_left = quota - used;
	u->file_max = bst_doc_file_max(ctx);
	if (bst_blob_writer_new(ctx, &u->w) != 0) {
		free(u);
		return BST_DOC_ERROR;
	}
	*out = u;
	return BST_DOC_OK;
}

enum bst_doc_status bst_doc_upload_data(struct bst_doc_upload *u, const void *data, size_t len)
{
	if (u->broken)
		return BST_DOC_ERROR;
	uint64_t size = bst_blob_writer_size(u->w) + len;
	if (size > (uint64_t)u->file_max) {
		u->broken = true;
		return BST_DOC_TOO_LARGE;
	}
	if (size > (uint64_t)u->quota_left) {
		u->broken = true;
		return BST_DOC_QUOTA;
	}
	if (u->head_len < sizeof u->head) {
		size_t n = sizeof u->head - u->head_len;
		if (n > len)
			n = len;
		memcpy(u->head + u->head_len, data, n);
		u->head_len += n;
	}
	if (bst_blob_writer_write(u->w, data, len) != 0) {
		u->broken = true;
		return BST_DOC_ERROR;
	}
	return BST_DOC_OK;
}

struct commit {
	struct bst_doc_upload *u;
	const char *type;
	enum bst_doc_status st;
	int64_t blob_id, document_id, number;
};

/* The quota, the blob's row, the document and its version, the search
 * index: all or nothing. Refusals roll back as hard errors (never
 * retried) with c->st saying why. */
static enum bst_qs commit_txn(bst_db *db, void *cls)
{
	struct commit *c = cls;
	struct bst_doc_upload *u = c->u;
	struct bst_ctx *ctx = u->ctx;
	int64_t size = (int64_t)bst_blob_writer_size(u->w);
	c->st = BST_DOC_ERROR;
	int64_t used = bst_q_documents_bytes(db);
	int64_t quota = bst_q_doc_quota_get(db);
	if (used < 0 || quota < 0)
		return BST_QS_HARD_ERROR;
	if (used + size > quota) {
		c->st = BST_DOC_QUOTA;
		return BST_QS_HARD_ERROR;
	}
	if (bst_blob_writer_finish(u->w, &c->blob_id) != 0)
		return BST_QS_HARD_ERROR;
	enum bst_qs qs;
	c->document_id = u->document_id;
	if (!c->document_id) {
		if (u->folder_id) {
			struct bst_folder_row f;
			qs = bst_q_folder_get(db, u->folder_id, &f);
			if (qs < 0)
				return qs;
			if (qs == BST_QS_NO_RESULTS || f.deleted_ms) {
				c->st = BST_DOC_FOLDER_NOT_FOUND;
				return BST_QS_HARD_ERROR;
			}
		}
		qs = bst_q_document_insert(db, u->lib.owner, u->lib.owner_id, u->folder_id, u->name,
					   me(ctx), ctx->now, &c->document_id);
		if (qs < 0)
			return qs;
		if (qs == BST_QS_NO_RESULTS) {
			c->st = BST_DOC_NAME_TAKEN;
			return BST_QS_HARD_ERROR;
		}
	}
	qs = bst_q_document_version_add(db, c->document_id, c->blob_id, size, c->type, me(ctx),
					ctx->now, &c->number);
	if (qs < 0)
		return qs;
	if (qs == BST_QS_NO_RESULTS) {
		c->st = BST_DOC_NOT_FOUND; /* deleted while the file arrived */
		return BST_QS_HARD_ERROR;
	}
	qs = bst_q_search_put(db, "document", c->document_id, u->name, "");
	if (qs < 0)
		return qs;
	c->st = BST_DOC_OK;
	return BST_QS_ONE_RESULT;
}

enum bst_doc_status bst_doc_upload_commit(struct bst_doc_upload *u, int64_t *document_id,
					  int64_t *number)
{
	*document_id = 0;
	*number = 0;
	if (u->broken) {
		bst_doc_upload_abort(u);
		return BST_DOC_ERROR;
	}
	struct bst_ctx *ctx = u->ctx;
	char type[BST_Q_DOC_TYPE_LEN];
	bst_magic_mime(u->head, u->head_len, type, sizeof type);
	struct commit c = {u, type, BST_DOC_ERROR, 0, 0, 0};
	enum bst_qs qs = bst_db_transaction(ctx->platform->main, commit_txn, &c);
	if (qs < 0 || c.st != BST_DOC_OK) {
		if (c.st == BST_DOC_OK)
			c.st = BST_DOC_ERROR;
		if (c.st == BST_DOC_ERROR)
			bst_log_error("platform %s: upload of \"%s\" failed; nothing was kept",
				      ctx->platform->slug, u->name);
		bst_doc_upload_abort(u);
		return c.st;
	}
	json_t *det = details(&u->lib, c.document_id);
	json_object_set_new(det, "version", json_integer(c.number));
	json_object_set_new(det, "size", json_integer((json_int_t)bst_blob_writer_size(u->w)));
	json_object_set_new(det, "type", json_string(type));
	json_object_set_new(det, "folder", json_integer(u->folder_id));
	bst_audit_record(ctx, "document.upload", u->name, det);
	*document_id = c.document_id;
	*number = c.number;
	bst_blob_writer_free(u->w);
	free(u);
	return BST_DOC_OK;
}

void bst_doc_upload_abort(struct bst_doc_upload *u)
{
	if (!u)
		return;
	bst_blob_writer_abort(u->w);
	free(u);
}
