/* What happens to a complete request: platform from Host (421 when
 * unknown), maintenance page for a suspended platform (503), parsing,
 * authentication, the route's requirements, CSRF, then the handler. */
#ifndef BST_HTTP_PIPELINE_H
#define BST_HTTP_PIPELINE_H
#include "http/request.h"

void bst_pipeline_run(struct bst_req *r);

#endif
