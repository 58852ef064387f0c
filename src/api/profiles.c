/* /api/v1/users/{id}: GET reads a person's profile (everyone signed in on
 * the platform, for active accounts; administrators, any); PATCH changes
 * its fields (the person, or a platform administrator). Unknown fields are
 * refused, not ignored. */
#include "api/people.h"
#include "api/api.h"
#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>

json_t *bst_api_profile_json(const struct bst_profile_row *p, bool private_fields)
{
	json_t *o = json_pack("{sI ss ss ss ss ss ss ss ss so}", "id", (json_int_t)p->id, "name",
			      p->name, "email", p->email, "status", p->status, "job_title",
			      p->job_title, "department", p->department, "location", p->location,
			      "phone", p->phone, "bio", p->bio, "created_at",
			      bst_api_time(p->created_ms));
	json_object_set_new(o, "avatar_url",
			    p->avatar_ms ? json_sprintf("/people/%lld/avatar?v=%lld",
							(long long)p->id, (long long)p->avatar_ms)
					 : json_null());
	if (private_fields)
		json_object_set_new(o, "notify_mail", json_string(p->notify_mail));
	return o;
}

static void error(struct bst_req *r, enum bst_profile_status st, const char *field)
{
	json_t *body = json_pack("{s{ss ss}}", "error", "code", bst_profile_code(st), "message",
				 _(bst_profile_text(st)));
	if (field)
		json_object_set_new(json_object_get(body, "error"), "field", json_string(field));
	bst_reply_json(r, bst_profile_http_status(st), body);
}

static int64_t path_id(struct bst_req *r)
{
	const char *s = r->params[0];
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && s[0] && !*end && v > 0 ? v : 0;
}

static void reply_profile(struct bst_req *r, int64_t id)
{
	struct bst_profile_row *p = bst_arena_alloc(r->arena, sizeof *p);
	enum bst_profile_status st = bst_profile_get(&r->ctx, id, p);
	if (st != BST_PROFILE_OK) {
		error(r, st, NULL);
		return;
	}
	bst_reply_json(r, 200, bst_api_profile_json(p, bst_profile_may_edit(&r->ctx, id)));
}

static const char *const editable[] = {"name",  "job_title", "department", "location",
				       "phone", "bio",       "notify_mail"};

static void patch(struct bst_req *r, int64_t id)
{
	if (!json_is_object(r->json)) {
		bst_reply_error(r, 400, "bad_json", _("The body must be a JSON object."));
		return;
	}
	const char *values[sizeof editable / sizeof *editable] = {0};
	const char *key;
	json_t *v;
	json_object_foreach(r->json, key, v)
	{
		size_t i = 0;
		while (i < sizeof editable / sizeof *editable && strcmp(key, editable[i]) != 0)
			i++;
		if (i == sizeof editable / sizeof *editable) {
			bst_reply_error(r, 400, "bad_field",
					bst_arena_printf(r->arena,
							 _("This field cannot be changed here: %s."),
							 key));
			return;
		}
		if (!json_is_string(v)) {
			bst_reply_error(r, 400, "bad_field",
					bst_arena_printf(r->arena, _("The field %s must be a string."),
							 key));
			return;
		}
		values[i] = json_string_value(v);
	}
	struct bst_profile_edit e = {values[0], values[1], values[2], values[3],
				     values[4], values[5], values[6]};
	const char *field = NULL;
	enum bst_profile_status st = bst_profile_update(&r->ctx, id, &e, &field);
	if (st != BST_PROFILE_OK) {
		error(r, st, field);
		return;
	}
	reply_profile(r, id);
}

void bst_api_profile(struct bst_req *r)
{
	int64_t id = path_id(r);
	if (!id) {
		error(r, BST_PROFILE_NOT_FOUND, NULL);
		return;
	}
	if (strcmp(r->method, "PATCH") == 0)
		patch(r, id);
	else
		reply_profile(r, id);
}
