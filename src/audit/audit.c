/* Security events (see audit.h): one chained entry each, appended to the
 * platform's trail before the caller answers. */
#include "audit/audit.h"
#include "audit/syslog.h"
#include "audit/access.h"
#include "audit/spill.h"
#include "audit/trail.h"
#include "audit/writer.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>

int bst_audit_record(struct bst_ctx *ctx, const char *event, const char *target,
		     json_t *details)
{
	char actor[BST_EMAIL_MAX + 32];
	int64_t actor_id = 0;
	switch (ctx->actor) {
	case BST_ACTOR_USER:
		snprintf(actor, sizeof actor, "%s", ctx->user.email);
		actor_id = ctx->user.id;
		break;
	case BST_ACTOR_OPERATOR: {
		const char *who = getenv("SUDO_USER");
		if (!who)
			who = getenv("USER");
		snprintf(actor, sizeof actor, "operator:%s", who ? who : "unknown");
		break;
	}
	default:
		snprintf(actor, sizeof actor, "anonymous");
	}
	/* the browser, as access entries keep it: "was this you?" shows it */
	char ua[BST_AUDIT_UA_MAX + 1];
	bst_audit_clean(ctx->user_agent, BST_AUDIT_UA_MAX, ua, sizeof ua);
	char *text = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (details)
		json_decref(details);
	struct bst_trail_entry e = {
	    .at_ms = ctx->now,
	    .kind = BST_TRAIL_EVENT,
	    .user_id = actor_id,
	    .actor = actor,
	    .client_addr = ctx->client_addr ? ctx->client_addr : "",
	    .user_agent = ua,
	    .event = event,
	    .target = target ? target : "",
	    .details = text ? text : "{}",
	};
	struct bst_trail_entry *ep = &e;
	/* while older entries wait in the spill file, this one follows them
	 * there; when the trail cannot be written, it goes there too
	 * (fsync'd: written before the response all the same) */
	const char *slug = ctx->platform->slug;
	int rc = bst_spill_append(slug, &ep, 1, true) == 1 ? 0 : -1;
	if (rc != 0)
		rc = bst_trail_append(ctx->platform->audit, &ep, 1);
	if (rc != 0 && bst_spill_append(slug, &ep, 1, false) == 1) {
		bst_log_error("audit: security event %s of platform %s put in its spill file",
			      event, slug);
		rc = 0;
	}
	free(text);
	if (rc != 0) {
		bst_log_error("audit: SECURITY EVENT NOT RECORDED on platform %s: %s %s",
			      ctx->platform->slug, event, target ? target : "");
		return -1;
	}
	bst_audit_writer_note(ctx->platform->slug);
	bst_audit_syslog_send(slug, &ep, 1);
	return 0;
}
