/* The document base: a library per group and a personal space per person,
 * with folders (folders.c), documents and their versions (documents.c),
 * whose files live encrypted in the blob store (blobs.h). This service
 * decides who may do what and audits every change:
 *  - a group's library follows bst_group_access: those who may read the
 *    group list and download; those who may write upload, create folders,
 *    add versions, and rename, move and delete what they created; those
 *    who may manage the group (its administrators, and the platform's
 *    administrators for groups they may see) rename, move, delete and
 *    restore anything;
 *  - a personal space is its owner's only. Platform administrators may not
 *    browse another person's space: it is private by design, the way a
 *    mailbox is, and nothing here makes an exception for them.
 * Deletion is soft: the uploader (or a manager) may restore for
 * BST_DOC_RESTORE_MS; a scheduler job (doc_purge.c) then removes deleted
 * documents and folders for good, with the blobs nobody else uses. Names are
 * checked by bst_doc_name_valid; a live sibling's name (ignoring ASCII
 * case) is refused. Thread-safe; an upload belongs to one request. */
#ifndef BST_SOCIAL_DOCUMENTS_H
#define BST_SOCIAL_DOCUMENTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/q_documents.h"
#include "core/config.h"
#include "social/blobs.h"
#include "tenant/context.h"
#include "tenant/platform.h"

/* Longest name, in bytes: NAME_MAX of common file systems, so that any
 * document can be saved under its name. */
#define BST_DOC_NAME_MAX 255
/* Largest file accepted, per upload, unless the operator's configuration
 * says otherwise ([documents] max_file_mb; issue 3's default: 100 MB). */
#define BST_DOC_FILE_MAX (100LL * 1000 * 1000)
/* Bytes a platform may hold in documents (every version of every live
 * document) until the operator sets its quota (bastide platform
 * set-quota): 10 GB, the default of settings.doc_quota_bytes. */
#define BST_DOC_QUOTA_DEFAULT (10LL * 1000 * 1000 * 1000)
/* Largest quota the operator may set: 1 PB, far above any one disk, only
 * so that sums of sizes stay far from overflowing. */
#define BST_DOC_QUOTA_MAX (1000LL * 1000 * 1000 * 1000 * 1000)
/* How long a deleted document or folder can be restored (issue 3). */
#define BST_DOC_RESTORE_MS (30LL * 24 * 3600 * 1000)
/* A deleted document or folder is purged once this much later than its
 * restore window closed, so that a restore or a download at the window's
 * last minute never races its purge. */
#define BST_DOC_PURGE_GRACE_MS (3600LL * 1000)
/* How often the purge job runs (bst_doc_purge_run). */
#define BST_DOC_PURGE_PERIOD_MS (3600LL * 1000)
/* Rows per page of a folder's documents; folders shown at once. */
#define BST_DOC_LIST_MAX 100
#define BST_FOLDER_LIST_MAX 500
/* Folders inside folders, at most: deeper trees are not something people
 * navigate, and the bound keeps breadcrumb queries small. */
#define BST_FOLDER_DEPTH_MAX 16
/* Libraries a move form offers: one's own space and up to this many
 * groups one may write to, so that the page stays a page. */
#define BST_DOC_MOVE_TARGETS_MAX 50

enum bst_doc_status {
	BST_DOC_OK = 0,
	BST_DOC_NOT_FOUND,        /* also: what ctx may not know of */
	BST_DOC_FORBIDDEN,
	BST_DOC_INVALID_OWNER,    /* owner other than group or user */
	BST_DOC_INVALID_NAME,
	BST_DOC_NAME_TAKEN,
	BST_DOC_FOLDER_NOT_FOUND,
	BST_DOC_FOLDER_NOT_EMPTY,
	BST_DOC_TOO_DEEP,
	BST_DOC_VERSION_NOT_FOUND,
	BST_DOC_NO_FILE,
	BST_DOC_TOO_LARGE,
	BST_DOC_QUOTA,
	BST_DOC_INVALID_QUOTA,    /* a quota out of bounds (operator) */
	BST_DOC_NOT_DELETED,
	BST_DOC_RESTORE_EXPIRED,
	BST_DOC_UNREADABLE,       /* the stored file fails to decrypt */
	BST_DOC_MOVE_NAME_TAKEN,  /* the target folder has a document of that name */
	BST_DOC_ATTACHED,         /* live publications could not carry it there */
	BST_DOC_ERROR,            /* the store or the disk failed */
};
/* A stable code, an English msgid for people, the HTTP status. */
const char *bst_doc_code(enum bst_doc_status s);
const char *bst_doc_text(enum bst_doc_status s);
int bst_doc_http_status(enum bst_doc_status s);

