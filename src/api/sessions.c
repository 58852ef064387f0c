/* /api/v1/sessions: the caller's live browser sessions; DELETE
 * /api/v1/sessions/{id} ends one of them (the current one too: that is
 * signing out). */
#include "api/api.h"
#include "auth/session.h"
#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>

struct list {
	json_t *items;
	int64_t current;
	int64_t want; /* DELETE: the id looked for */
	bool found;
};

static void each(void *cls, const struct bst_session_row *s)
{
	struct list *l = cls;
	if (l->want) {
		l->found = l->found || s->id == l->want;
		return;
	}
	json_array_append_new(
		l->items,
		json_pack("{sI so so so ss ss sb sb}", "id", (json_int_t)s->id, "created_at",
			  bst_api_time(s->created_ms), "last_seen_at", bst_api_time(s->last_seen_ms),
			  "authenticated_at", bst_api_time(s->auth_ms), "client_addr",
			  s->client_addr, "user_agent", s->user_agent, "second_factor_pending",
			  s->mfa_pending, "current", s->id == l->current));
}

void bst_api_sessions(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	struct list l = {json_array(), c->session_id, 0, false};
	if (bst_session_list(c, each, &l) < 0) {
		json_decref(l.items);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	bst_reply_json(r, 200, json_pack("{so}", "items", l.items));
}

void bst_api_session(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	char *end = NULL;
	long long id = strtoll(r->params[0], &end, 10);
	struct list l = {NULL, c->session_id, id, false};
	/* only the caller's own live sessions can be named */
	if (r->params[0][0] && !*end && id > 0 &&
	    bst_session_list(c, each, &l) < 0) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	if (!l.found) {
		bst_reply_error(r, 404, "session_not_found",
				_("There is no such session, or it has already ended."));
		return;
	}
	bool current = id == c->session_id;
	if ((current ? bst_session_end(c) : bst_session_end_other(c, id)) != 0) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	if (current)
		bst_reply_cookie(r, BST_SESSION_COOKIE, NULL, 0);
	bst_reply_json(r, 200, json_pack("{sI sb}", "id", (json_int_t)id, "ended", 1));
}
