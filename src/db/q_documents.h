/* Queries of the document base: blobs (q_blobs.c), folders (q_folders.c),
 * documents and their versions, and the documents attached to a post
 * (q_documents.c). A library is a pair
 * (owner, owner_id): ("group", group id) or ("user", user id); a folder id
 * of 0 means the library's root. Who may see or change what is decided by
 * the documents service (src/social/documents.c); the only rule written
 * here is what must be atomic with the write: a name already used by a
 * live sibling (the unique indexes, case-insensitive for ASCII) changes
 * nothing. None of these functions opens a transaction, so services may
 * combine them inside their own (bst_db_transaction). Thread-safe as the
 * store is. */
#ifndef BST_DB_Q_DOCUMENTS_H
#define BST_DB_Q_DOCUMENTS_H
#include <stdbool.h>
#include <stdint.h>

#include "db/queries.h"
#include "db/store.h"

/* Sizes of text fields: the service's limits (documents.h) plus the
 * terminator. */
#define BST_Q_DOC_NAME_LEN (255 + 1)
#define BST_Q_DOC_TYPE_LEN 128
#define BST_Q_BLOB_NAME_LEN 65
#define BST_Q_BLOB_HASH_LEN 129

/* ---- blobs: q_blobs.c ---- */

struct bst_blob_row {
	int64_t id;
	char name[BST_Q_BLOB_NAME_LEN];
	int64_t size;
	char blake2b[BST_Q_BLOB_HASH_LEN];
	int64_t created_ms;
};

enum bst_qs bst_q_blob_insert(bst_db *db, const char *name, int64_t size, const char *blake2b,
			      int64_t now, int64_t *id);
enum bst_qs bst_q_blob_get(bst_db *db, int64_t id, struct bst_blob_row *out);
enum bst_qs bst_q_blob_delete(bst_db *db, int64_t id);

/* ---- folders: q_folders.c ---- */

struct bst_folder_row {
	int64_t id;
	char owner[8];     /* "group" | "user" */
	int64_t owner_id;
	int64_t parent_id; /* 0: at the library's root */
	char name[BST_Q_DOC_NAME_LEN];
	int64_t created_by;
	int64_t created_ms;
	int64_t deleted_ms; /* 0: live */
	int64_t deleted_by;
};

enum bst_qs bst_q_folder_get(bst_db *db, int64_t id, struct bst_folder_row *out);
/* Sub-folders of parent_id (0: the root) in a library: the live ones by
 * name from offset, or (deleted_since > 0) those deleted at or after
 * deleted_since, newest deletion first. */
enum bst_qs bst_q_folder_list(bst_db *db, const char *owner, int64_t owner_id,
			      int64_t parent_id, int64_t deleted_since, int64_t offset,
			      int limit,
			      void (*fn)(void *cls, const struct bst_folder_row *f), void *cls);
/* Every live folder of a library, by id, at most limit. */
enum bst_qs bst_q_folder_all(bst_db *db, const char *owner, int64_t owner_id, int limit,
			     void (*fn)(void *cls, const struct bst_folder_row *f), void *cls);
/* The folder and its ancestors, deepest first, at most max_depth rows. */
enum bst_qs bst_q_folder_ancestors(bst_db *db, int64_t id, int max_depth,
				   void (*fn)(void *cls, const struct bst_folder_row *f),
				   void *cls);
/* NO_RESULTS (and *id 0) when a live sibling has that name. */
enum bst_qs bst_q_folder_insert(bst_db *db, const char *owner, int64_t owner_id,
				int64_t parent_id, const char *name, int64_t created_by,
				int64_t now, int64_t *id);
/* A live folder's new name; NO_RESULTS when the name is taken (or the
 * folder is gone). */
enum bst_qs bst_q_folder_rename(bst_db *db, int64_t id, const char *name);
/* Soft delete of a live folder holding no live folder or document;
 * NO_RESULTS otherwise. */
enum bst_qs bst_q_folder_delete(bst_db *db, int64_t id, int64_t by, int64_t now);
/* Makes a deleted folder live again under parent_id; NO_RESULTS when a
 * live sibling took its name meanwhile. */
enum bst_qs bst_q_folder_restore(bst_db *db, int64_t id, int64_t parent_id);

/* ---- documents: q_documents.c ---- */

/* A document with its latest version. */
struct bst_document_row {
	int64_t id;
	char owner[8];
	int64_t owner_id;
	int64_t folder_id;  /* 0: at the root */
	char name[BST_Q_DOC_NAME_LEN];
	int64_t created_by;
	char created_by_name[BST_NAME_MAX + 1];
	int64_t created_ms;
	int64_t updated_ms;
	int64_t deleted_ms; /* 0: live */
	int64_t deleted_by;
	int64_t version;    /* the latest version's number */
	int64_t size;       /* of the latest version, bytes */
	char content_type[BST_Q_DOC_TYPE_LEN];
};

struct bst_document_version_row {
	int64_t id;
	int64_t document_id;
	int64_t number;
	int64_t blob_id;
	int64_t size;
	char content_type[BST_Q_DOC_TYPE_LEN];
	int64_t uploaded_by;
	char uploaded_by_name[BST_NAME_MAX + 1];
	int64_t created_ms;
};

enum bst_qs bst_q_document_get(bst_db *db, int64_t id, struct bst_document_row *out);
/* Live documents of a folder (0: the root) in a library: by id with
 * id > after (API pages), or by name from offset (web pages, after < 0). */
