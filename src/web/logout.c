/* Signing out: ends the session on the server, then clears the cookie. */
#include "web/pages.h"
#include "auth/session.h"

void bst_page_logout(struct bst_req *r)
{
	bst_session_end(&r->ctx);
	bst_page_session_cookie(r, NULL);
	bst_reply_redirect(r, "/login?notice=signed-out");
}
