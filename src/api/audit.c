/* /api/v1/audit/access-log: the platform's access log for its
 * administrators, newest first, with the back office's filters (user,
 * addr, what, status, from, to) and pages (?limit=, ?cursor=). The
 * exports, /api/v1/audit/access-log.csv and .json, are the back office's
 * handler (src/web/admin_access_export.c), which answers errors in JSON
 * here. Reading is itself an entry of the log. */
#include "api/api.h"
#include "audit/log.h"
#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>

struct list {
	json_t *items;
	int limit, n;
	int64_t last_seq, last_at;
	struct bst_audit_names names;
};

static int each(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	(void)hash;
	struct list *l = cls;
	if (++l->n > l->limit)
		return 1;
	l->last_seq = e->seq;
	l->last_at = e->at_ms;
	json_array_append_new(l->items, bst_audit_entry_json(e, bst_audit_name(&l->names, e->user_id)));
	return 0;
}

void bst_api_audit_access_log(struct bst_req *r)
{
	int limit = 50;
	const char *ls = bst_kv_get(&r->query, "limit");
	if (ls) {
		char *end;
		long v = strtol(ls, &end, 10);
		if (!*ls || *end || v < 1 || v > 100) {
			bst_reply_error(r, 400, "bad_limit", _("The limit parameter must be between 1 and 100."));
			return;
		}
		limit = (int)v;
	}
	struct bst_audit_filter_args a = {
		.user = bst_kv_get(&r->query, "user"),
		.addr = bst_kv_get(&r->query, "addr"),
		.what = bst_kv_get(&r->query, "what"),
		.status = bst_kv_get(&r->query, "status"),
		.from = bst_kv_get(&r->query, "from"),
		.to = bst_kv_get(&r->query, "to"),
		.cursor = bst_kv_get(&r->query, "cursor"),
	};
	struct list l = {.items = json_array(), .limit = limit};
	bst_audit_names_init(&l.names, r->ctx.platform->main);
	enum bst_alog_status st = bst_audit_log_list(&r->ctx, &a, limit + 1, each, &l);
	if (st != BST_ALOG_OK) {
		json_decref(l.items);
		bst_reply_error(r, bst_alog_http_status(st), bst_alog_code(st), _(bst_alog_text(st)));
		return;
	}
	char cursor[48];
	bst_audit_cursor_format(l.last_seq, l.last_at, cursor);
	bst_reply_json(r, 200, json_pack("{so so}", "items", l.items, "next_cursor",
					 l.n > limit ? json_string(cursor) : json_null()));
}
