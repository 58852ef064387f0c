/* The search page (search.c): GET /search?q=&kind=&cursor=, one box over
 * publications, comments, people and documents. Declared here rather than
 * in pages.h, which the collaboration features do not edit. Runs on the
 * request's thread. */
#ifndef BST_WEB_SEARCH_H
#define BST_WEB_SEARCH_H
#include "http/request.h"

void bst_page_search(struct bst_req *r); /* search.c GET /search */

#endif
