/* GET /settings/export.zip: the signed-in person's own data as a zip file
 * (src/ops/personal_export.h), produced as it is sent. */
#include "web/pages.h"
#include "core/clock.h"
#include "ops/personal_export.h"

static ssize_t read_export(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos; /* libmicrohttpd reads in order */
	/* a failure cuts the connection: the download is never complete-looking */
	return bst_read_result(bst_personal_export_read(cls, buf, max));
}

static void free_export(void *cls)
{
	bst_personal_export_free(cls);
}

void bst_page_personal_export(struct bst_req *r)
{
	struct bst_personal_export *x = NULL;
	if (bst_personal_export_new(&r->ctx, &x) != 0) {
		bst_reply_error(r, 500, "internal",
				_("Something went wrong on our side; nothing was changed. Please try "
				  "again."));
		return;
	}
	char day[40];
	bst_time_format_iso(r->ctx.now, day, sizeof day);
	day[10] = '\0';
	bst_reply_header(r, "Content-Disposition",
			 bst_arena_printf(r->arena, "attachment; filename=\"my-data-%s-%s.zip\"",
					  r->ctx.platform->slug, day));
	bst_reply_stream(r, 200, "application/zip", (uint64_t)-1 /* chunked */, read_export, x,
			 free_export);
}