enum bst_qs bst_q_document_list(bst_db *db, const char *owner, int64_t owner_id,
				int64_t folder_id, int64_t after, int64_t offset, int limit,
				void (*fn)(void *cls, const struct bst_document_row *d),
				void *cls);
/* Documents of a folder deleted at or after since, newest deletion first. */
enum bst_qs bst_q_document_list_deleted(bst_db *db, const char *owner, int64_t owner_id,
					int64_t folder_id, int64_t since, int limit,
					void (*fn)(void *cls, const struct bst_document_row *d),
					void *cls);
/* ONE_RESULT (and *id) when a live document of the folder has that name
 * (compared as the unique index does), NO_RESULTS when none. */
enum bst_qs bst_q_document_find(bst_db *db, const char *owner, int64_t owner_id,
				int64_t folder_id, const char *name, int64_t *id);
/* A new document (no version yet: add one in the same transaction).
 * NO_RESULTS (and *id 0) when a live document of the folder has that
 * name. */
enum bst_qs bst_q_document_insert(bst_db *db, const char *owner, int64_t owner_id,
				  int64_t folder_id, const char *name, int64_t created_by,
				  int64_t now, int64_t *id);
/* Version N+1 of a live document; *number is N+1. NO_RESULTS when the
 * document is gone or deleted. */
enum bst_qs bst_q_document_version_add(bst_db *db, int64_t document_id, int64_t blob_id,
				       int64_t size, const char *content_type,
				       int64_t uploaded_by, int64_t now, int64_t *number);
/* Version number of a document (0: the latest). */
enum bst_qs bst_q_document_version_get(bst_db *db, int64_t document_id, int64_t number,
				       struct bst_document_version_row *out);
/* Every version, newest first. */
enum bst_qs bst_q_document_versions(bst_db *db, int64_t document_id,
				    void (*fn)(void *cls,
					       const struct bst_document_version_row *v),
				    void *cls);
/* Renames and/or moves a live document (name NULL: unchanged; folder_id
 * < 0: unchanged). NO_RESULTS when the name is taken in the target folder
 * (or the document is gone). */
enum bst_qs bst_q_document_update(bst_db *db, int64_t id, const char *name,
				  int64_t folder_id, int64_t now);
/* Moves a live document, with its versions, to folder_id (0: the root)
 * of the library (owner, owner_id). NO_RESULTS when a live document of
 * the target folder has its name (or the document is gone). */
enum bst_qs bst_q_document_relocate(bst_db *db, int64_t id, const char *owner,
				    int64_t owner_id, int64_t folder_id, int64_t now);
/* The live (not deleted) publications a document is attached to: fn gets
 * each post id and its group (0: the platform feed). */
enum bst_qs bst_q_document_attached_posts(bst_db *db, int64_t id,
					  void (*fn)(void *cls, int64_t post_id,
						     int64_t group_id),
					  void *cls);
enum bst_qs bst_q_document_delete(bst_db *db, int64_t id, int64_t by, int64_t now);
/* Makes a deleted document live again in folder_id; NO_RESULTS when a
 * live document of that folder took its name meanwhile. */
enum bst_qs bst_q_document_restore(bst_db *db, int64_t id, int64_t folder_id, int64_t now);
/* The platform's quota in bytes (settings.doc_quota_bytes), or -1. */
int64_t bst_q_doc_quota_get(bst_db *db);
enum bst_qs bst_q_doc_quota_set(bst_db *db, int64_t bytes, int64_t now);
/* Bytes held by every version of every live document of the platform
 * (the quota's measure), or -1. */
int64_t bst_q_documents_bytes(bst_db *db);
/* The documents attached to a post (post_attachments), deleted ones too,
 * by name. */
enum bst_qs bst_q_documents_of_post(bst_db *db, int64_t post_id,
				    void (*fn)(void *cls,
					       const struct bst_document_row *d),
				    void *cls);
/* The most recently added live documents, every folder included, at
 * most limit: of one library (owner, owner_id), or, when owner is NULL,
 * of the libraries of every open group. fn also gets the name of the
 * group whose library holds the document ("" for a personal space). */
enum bst_qs bst_q_documents_recent(bst_db *db, const char *owner, int64_t owner_id,
				   int limit,
				   void (*fn)(void *cls, const struct bst_document_row *d,
					      const char *group_name),
				   void *cls);

/* ---- purge: q_doc_purge.c ---- */

/* Documents deleted before `before`, oldest deletion first, at most
 * limit. */
enum bst_qs bst_q_documents_purgeable(bst_db *db, int64_t before, int limit,
				      void (*fn)(void *cls, int64_t id), void *cls);
/* Folders deleted before `before` that nothing refers to any more (no
 * folder inside, no document, deleted or not), at most limit. */
enum bst_qs bst_q_folders_purgeable(bst_db *db, int64_t before, int limit,
				    void (*fn)(void *cls, int64_t id), void *cls);
/* Removes a deleted document with its versions and attachment links (1
 * row changed), or nothing when it is live again (0). */
enum bst_qs bst_q_document_purge(bst_db *db, int64_t id);
/* Removes a deleted folder nothing refers to (1), or nothing (0). */
enum bst_qs bst_q_folder_purge(bst_db *db, int64_t id);
/* ONE_RESULT when a version or an avatar uses the blob, NO_RESULTS when
 * none does. */
enum bst_qs bst_q_blob_referenced(bst_db *db, int64_t blob_id);
/* ONE_RESULT when the blobs table has a row of that file name. */
enum bst_qs bst_q_blob_known(bst_db *db, const char *name);

#endif
