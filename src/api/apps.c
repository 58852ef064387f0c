/* /api/v1/apps: GET lists the platform's optional applications, each with
 * its switch and where its data or service is hosted (everyone signed
 * in); PATCH /api/v1/apps/{name} switches one ({"enabled": true|false},
 * platform administrators, audited as app.switch). */
#include "api/people.h"
#include "api/api.h"
#include "core/i18n.h"
#include "social/meetings.h"

#include <string.h>

static json_t *app_json(const struct bst_app_info *a)
{
	return json_pack("{ss ss ss sb sb ss ss ss so}", "name", a->name, "label", _(a->label),
			 "description", _(a->description), "enabled", a->enabled, "available",
			 a->available, "hosting", a->hosting_msgid ? _(a->hosting) : a->hosting,
			 "provider", a->provider, "url", a->url, "updated_at",
			 bst_api_time(a->updated_ms));
}

static void error(struct bst_req *r, enum bst_app_status st)
{
	bst_reply_error(r, bst_app_http_status(st), bst_app_code(st), _(bst_app_text(st)));
}

void bst_api_apps(struct bst_req *r)
{
	struct bst_app_info apps[BST_APPS_MAX];
	int n = bst_apps_list(&r->ctx, apps);
	if (n < 0) {
		error(r, BST_APP_ERROR);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, app_json(&apps[i]));
	bst_reply_json(r, 200, json_pack("{so so}", "items", items, "next_cursor", json_null()));
}

void bst_api_app(struct bst_req *r)
{
	const char *name = r->params[0];
	if (!json_is_object(r->json)) {
		bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
		return;
	}
	json_t *enabled = json_object_get(r->json, "enabled");
	if (!json_is_boolean(enabled) || json_object_size(r->json) != 1) {
		bst_reply_error(r, 400, "bad_field", _("The body must be {\"enabled\": true} or "
						       "{\"enabled\": false}."));
		return;
	}
	enum bst_app_status st = bst_app_switch(&r->ctx, name, json_is_true(enabled));
	struct bst_app_info a;
	if (st == BST_APP_OK)
		st = bst_app_info_get(&r->ctx, name, &a);
	if (st != BST_APP_OK) {
		error(r, st);
		return;
	}
	bst_reply_json(r, 200, app_json(&a));
}
