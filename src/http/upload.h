/* Streaming request bodies for BST_R_STREAM routes (see router.h): the
 * multipart body goes through the parser as it arrives; text fields land in
 * r->form, file parts in the route's stream callbacks. server.c calls these
 * at the three moments libmicrohttpd gives it. A request belongs to one
 * thread. */
#ifndef BST_HTTP_UPLOAD_H
#define BST_HTTP_UPLOAD_H
#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

/* Text fields of a streamed form are small: anything bigger is not a
 * field a person typed. */
#define BST_UPLOAD_FIELD_MAX (64 * 1024)
/* The transport's own ceiling on a streamed body; services enforce their
 * lower per-file limits (documents: 100 MB by default) as data arrives. */
#define BST_UPLOAD_BODY_MAX (2LL * 1024 * 1024 * 1024)

/* Is this request (headers only so far) for a streaming route? */
bool bst_upload_wanted(struct bst_req *r);
/* Headers arrived: run the checks that do not need the body and set up the
 * parser. If it answered (r->status), the body is discarded. */
void bst_upload_begin(struct bst_req *r);
void bst_upload_feed(struct bst_req *r, const char *data, size_t len);
/* The whole body arrived: close the parser (the handler runs next). */
void bst_upload_finish(struct bst_req *r);
/* The request ended without finishing: the route undoes what it began. */
void bst_upload_abort(struct bst_req *r);

#endif
