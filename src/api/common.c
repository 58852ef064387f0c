/* Shared pieces of the JSON API: user objects, times, pagination. */
#include "api/api.h"
#include "core/clock.h"
#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>

json_t *bst_api_time(int64_t ms)
{
	if (ms == 0)
		return json_null();
	char iso[40];
	bst_time_format_iso(ms, iso, sizeof iso);
	return json_string(iso);
}

json_t *bst_api_user(const struct bst_user_row *u)
{
	return json_pack("{sI ss ss ss ss sb sb so}", "id", (json_int_t)u->id, "email", u->email,
			 "name", u->name, "role", u->role, "status", u->status,
			 "second_factor", u->totp_enabled, "locked", u->locked_ms != 0,
			 "created_at", bst_api_time(u->created_ms));
}

void bst_api_reply_status(struct bst_req *r, int status_code, const char *code,
			  const char *message)
{
	bst_reply_error(r, status_code, code, message);
}

bool bst_api_page_args(struct bst_req *r, int *limit, int64_t *after)
{
	*limit = 50;
	*after = 0;
	const char *l = bst_kv_get(&r->query, "limit");
	const char *c = bst_kv_get(&r->query, "cursor");
	char *end;
	if (l) {
		long v = strtol(l, &end, 10);
		if (*l == '\0' || *end || v < 1 || v > 100) {
			bst_reply_error(r, 400, "bad_limit", _("The limit parameter must be between 1 and 100."));
			return false;
		}
		*limit = (int)v;
	}
	if (c) {
		long long v = strtoll(c, &end, 10);
		if (*c == '\0' || *end || v < 0) {
			bst_reply_error(r, 400, "bad_cursor", _("This cursor is not valid."));
			return false;
		}
		*after = v;
	}
	return true;
}
