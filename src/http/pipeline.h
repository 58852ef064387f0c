/* What happens to a complete request: platform from Host (421 when
 * unknown), maintenance page for a suspended platform (503), parsing,
 * authentication, the route's requirements, CSRF, then the handler. */
#ifndef BST_HTTP_PIPELINE_H
#define BST_HTTP_PIPELINE_H
#include "http/request.h"

void bst_pipeline_run(struct bst_req *r);
/* The steps before the body: platform, maintenance, settings, query and
 * cookies (and the buffered body when with_body), authentication, route,
 * application switch, the route's requirements. false when it answered. */
bool bst_pipeline_prepare(struct bst_req *r, bool with_body);
/* The access trace of a request libmicrohttpd is done with (completed:
 * the whole response went out), queued for the audit writer: only for a
 * request to a platform that was answered, and for /static/ assets only
 * with [audit] log_static. Never touches a database. */
void bst_pipeline_trace(struct bst_req *r, bool completed);
/* Origin and synchronizer-token checks of a state-changing request. */
bool bst_pipeline_csrf_ok(struct bst_req *r);

#endif
