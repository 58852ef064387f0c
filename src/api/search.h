/* The search resource of the JSON API (search.c): GET /api/v1/search with
 * q, kind, cursor and limit. Declared here rather than in api.h, which the
 * collaboration features do not edit. Runs on the request's thread. */
#ifndef BST_API_SEARCH_H
#define BST_API_SEARCH_H
#include "http/request.h"

void bst_api_search(struct bst_req *r); /* search.c GET /api/v1/search */

#endif
