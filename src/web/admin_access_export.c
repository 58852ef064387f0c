/* GET /admin/access-log.csv and .json (and their API twins,
 * /api/v1/audit/access-log.csv and .json): the filtered access log as a
 * download, produced as it is sent (src/audit/export.h), for the
 * platform's administrators. Exporting is itself an entry of the log. */
#include "web/admin.h"
#include "audit/log.h"
#include "core/clock.h"

#include <string.h>

static ssize_t read_export(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos; /* libmicrohttpd reads in order */
	/* -1: the trail could not be read (logged): the connection is cut, so
	 * the client sees an incomplete transfer, never a complete-looking one */
	return bst_read_result(bst_audit_export_read(cls, buf, max));
}

static void free_export(void *cls)
{
	bst_audit_export_free(cls);
}

void bst_page_admin_access_export(struct bst_req *r)
{
	size_t n = strlen(r->path);
	bool csv = n > 4 && strcmp(r->path + n - 4, ".csv") == 0;
	struct bst_audit_filter_args a;
	bst_page_access_log_args(r, &a);
	struct bst_audit_export *x = NULL;
	enum bst_alog_status st =
		bst_audit_log_export(&r->ctx, &a, csv ? BST_AUDIT_CSV : BST_AUDIT_JSON, &x);
	if (st != BST_ALOG_OK) {
		bst_reply_error(r, bst_alog_http_status(st), bst_alog_code(st), _(bst_alog_text(st)));
		return;
	}
	char day[40];
	bst_time_format_iso(r->ctx.now, day, sizeof day);
	day[10] = '\0';
	bst_reply_header(r, "Content-Disposition",
			 bst_arena_printf(r->arena, "attachment; filename=\"access-log-%s-%s.%s\"",
					  r->ctx.platform->slug, day, csv ? "csv" : "json"));
	bst_reply_stream(r, 200, csv ? "text/csv; charset=utf-8" : "application/json",
			 (uint64_t)-1 /* MHD_SIZE_UNKNOWN: chunked */, read_export, x, free_export);
}
