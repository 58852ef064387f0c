/* Static assets (static/ in the source tree, embedded in the binary),
 * served under content-hashed names with a one-year immutable cache, and
 * under their plain names with an ETag. Thread-safe. */
#ifndef BST_HTTP_STATIC_H
#define BST_HTTP_STATIC_H
#include "http/request.h"

/* "/static/app.3f2a9c1b.css" for "app.css" (NULL if there is no such file). */
const char *bst_static_url(const char *name);
/* Handler for GET /static/... */
void bst_static_serve(struct bst_req *r);
void bst_reply_static(struct bst_req *r, int status, const char *content_type,
		      const void *data, size_t len, const char *etag, bool immutable);

#endif