/* Is name acceptable for a document or folder? 1 to BST_DOC_NAME_MAX
 * bytes of valid UTF-8; no "/", "\", NUL or control characters; not "."
 * or ".."; no leading or trailing space; no bidirectional overrides or
 * isolates (U+202A..U+202E, U+2066..U+2069), zero-width characters
 * (U+200B..U+200F, U+FEFF) or line separators (U+2028, U+2029); not a
 * Windows reserved device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9), with
 * or without an extension. */
bool bst_doc_name_valid(const char *name);

/* A library as ctx may use it. */
struct bst_library {
	char owner[8];     /* "group" | "user" */
	int64_t owner_id;
	bool read;         /* list, download */
	bool write;        /* upload, create folders, add versions, change own */
	bool manage;       /* change, delete and restore anything */
};

/* Opens the library of (owner, owner_id) for ctx: "group" and a group id,
 * or "user" and ctx's own id (0 also means ctx's own). NOT_FOUND when ctx
 * may not know of it (someone else's space, a secret group); FORBIDDEN
 * when ctx may see but not read it. */
enum bst_doc_status bst_library_open(struct bst_ctx *ctx, const char *owner, int64_t owner_id,
				     struct bst_library *lib);

/* ---- folders (folders.c) ---- */

/* A live folder of lib (0: the root is always fine). */
enum bst_doc_status bst_folder_check(struct bst_ctx *ctx, const struct bst_library *lib,
				     int64_t folder_id, struct bst_folder_row *f);
/* A folder by id with its library (deleted ones only for those who may
 * restore them). */
enum bst_doc_status bst_folder_get(struct bst_ctx *ctx, int64_t folder_id,
				   struct bst_folder_row *f, struct bst_library *lib);
/* May ctx rename and delete (or restore) f? */
bool bst_folder_may_change(const struct bst_ctx *ctx, const struct bst_library *lib,
			   const struct bst_folder_row *f);
/* The path from the root to folder_id (root first; nothing for 0). */
enum bst_doc_status bst_folder_path(struct bst_ctx *ctx, const struct bst_library *lib,
				    int64_t folder_id,
				    void (*fn)(void *cls, const struct bst_folder_row *f),
				    void *cls);
/* Live sub-folders by name, from offset, at most limit
 * (1..BST_FOLDER_LIST_MAX); or (deleted) those ctx may restore, deleted
 * within BST_DOC_RESTORE_MS (offset and limit unused). */
enum bst_doc_status bst_folder_list(struct bst_ctx *ctx, const struct bst_library *lib,
				    int64_t parent_id, bool deleted, int64_t offset, int limit,
				    void (*fn)(void *cls, const struct bst_folder_row *f),
				    void *cls);
/* Every live folder of the library (at most BST_FOLDER_LIST_MAX, by id):
 * the targets of a move. */
enum bst_doc_status bst_folder_all(struct bst_ctx *ctx, const struct bst_library *lib,
				   void (*fn)(void *cls, const struct bst_folder_row *f), void *cls);
/* Audited: folder.create, folder.rename, folder.delete, folder.restore. A
 * folder is deleted only when empty (FOLDER_NOT_EMPTY). */
enum bst_doc_status bst_folder_create(struct bst_ctx *ctx, const struct bst_library *lib,
				      int64_t parent_id, const char *name, int64_t *id);
enum bst_doc_status bst_folder_rename(struct bst_ctx *ctx, int64_t folder_id, const char *name);
enum bst_doc_status bst_folder_delete(struct bst_ctx *ctx, int64_t folder_id);
/* Back in its parent, or at the root when the parent is deleted too. */
enum bst_doc_status bst_folder_restore(struct bst_ctx *ctx, int64_t folder_id);

