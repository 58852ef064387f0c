/* /api/v1/documents and /api/v1/folders (see documents.h). Uploads stream
 * through the same callbacks as the page's (web/upload.c): multipart with
 * the fields owner, owner_id, folder, document, name before the part
 * "file"; downloads stream through the same function as the page's. */
#include "api/documents.h"
#include "api/api.h"
#include "core/i18n.h"
#include "web/documents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *person(int64_t id, const char *name)
{
	if (!id)
		return json_null();
	return json_pack("{sI ss}", "id", (json_int_t)id, "name", name);
}

static json_t *document_json(const struct bst_document_row *d)
{
	return json_pack("{sI ss ss sI so sI sI ss so so so so}", "id", (json_int_t)d->id, "name",
			 d->name, "owner", d->owner, "owner_id", (json_int_t)d->owner_id, "folder",
			 id_or_null(d->folder_id), "version", (json_int_t)d->version, "size",
			 (json_int_t)d->size, "content_type", d->content_type, "created_by",
			 person(d->created_by, d->created_by_name), "created_at",
			 bst_api_time(d->created_ms), "updated_at", bst_api_time(d->updated_ms),
			 "deleted_at", bst_api_time(d->deleted_ms));
}

static json_t *version_json(const struct bst_document_version_row *v)
{
	return json_pack("{sI sI ss so so}", "number", (json_int_t)v->number, "size",
			 (json_int_t)v->size, "content_type", v->content_type, "uploaded_by",
			 person(v->uploaded_by, v->uploaded_by_name), "created_at",
			 bst_api_time(v->created_ms));
}

static json_t *folder_json(const struct bst_folder_row *f)
{
	return json_pack("{sI ss ss sI so so so}", "id", (json_int_t)f->id, "name", f->name,
			 "owner", f->owner, "owner_id", (json_int_t)f->owner_id, "parent",
			 id_or_null(f->parent_id), "created_at", bst_api_time(f->created_ms),
			 "deleted_at", bst_api_time(f->deleted_ms));
}

/* An id argument (query, or JSON body: integer, numeric string or null):
 * *out 0 when absent, "" or null. false when malformed. */
static bool id_arg(struct bst_req *r, const char *name, int64_t *out)
{
	*out = 0;
	json_t *j = r->json ? json_object_get(r->json, name) : NULL;
	if (j) {
		if (json_is_null(j))
			return true;
		if (json_is_integer(j)) {
			*out = json_integer_value(j);
			return *out >= 0;
		}
		if (!json_is_string(j))
			return false;
	}
	const char *s = j ? json_string_value(j) : bst_req_arg(r, name);
	if (!s || !s[0] || strcmp(s, "0") == 0)
		return true;
	*out = bst_document_id_arg(s);
	return *out > 0;
}

static bool body_object(struct bst_req *r)
{
	if (r->json && json_is_object(r->json))
		return true;
	bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
	return false;
}

/* A string member of the JSON body: true with *out NULL when absent;
 * false after answering 400 when not a string. */
static bool body_string(struct bst_req *r, const char *name, const char **out)
{
	*out = NULL;
	json_t *j = json_object_get(r->json, name);
	if (!j)
		return true;
	if (json_is_string(j)) {
		*out = json_string_value(j);
		return true;
	}
	char msg[160];
	snprintf(msg, sizeof msg, _("The field \"%s\" must be a string."), name);
	bst_reply_error(r, 400, "bad_field", msg);
	return false;
}

/* The library named by owner and owner_id; false after answering. */
static bool library_arg(struct bst_req *r, struct bst_library *lib)
{
	int64_t owner_id = 0;
	if (!id_arg(r, "owner_id", &owner_id)) {
		bst_document_error(r, BST_DOC_NOT_FOUND);
		return false;
	}
	enum bst_doc_status st = bst_library_open(&r->ctx, bst_req_arg(r, "owner"), owner_id, lib);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return false;
	}
	return true;
}

static int64_t path_id(struct bst_req *r)
{
	return bst_document_id_arg(r->params[0]);
}

