/* The back office's sub-navigation (see admin.h). */
#include "web/admin.h"

#include <string.h>

static const struct {
	const char *key, *href, *label;
} items[] = {
	{"users", "/admin/users", N_("Users")},
	{"settings", "/admin/settings", N_("Settings")},
	{"apps", "/admin/apps", N_("Applications")},
	{"access-log", "/admin/access-log", N_("Access log")},
	{"export", "/admin/export", N_("Export all data")},
};

void bst_page_admin_nav(struct bst_req *r, bst_buf *b, const char *current)
{
	bst_buf_printf(b, "<nav class=\"subnav\" aria-label=\"%s\"><ul>", _("Administration"));
	for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
		bool here = current && strcmp(current, items[i].key) == 0;
		bst_buf_printf(b, "<li><a href=\"%s\"%s>%s</a></li>", items[i].href,
			       here ? " aria-current=\"page\"" : "", _(items[i].label));
	}
	bst_buf_puts(b, "</ul></nav>");
}