/* ---- documents (documents.c) ---- */

/* What ctx may do with one document. */
struct bst_doc_rights {
	bool version; /* upload a new version */
	bool change;  /* rename, move, delete */
	bool restore; /* deleted, within the window, and ctx may restore it */
};

/* Live documents of a folder: by id after `after` (API pages), or by name
 * from `offset` when after < 0 (web pages); at most limit
 * (1..BST_DOC_LIST_MAX). */
enum bst_doc_status bst_doc_list(struct bst_ctx *ctx, const struct bst_library *lib,
				 int64_t folder_id, int64_t after, int64_t offset, int limit,
				 void (*fn)(void *cls, const struct bst_document_row *d),
				 void *cls);
/* Documents of a folder deleted within BST_DOC_RESTORE_MS that ctx may
 * restore, newest deletion first, at most BST_DOC_LIST_MAX. */
enum bst_doc_status bst_doc_list_deleted(struct bst_ctx *ctx, const struct bst_library *lib,
					 int64_t folder_id,
					 void (*fn)(void *cls, const struct bst_document_row *d),
					 void *cls);
/* One document with its library and ctx's rights. A deleted document is
 * NOT_FOUND except to those who may restore it. lib and rights may be
 * NULL. */
enum bst_doc_status bst_doc_get(struct bst_ctx *ctx, int64_t id, struct bst_document_row *d,
				struct bst_library *lib, struct bst_doc_rights *rights);
/* Every version, newest first. */
enum bst_doc_status bst_doc_versions(struct bst_ctx *ctx, int64_t id,
				     void (*fn)(void *cls,
						const struct bst_document_version_row *v),
				     void *cls);
/* Audited: document.rename, document.move (folder_id 0: the root),
 * document.delete, document.restore (into its folder, or the root when the
 * folder was deleted). The search index follows. bst_doc_move stays in the
 * document's library: bst_doc_move_to with owner NULL. */
enum bst_doc_status bst_doc_rename(struct bst_ctx *ctx, int64_t id, const char *name);
enum bst_doc_status bst_doc_move(struct bst_ctx *ctx, int64_t id, int64_t folder_id);
/* Moves a live document to folder_id (0: the root) of the library (owner,
 * owner_id) — the document's own when owner is NULL — with all its
 * versions: only rows move; the blobs stay where they are, and the quota,
 * which counts the platform's bytes, does not change. ctx must be allowed
 * to change the document where it is (bst_doc_rights.change) and, for
 * another library, to write to it (bst_library.write: as an upload would;
 * within its own library changing is enough, so a manager who is no
 * member moves there too); a target ctx may not know of is NOT_FOUND. Refused, changing nothing:
 *  - MOVE_NAME_TAKEN when a live document of the target folder has the
 *    same name;
 *  - ATTACHED when a live publication carries the document and could not
 *    carry it from the target (posts.h: a group's publication carries its
 *    own library's documents only, the platform feed's those of open
 *    groups). The move never detaches silently: the links are the
 *    publications' authors', and a publication losing a document nobody
 *    chose to remove reads as a bug. Publications deleted keep their links
 *    as they were (readers never see them, bst_post_attachments checks
 *    each reader's rights anyway) and do not block a move.
 * The row, the check of the links and the search entry change in one
 * transaction: visibility in search follows the new library at once.
 * Audited as document.move: details id, owner, owner_id (the target),
 * from and to ({owner, owner_id, folder}), from_folder, to_folder. */
enum bst_doc_status bst_doc_move_to(struct bst_ctx *ctx, int64_t id, const char *owner,
				    int64_t owner_id, int64_t folder_id);
/* The libraries ctx may move documents to: its personal space first, then
 * the groups it may write to, by id, at most BST_DOC_MOVE_TARGETS_MAX.
 * fn gets each library and, for a group, its name ("" for the personal
 * space). */
enum bst_doc_status bst_library_targets(struct bst_ctx *ctx,
					void (*fn)(void *cls, const struct bst_library *lib,
						   const char *group_name),
					void *cls);