/* Answers 200 (or status) with the document as it is now. */
static void reply_document(struct bst_req *r, int status, int64_t id)
{
	struct bst_document_row d;
	struct bst_doc_rights rights;
	enum bst_doc_status st = bst_doc_get(&r->ctx, id, &d, NULL, &rights);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	json_t *body = document_json(&d);
	json_object_set_new(body, "rights",
			    json_pack("{sb sb sb}", "version", rights.version, "change",
				      rights.change, "restore", rights.restore));
	bst_reply_json(r, status, body);
}

/* ---- /api/v1/documents ---- */

struct list {
	json_t *items;
	int64_t last;
	int n;
};

static void each_document(void *cls, const struct bst_document_row *d)
{
	struct list *l = cls;
	json_array_append_new(l->items, document_json(d));
	l->last = d->id;
	l->n++;
}

static void list_documents(struct bst_req *r)
{
	struct bst_library lib;
	int limit;
	int64_t after, folder;
	if (!bst_api_page_args(r, &limit, &after) || !library_arg(r, &lib))
		return;
	if (!id_arg(r, "folder", &folder)) {
		bst_document_error(r, BST_DOC_FOLDER_NOT_FOUND);
		return;
	}
	struct list l = {json_array(), 0, 0};
	enum bst_doc_status st =
		bst_doc_list(&r->ctx, &lib, folder, after, 0, limit, each_document, &l);
	if (st != BST_DOC_OK) {
		json_decref(l.items);
		bst_document_error(r, st);
		return;
	}
	json_t *next = l.n == limit ? json_sprintf("%lld", (long long)l.last) : json_null();
	bst_reply_json(r, 200, json_pack("{so so}", "items", l.items, "next_cursor", next));
}

void bst_api_documents(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		list_documents(r);
		return;
	}
	int64_t id = 0, number = 0;
	enum bst_doc_status st = bst_document_upload_result(r, &id, &number);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	reply_document(r, 201, id);
}

/* ---- /api/v1/documents/{id} ---- */

static void each_version(void *cls, const struct bst_document_version_row *v)
{
	json_array_append_new(cls, version_json(v));
}

static void get_document(struct bst_req *r, int64_t id)
{
	struct bst_document_row d;
	struct bst_doc_rights rights;
	enum bst_doc_status st = bst_doc_get(&r->ctx, id, &d, NULL, &rights);
	json_t *versions = json_array();
	if (st == BST_DOC_OK)
		st = bst_doc_versions(&r->ctx, id, each_version, versions);
	if (st != BST_DOC_OK) {
		json_decref(versions);
		bst_document_error(r, st);
		return;
	}
	json_t *body = document_json(&d);
	json_object_set_new(body, "versions", versions);
	json_object_set_new(body, "rights",
			    json_pack("{sb sb sb}", "version", rights.version, "change",
				      rights.change, "restore", rights.restore));
	bst_reply_json(r, 200, body);
}

static void patch_document(struct bst_req *r, int64_t id)
{
	const char *name;
	const char *owner;
	if (!body_object(r) || !body_string(r, "name", &name) || !body_string(r, "owner", &owner))
		return;
	json_t *jf = json_object_get(r->json, "folder");
	int64_t folder = 0;
	if (jf && !id_arg(r, "folder", &folder)) {
		bst_document_error(r, BST_DOC_FOLDER_NOT_FOUND);
		return;
	}
	/* a library without "owner" is no library: owner_id alone is refused */
	int64_t owner_id = 0;
	json_t *jo = json_object_get(r->json, "owner_id");
	if (jo && !owner) {
		bst_document_error(r, BST_DOC_INVALID_OWNER);
		return;
	}
	if (jo && !id_arg(r, "owner_id", &owner_id)) {
		bst_document_error(r, BST_DOC_NOT_FOUND);
		return;
	}
	if (!name && !jf && !owner) {
		bst_reply_error(r, 400, "nothing_to_change",
				_("Give a new \"name\", a \"folder\" (null for the root), a library "
				  "(\"owner\" and \"owner_id\"), or several of them."));
		return;
	}
	enum bst_doc_status st = BST_DOC_OK;
	/* into another library without "folder": its root */
	if (owner)
		st = bst_doc_move_to(&r->ctx, id, owner, owner_id, folder);
	else if (jf)
		st = bst_doc_move(&r->ctx, id, folder);
	if (st == BST_DOC_OK && name)
		st = bst_doc_rename(&r->ctx, id, name);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	reply_document(r, 200, id);
}

