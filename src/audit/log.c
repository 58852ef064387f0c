/* The access-log service (see log.h). */
#include "audit/log.h"
#include "audit/audit.h"
#include "auth/authz.h"
#include "core/log.h"

#include <string.h>

/* Sign-ins listed at most on one's own page. */
#define OWN_SIGNINS_MAX 200
#define LIST_MAX 500

/* The filters, as the event that records a reading shows them. */
static json_t *filters_json(const struct bst_audit_filter_args *a)
{
	json_t *j = json_object();
	const char *names[] = {"user", "addr", "what", "status", "from", "to"};
	const char *values[] = {a->user, a->addr, a->what, a->status, a->from, a->to};
	for (size_t i = 0; j && i < sizeof names / sizeof *names; i++)
		if (values[i] && values[i][0])
			json_object_set_new(j, names[i], json_string(values[i]));
	return j;
}

/* Authorizes, parses a into q, finds the user, and records event. */
static enum bst_alog_status prepare(struct bst_ctx *ctx, const struct bst_audit_filter_args *a,
				    struct bst_audit_query *q, const char *event,
				    json_t *extra)
{
	if (!bst_authz_admin(ctx)) {
		json_decref(extra);
		return BST_ALOG_FORBIDDEN;
	}
	enum bst_alog_status st = bst_audit_filter_parse(a, q);
	if (st != BST_ALOG_OK) {
		json_decref(extra);
		return st;
	}
	if (q->f.target) {
		struct bst_user_row u;
		enum bst_qs qs = bst_q_user_by_email(ctx->platform->main, q->email, &u);
		if (qs < 0) {
			json_decref(extra);
			return BST_ALOG_ERROR;
		}
		/* an unknown address still finds the events that name it (refused
		 * sign-ins); -1 matches no user_id */
		q->f.user_id = qs == BST_QS_ONE_RESULT ? u.id : -1;
	}
	json_t *d = filters_json(a);
	if (d && extra)
		json_object_update(d, extra);
	json_decref(extra);
	if (bst_audit_record(ctx, event, "access-log", d) != 0)
		return BST_ALOG_ERROR;
	return BST_ALOG_OK;
}

enum bst_alog_status bst_audit_log_list(struct bst_ctx *ctx,
					const struct bst_audit_filter_args *a, int limit,
					bst_trail_fn fn, void *cls)
{
	struct bst_audit_query q;
	enum bst_alog_status st = prepare(ctx, a, &q, "audit.log.read", NULL);
	if (st != BST_ALOG_OK)
		return st;
	q.f.limit = limit < 1 ? 1 : limit > LIST_MAX ? LIST_MAX : limit;
	return bst_q_trail_list(ctx->platform->audit, &q.f, fn, cls) < 0 ? BST_ALOG_ERROR
									  : BST_ALOG_OK;
}

enum bst_alog_status bst_audit_log_entry(struct bst_ctx *ctx, int64_t seq, bst_trail_fn fn,
					 void *cls)
{
	if (!bst_authz_admin(ctx))
		return BST_ALOG_FORBIDDEN;
	char target[32];
	snprintf(target, sizeof target, "%lld", (long long)seq);
	if (bst_audit_record(ctx, "audit.log.entry", target, NULL) != 0)
		return BST_ALOG_ERROR;
	enum bst_qs qs = bst_q_trail_get(ctx->platform->audit, seq, fn, cls);
	return qs < 0 ? BST_ALOG_ERROR : qs == BST_QS_NO_RESULTS ? BST_ALOG_NOT_FOUND : BST_ALOG_OK;
}

enum bst_alog_status bst_audit_log_verify(struct bst_ctx *ctx, struct bst_audit_verdict *v)
{
	memset(v, 0, sizeof *v);
	if (!bst_authz_admin(ctx))
		return BST_ALOG_FORBIDDEN;
	uint8_t pk[BST_AUDIT_PK_BYTES];
	char err[600];
	if (bst_audit_key_public(ctx->install->dir, pk, err, sizeof err) != 0) {
		bst_log_error("audit: cannot verify the trail of platform %s: %s",
			      ctx->platform->slug, err);
		return BST_ALOG_ERROR;
	}
	if (bst_audit_verify(ctx->platform->audit, ctx->platform->slug, pk, 0, v) != 0)
		return BST_ALOG_ERROR;
	json_t *d = v->ok ? json_pack("{sbsIsI}", "ok", 1, "entries", (json_int_t)v->entries,
				      "checkpoints", (json_int_t)v->checkpoints)
			  : json_pack("{sbsIss}", "ok", 0, "broken_seq", (json_int_t)v->broken_seq,
				      "reason", v->reason);
	if (!v->ok)
		bst_log_error("audit: the trail of platform %s is BROKEN at entry %lld: %s",
			      ctx->platform->slug, (long long)v->broken_seq, v->reason);
	return bst_audit_record(ctx, "audit.log.verify", "access-log", d) != 0 ? BST_ALOG_ERROR
									       : BST_ALOG_OK;
}

enum bst_alog_status bst_audit_log_export(struct bst_ctx *ctx,
					  const struct bst_audit_filter_args *a,
					  enum bst_audit_format fmt,
					  struct bst_audit_export **out)
{
	*out = NULL;
	struct bst_audit_filter_args all = *a;
	all.cursor = NULL;
	struct bst_audit_query q;
	enum bst_alog_status st =
	    prepare(ctx, &all, &q, "audit.log.export",
		    json_pack("{ss}", "format", fmt == BST_AUDIT_CSV ? "csv" : "json"));
	if (st != BST_ALOG_OK)
		return st;
	*out = bst_audit_export_new(ctx->platform->audit, ctx->platform->main, &q, fmt);
	return *out ? BST_ALOG_OK : BST_ALOG_ERROR;
}

enum bst_alog_status bst_audit_own_signins(struct bst_ctx *ctx, int limit, bst_trail_fn fn,
					   void *cls)
{
	if (ctx->actor != BST_ACTOR_USER)
		return BST_ALOG_FORBIDDEN;
	if (limit < 1 || limit > OWN_SIGNINS_MAX)
		limit = OWN_SIGNINS_MAX;
	return bst_q_trail_signins(ctx->platform->audit, ctx->user.email, limit, fn, cls) < 0
		   ? BST_ALOG_ERROR
		   : BST_ALOG_OK;
}
