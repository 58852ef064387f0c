/* GET /api/v1/me: the signed-in user and how they are authenticated. */
#include "api/api.h"

void bst_api_me(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	json_t *me = bst_api_user(&c->user);
	json_object_set_new(me, "platform", json_pack("{ss ss}", "slug", c->platform->slug,
						      "name", c->platform->name));
	json_object_set_new(me, "auth",
			    json_pack("{ss ss}", "method", c->via_token ? "token" : "session",
				      "scope", c->via_token && !c->token_write ? "read" : "read-write"));
	json_object_set_new(me, "language", json_string(r->lang));
	bst_reply_json(r, 200, me);
}