void bst_api_document(struct bst_req *r)
{
	int64_t id = path_id(r);
	if (!id) {
		bst_document_error(r, BST_DOC_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "PATCH") == 0) {
		patch_document(r, id);
	} else if (strcmp(r->method, "DELETE") == 0) {
		enum bst_doc_status st = bst_doc_delete(&r->ctx, id);
		if (st != BST_DOC_OK)
			bst_document_error(r, st);
		else
			reply_document(r, 200, id);
	} else {
		get_document(r, id);
	}
}

void bst_api_document_content(struct bst_req *r)
{
	int64_t id = path_id(r);
	const char *v = bst_kv_get(&r->query, "version");
	int64_t number = v ? bst_document_id_arg(v) : 0;
	if (!id || (v && number <= 0)) {
		bst_document_error(r, !id ? BST_DOC_NOT_FOUND : BST_DOC_VERSION_NOT_FOUND);
		return;
	}
	bst_document_send(r, id, number);
}

void bst_api_document_restore(struct bst_req *r)
{
	int64_t id = path_id(r);
	enum bst_doc_status st = id ? bst_doc_restore(&r->ctx, id) : BST_DOC_NOT_FOUND;
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	reply_document(r, 200, id);
}

/* ---- /api/v1/folders ---- */

struct folders {
	json_t *items;
	int n;
};

static void each_folder(void *cls, const struct bst_folder_row *f)
{
	struct folders *x = cls;
	json_array_append_new(x->items, folder_json(f));
	x->n++;
}

/* Folders are listed by name: the cursor is the position in that order. */
static void list_folders(struct bst_req *r)
{
	struct bst_library lib;
	int limit;
	int64_t offset, parent;
	if (!bst_api_page_args(r, &limit, &offset) || !library_arg(r, &lib))
		return;
	if (!id_arg(r, "parent", &parent)) {
		bst_document_error(r, BST_DOC_FOLDER_NOT_FOUND);
		return;
	}
	struct folders x = {json_array(), 0};
	enum bst_doc_status st =
		bst_folder_list(&r->ctx, &lib, parent, false, offset, limit, each_folder, &x);
	if (st != BST_DOC_OK) {
		json_decref(x.items);
		bst_document_error(r, st);
		return;
	}
	json_t *next = x.n == limit ? json_sprintf("%lld", (long long)(offset + x.n)) : json_null();
	bst_reply_json(r, 200, json_pack("{so so}", "items", x.items, "next_cursor", next));
}

static void reply_folder(struct bst_req *r, int status, int64_t id)
{
	struct bst_folder_row f;
	struct bst_library lib;
	enum bst_doc_status st = bst_folder_get(&r->ctx, id, &f, &lib);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	bst_reply_json(r, status, folder_json(&f));
}

static void create_folder(struct bst_req *r)
{
	struct bst_library lib;
	const char *name;
	int64_t parent, id = 0;
	if (!body_object(r) || !body_string(r, "name", &name) || !library_arg(r, &lib))
		return;
	if (!id_arg(r, "parent", &parent)) {
		bst_document_error(r, BST_DOC_FOLDER_NOT_FOUND);
		return;
	}
	enum bst_doc_status st = bst_folder_create(&r->ctx, &lib, parent, name, &id);
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	reply_folder(r, 201, id);
}

void bst_api_folders(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		create_folder(r);
	else
		list_folders(r);
}

void bst_api_folder(struct bst_req *r)
{
	int64_t id = path_id(r);
	enum bst_doc_status st = BST_DOC_FOLDER_NOT_FOUND;
	if (strcmp(r->method, "PATCH") == 0) {
		const char *name;
		if (!body_object(r) || !body_string(r, "name", &name))
			return;
		if (id)
			st = bst_folder_rename(&r->ctx, id, name);
	} else if (id) {
		st = bst_folder_delete(&r->ctx, id);
	}
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	reply_folder(r, 200, id);
}

void bst_api_folder_restore(struct bst_req *r)
{
	int64_t id = path_id(r);
	enum bst_doc_status st = id ? bst_folder_restore(&r->ctx, id) : BST_DOC_FOLDER_NOT_FOUND;
	if (st != BST_DOC_OK) {
		bst_document_error(r, st);
		return;
	}
	reply_folder(r, 200, id);
}
