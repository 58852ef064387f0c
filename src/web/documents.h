/* Pages of the document base: a library (a group's, or one's personal
 * space) with its folders (library.c), a document with its versions
 * (document.c), uploads (upload.c), and the two pieces the JSON API shares
 * with them: the upload's stream callbacks and the streamed download. The
 * documents service (social/documents.h) decides; these parse, call it and
 * render. Every route of this feature belongs to the "documents"
 * application. Handlers run on the request's thread. */
#ifndef BST_WEB_DOCUMENTS_H
#define BST_WEB_DOCUMENTS_H
#include "http/request.h"
#include "http/router.h"
#include "social/documents.h"

/* ---- upload.c ---- */

/* The stream callbacks of POST /documents/upload and POST
 * /api/v1/documents. Text fields, before the file part: owner ("group" |
 * "user"), owner_id (the group's id), folder (id; empty or 0: the root),
 * document (id: a new version of it instead of a new document), name
 * (optional: the file's own name otherwise); then the file, in a part
 * named "file". Other file parts are ignored. */
extern const struct bst_stream_ops bst_document_upload_stream;
/* For the handler of such a route: commits the upload the callbacks began
 * and says how it went (NO_FILE when there was none, or the refusal met
 * while streaming). *document_id and *number: what was created. */
enum bst_doc_status bst_document_upload_result(struct bst_req *r, int64_t *document_id,
					       int64_t *number);

/* ---- document.c ---- */

/* Answers with version `number` (0: the latest) of document id, decrypted
 * as it streams out: the sniffed type, "Content-Disposition: attachment"
 * (inline only for a few image types and PDF), or the service's refusal
 * through bst_reply_error (HTML or JSON as the request wants). */
void bst_document_send(struct bst_req *r, int64_t id, int64_t number);
/* Answers a refusal of the documents service. */
void bst_document_error(struct bst_req *r, enum bst_doc_status st);
/* "This file is larger than the limit of N MB.", N the per-file limit
 * (bst_doc_file_max, at most the transport's BST_UPLOAD_BODY_MAX), in
 * r's arena. */
const char *bst_document_too_large(struct bst_req *r);
/* A positive decimal id, or 0 (also for NULL and ""). */
int64_t bst_document_id_arg(const char *s);
/* "/groups/ID/documents" or "/me/documents", with "?folder=ID" unless
 * folder_id is 0; in the request's arena. */
const char *bst_library_url(struct bst_req *r, const struct bst_library *lib,
			    int64_t folder_id);
/* "12.3 MB" for people. */
void bst_document_size(int64_t bytes, char *out, size_t len);
/* The notices named in ?notice= after this feature's redirects (a fixed
 * list: nothing from the address is echoed). */
void bst_document_flash(struct bst_req *r, bst_buf *b);

/* ---- library.c ---- */

/* The library's name for people: "My documents", or the group's name (in
 * the request's arena). */
const char *bst_library_title(struct bst_req *r, const struct bst_library *lib);
/* <nav aria-label="Breadcrumb">: the library, then each folder down to
 * folder_id, then current (a document's name, or NULL when the folder is
 * the current page). */
void bst_library_breadcrumbs(struct bst_req *r, bst_buf *b, const struct bst_library *lib,
			     int64_t folder_id, const char *current);

/* ---- one file per page ---- */
void bst_page_library(struct bst_req *r);           /* library.c  GET|POST /groups/{id}/documents, /me/documents */
void bst_page_folder(struct bst_req *r);            /* library.c  POST /folders/{id} */
void bst_page_document(struct bst_req *r);          /* document.c GET|POST /documents/{id} */
void bst_page_document_download(struct bst_req *r); /* document.c GET /documents/{id}/download */
void bst_page_upload(struct bst_req *r);            /* upload.c   POST /documents/upload */

#endif