enum bst_doc_status bst_doc_delete(struct bst_ctx *ctx, int64_t id);
enum bst_doc_status bst_doc_restore(struct bst_ctx *ctx, int64_t id);
/* Opens version `number` (0: the latest) of a live document for download
 * and audits it (document.download: downloads are security events). The
 * caller streams *reader out and frees it (bst_blob_reader_free). */
enum bst_doc_status bst_doc_open(struct bst_ctx *ctx, int64_t id, int64_t number,
				 struct bst_document_row *d,
				 struct bst_document_version_row *v,
				 struct bst_blob_reader **reader);

/* ---- uploads (documents.c) ---- */

/* An upload in progress: the file is encrypted into the blob store as it
 * arrives, never held whole; nothing is visible until committed, and
 * nothing stays behind when aborted. */
struct bst_doc_upload;

/* Where an upload goes: a new document named name in folder_id of
 * (owner, owner_id), or, when document_id is not 0, a new version of that
 * document (owner, folder and name then unused). Checks rights, name and
 * quota, and opens the blob. ctx must outlive the upload (the request's).
 * On failure *out is NULL. */
enum bst_doc_status bst_doc_upload_begin(struct bst_ctx *ctx, const char *owner,
					 int64_t owner_id, int64_t folder_id,
					 int64_t document_id, const char *name,
					 struct bst_doc_upload **out);
/* The next bytes of the file. TOO_LARGE beyond bst_doc_file_max, QUOTA
 * beyond the platform's quota, ERROR when the disk fails: the upload can
 * then only be aborted. */
enum bst_doc_status bst_doc_upload_data(struct bst_doc_upload *u, const void *data,
					size_t len);
/* Seals the blob and records the document (or its new version), its
 * sniffed type, the search index entry, then audits document.upload. Frees
 * u whatever happens; on failure nothing remains (no row, no file).
 * *document_id and *number say what was created. */
enum bst_doc_status bst_doc_upload_commit(struct bst_doc_upload *u, int64_t *document_id,
					  int64_t *number);
/* Removes everything the upload wrote and frees it. NULL does nothing. */
void bst_doc_upload_abort(struct bst_doc_upload *u);

/* ---- limits ---- */

/* The largest file one upload may carry, in bytes: the configuration's
 * [documents] max_file_mb, else BST_DOC_FILE_MAX. */
int64_t bst_doc_file_max(const struct bst_ctx *ctx);
/* The platform's quota and the bytes its live documents hold, for its
 * administrators (and the operator): FORBIDDEN for anyone else. */
enum bst_doc_status bst_doc_quota(struct bst_ctx *ctx, int64_t *quota, int64_t *used);
/* Sets the platform's quota (1 byte to BST_DOC_QUOTA_MAX): the operator's
 * decision only (FORBIDDEN otherwise), audited as settings.change with
 * doc_quota_bytes {from, to}. Documents already stored stay; uploads
 * beyond the new quota are refused. */
enum bst_doc_status bst_doc_quota_set(struct bst_ctx *ctx, int64_t bytes);

/* ---- purge: doc_purge.c ---- */

struct bst_doc_purge_counts {
	int64_t documents, folders, versions;
	int64_t blobs;   /* blobs removed with their documents (row and file) */
	int64_t bytes;   /* of the versions removed */
	int64_t orphans; /* files of the blob store that had no row */
};

/* One pass over ctx's platform: documents, then folders, deleted more
 * than BST_DOC_RESTORE_MS + BST_DOC_PURGE_GRACE_MS before ctx->now (a
 * batch of each), the blobs only they used, then orphan files of the blob
 * store older than an hour; audits document.purge with the counts when
 * anything went. ctx is the operator's (the scheduler). Returns 0, or -1
 * when something could not be removed (logged; the next pass retries). */
int bst_doc_purge(struct bst_ctx *ctx, struct bst_doc_purge_counts *out);
/* The scheduler's job: bst_doc_purge on every platform not suspended. */
void bst_doc_purge_run(struct bst_install *in, bst_registry *reg,
		       const struct bst_config *cfg, int64_t now);

#endif
