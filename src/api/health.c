/* GET /health, the operator's health report (not a platform's resource):
 * answered by the pipeline to a request that names no platform's host, from
 * a loopback peer, with no X-Forwarded-For (a local reverse proxy passing a
 * public request on adds one). Anyone else gets the 421 any unknown host
 * gets, so the public never reaches it through a platform's address and
 * cannot tell it exists. Says whether the access-trace writer keeps up:
 * its counters, and how many platforms have traces waiting in a spill file
 * (their names are in the server's log, not here); and whether the
 * scheduled backups succeed (how many scopes failed their last one). */
#include "api/api.h"
#include "audit/writer.h"
#include "core/clock.h"
#include "ops/backup_job.h"

void bst_api_health(struct bst_req *r)
{
	struct bst_audit_writer_stats st;
	bst_audit_writer_stats(&st);
	/* degraded: traces wait in a spill file, or some were lost */
	bool ok = st.running && st.spilling == 0 && st.failed == 0 && st.dropped == 0;
	json_t *audit = json_pack(
	    "{sb sI sI sI sI sI sI sI sI sb}", "running", st.running, "queued",
	    (json_int_t)st.queued, "written", (json_int_t)st.written, "waiting",
	    (json_int_t)st.waiting, "dropped", (json_int_t)st.dropped, "failed",
	    (json_int_t)st.failed, "spilled", (json_int_t)st.spilled, "replayed",
	    (json_int_t)st.replayed, "spilling_platforms", (json_int_t)st.spilling,
	    "spilling", st.spilling > 0);
	/* and whether the last scheduled backup of every scope succeeded */
	struct bst_backup_health bh;
	bst_backup_health(&bh);
	char ok_at[40] = "", failed_at[40] = "";
	if (bh.last_success_ms)
		bst_time_format_iso(bh.last_success_ms, ok_at, sizeof ok_at);
	if (bh.last_failure_ms)
		bst_time_format_iso(bh.last_failure_ms, failed_at, sizeof failed_at);
	json_t *backup = json_pack("{si ss? ss?}", "failing_scopes", bh.failing, "last_success_at",
				   bh.last_success_ms ? ok_at : NULL, "last_failure_at",
				   bh.last_failure_ms ? failed_at : NULL);
	ok = ok && bh.failing == 0;
	bst_reply_json(r, ok ? 200 : 503,
		       json_pack("{ss so so}", "status", ok ? "ok" : "degraded", "audit", audit,
				 "backup", backup));
}
