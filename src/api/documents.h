/* The document base in the JSON API: /api/v1/documents (list, streamed
 * upload), /api/v1/documents/{id} (read, rename and move, delete),
 * .../content (streamed download), .../restore, and the folders of a
 * library under /api/v1/folders. Same service and same rules as the pages
 * (social/documents.h): what ctx may not see answers 404 exactly as what
 * does not exist. All of it belongs to the "documents" application. */
#ifndef BST_API_DOCUMENTS_H
#define BST_API_DOCUMENTS_H
#include <jansson.h>

#include "http/request.h"
#include "social/documents.h"

void bst_api_documents(struct bst_req *r);        /* GET|POST /api/v1/documents */
void bst_api_document(struct bst_req *r);         /* GET|PATCH|DELETE /api/v1/documents/{id} */
void bst_api_document_content(struct bst_req *r); /* GET /api/v1/documents/{id}/content */
void bst_api_document_restore(struct bst_req *r); /* POST /api/v1/documents/{id}/restore */
void bst_api_folders(struct bst_req *r);          /* GET|POST /api/v1/folders */
void bst_api_folder(struct bst_req *r);           /* PATCH|DELETE /api/v1/folders/{id} */
void bst_api_folder_restore(struct bst_req *r);   /* POST /api/v1/folders/{id}/restore */

#endif
