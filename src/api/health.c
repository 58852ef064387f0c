/* GET /health, the operator's health report (not a platform's resource):
 * answered by the pipeline to a request that names no platform's host, from
 * a loopback peer, with no X-Forwarded-For (a local reverse proxy passing a
 * public request on adds one). Anyone else gets the 421 any unknown host
 * gets, so the public never reaches it through a platform's address and
 * cannot tell it exists. Says whether the access-trace writer keeps up:
 * its counters, and how many platforms have traces waiting in a spill file
 * (their names are in the server's log, not here). */
#include "api/api.h"
#include "audit/writer.h"

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
	bst_reply_json(r, ok ? 200 : 503,
		       json_pack("{ss so}", "status", ok ? "ok" : "degraded", "audit", audit));
}
