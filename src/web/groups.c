/* /groups: the groups the signed-in person may see (never a secret group
 * they are not in nor invited to), searchable and paged by id, each with
 * its kind, member count and the button that fits (join, ask to join,
 * accept an invitation, withdraw a request); the form that creates a
 * group. Also the helpers every group page shares (web/groups.h). */
#include "web/groups.h"
#include "social/apps.h"

#include <stdlib.h>
#include <string.h>

#define GROUPS_PER_PAGE 50

const char *bst_group_kind_label(const char *kind)
{
	if (strcmp(kind, "open") == 0)
		return _("Open");
	if (strcmp(kind, "private") == 0)
		return _("Private");
	return _("Secret");
}

const char *bst_group_kind_hint(const char *kind)
{
	if (strcmp(kind, "open") == 0)
		return _("Anyone on the platform may see it and join it.");
	if (strcmp(kind, "private") == 0)
		return _(
		    "Anyone on the platform may see it; joining needs an administrator's "
		    "approval or an invitation.");
	return _("Only its members and the people invited know it exists.");
}

const char *bst_group_role_label(const char *role)
{
	return strcmp(role, "admin") == 0 ? _("Administrator") : _("Member");
}

void bst_page_group_nav(struct bst_req *r, bst_buf *b, const struct bst_group *g,
			const struct bst_group_access *a, const char *current)
{
	static const char *const here = " aria-current=\"page\"";
	long long id = (long long)g->id;
	bst_buf_puts(b, "<nav class=\"subnav\" aria-label=\"");
	bst_html_attr(b, _("This group"));
	bst_buf_puts(b, "\"><ul>");
	bst_buf_printf(b, "<li><a href=\"/groups/%lld\"%s>%s</a></li>", id,
		       strcmp(current, "feed") == 0 ? here : "", _("Publications"));
	bst_buf_printf(b, "<li><a href=\"/groups/%lld/members\"%s>%s</a></li>", id,
		       strcmp(current, "members") == 0 ? here : "", _("Members"));
	if (a->read && bst_app_enabled(&r->ctx, BST_APP_DOCUMENTS))
		bst_buf_printf(b, "<li><a href=\"/groups/%lld/documents\"%s>%s</a></li>",
			       id, strcmp(current, "library") == 0 ? here : "",
			       _("Documents"));
	if (a->manage)
		bst_buf_printf(b, "<li><a href=\"/groups/%lld/settings\"%s>%s</a></li>",
			       id, strcmp(current, "settings") == 0 ? here : "",
			       _("Settings"));
	bst_buf_puts(b, "</ul></nav>");
}

void bst_page_group_error(struct bst_req *r, enum bst_group_status st)
{
	bst_reply_error(r, bst_group_http_status(st), bst_group_code(st),
			_(bst_group_text(st)));
}

int bst_page_group_load(struct bst_req *r, struct bst_group *g,
			struct bst_group_access *a)
{
	char *end = NULL;
	long long id = strtoll(r->params[0], &end, 10);
	memset(a, 0, sizeof *a);
	memset(g, 0, sizeof *g);
	if (!r->params[0][0] || *end || id <= 0) {
		bst_page_group_error(r, BST_GROUP_NOT_FOUND);
		return -1;
	}
	if (bst_group_get(&r->ctx, id, g, a) == 0)
		return 0;
	/* not there for ctx, or the store failed: asking again tells which */
	bst_page_group_error(r, bst_group_access(&r->ctx, id, a) == 0
				    ? BST_GROUP_NOT_FOUND
				    : BST_GROUP_ERROR);
	return -1;
}

/* A one-button form posting action about a group to /groups; aria is the
 * button's full accessible name (its text plus the group's name). */
static void row_button(struct bst_req *r, bst_buf *b, const char *action,
		       int64_t group_id, const char *text, const char *aria,
		       const char *cls)
{
	bst_form_begin(r, b, "/groups");
	bst_buf_printf(b,
		       "<input type=\"hidden\" name=\"action\" value=\"%s\">"
		       "<input type=\"hidden\" name=\"group_id\" value=\"%lld\">"
		       "<button type=\"submit\"%s%s%s aria-label=\"",
		       action, (long long)group_id, cls ? " class=\"" : "",
		       cls ? cls : "", cls ? "\"" : "");
	bst_html_attr(b, aria);
	bst_buf_printf(b, "\">%s</button></form>", text);
}

struct list {
	struct bst_req *r;
	bst_buf *b;
	int n;
	int64_t last_id;
};

static void row(void *cls, const struct bst_group *g, const struct bst_group_access *a)
{
	struct list *l = cls;
	if (++l->n > GROUPS_PER_PAGE)
		return;
	l->last_id = g->id;
	bst_buf *b = l->b;
	struct bst_req *r = l->r;
	bst_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/groups/%lld\">",
		       (long long)g->id);
	bst_html_txt(b, g->name);
	bst_buf_printf(b, "</a></th><td>%s</td><td>%lld</td><td>",
		       bst_group_kind_label(g->kind), (long long)g->members);
	if (a->member)
		bst_buf_puts(b, a->admin ? _("Administrator") : _("Member"));
	else if (strcmp(a->state, "invited") == 0)
		bst_buf_puts(b, _("Invited"));
	else if (strcmp(a->state, "requested") == 0)
		bst_buf_puts(b, _("Request sent"));
	else
		bst_buf_puts(b, _("Not a member"));
	bst_buf_puts(b, "</td><td>");
	/* the accessible names of the buttons say which group: "%s" is its name */
	if (strcmp(a->state, "invited") == 0) {
		row_button(
		    r, b, "accept", g->id, _("Accept"),
		    bst_arena_printf(r->arena, _("Accept the invitation to %s"), g->name),
		    NULL);
		row_button(r, b, "decline", g->id, _("Decline"),
			   bst_arena_printf(r->arena, _("Decline the invitation to %s"),
					    g->name),
			   "secondary");
	} else if (strcmp(a->state, "requested") == 0) {
		row_button(r, b, "leave", g->id, _("Withdraw"),
			   bst_arena_printf(
			       r->arena, _("Withdraw your request to join %s"), g->name),
			   "secondary");
	} else if (!a->state[0] && (strcmp(g->kind, "open") == 0 || a->manage)) {
		row_button(r, b, "join", g->id, _("Join"),
			   bst_arena_printf(r->arena, _("Join %s"), g->name), NULL);
	} else if (!a->state[0]) {
		row_button(r, b, "join", g->id, _("Ask to join"),
			   bst_arena_printf(r->arena, _("Ask to join %s"), g->name),
			   NULL);
	}
	bst_buf_puts(b, "</td></tr>");
}

static void create_form(struct bst_req *r, bst_buf *b, const char *name, const char *desc,
			const char *kind)
{
	static const char *const kinds[] = {"open", "private", "secret"};
	if (!kind)
		kind = "open";
	bst_buf_printf(b,
		       "<section aria-labelledby=\"h-create\"><h2 id=\"h-create\">%s</h2>"
		       "<p class=\"hint\">%s</p>",
		       _("Create a group"), _("You become its administrator."));
	bst_form_begin(r, b, "/groups");
	bst_buf_puts(b, "<input type=\"hidden\" name=\"action\" value=\"create\">");
	bst_page_field(b, "text", "name", _("Name"), name, "maxlength=\"100\" required");
	bst_buf_printf(
	    b,
	    "<p class=\"field\"><label for=\"f-description\">%s</label>"
	    "<textarea id=\"f-description\" name=\"description\" maxlength=\"4000\" "
	    "rows=\"4\">",
	    _("Description (optional)"));
	bst_html_txt(b, desc ? desc : "");
	bst_buf_printf(b, "</textarea></p><fieldset><legend>%s</legend>", _("Kind"));
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		bst_buf_printf(b,
			       "<p><input type=\"radio\" id=\"f-kind-%s\" name=\"kind\" "
			       "value=\"%s\"%s aria-describedby=\"f-kind-%s-hint\">"
			       "<label for=\"f-kind-%s\">%s</label> "
			       "<span class=\"hint\" id=\"f-kind-%s-hint\">%s</span></p>",
			       kinds[i], kinds[i],
			       strcmp(kind, kinds[i]) == 0 ? " checked" : "", kinds[i],
			       kinds[i], bst_group_kind_label(kinds[i]), kinds[i],
			       bst_group_kind_hint(kinds[i]));
	bst_buf_printf(
	    b, "</fieldset><p><button type=\"submit\">%s</button></p></form></section>",
	    _("Create the group"));
}

/* The page; the create form is refilled after an error. */
static void render(struct bst_req *r, int status, const char *notice_kind,
		   const char *notice, const char *name, const char *desc,
		   const char *kind)
{
	const char *q = bst_kv_get(&r->query, "q");
	if (q && !q[0])
		q = NULL;
	const char *mine_s = bst_kv_get(&r->query, "mine");
	bool mine = mine_s && strcmp(mine_s, "1") == 0;
	int64_t after = 0;
	const char *after_s = bst_kv_get(&r->query, "after");
	if (after_s) {
		char *end;
		long long v = strtoll(after_s, &end, 10);
		if (!after_s[0] || *end || v < 0) {
			bst_reply_error(r, 400, "bad_cursor",
					_("This page address is not valid."));
			return;
		}
		after = v;
	}
	bst_buf rows;
	bst_buf_init(&rows);
	struct list l = {r, &rows, 0, 0};
	enum bst_group_status st =
	    bst_group_list(&r->ctx, q, mine, after, GROUPS_PER_PAGE + 1, row, &l);
	if (st != BST_GROUP_OK) {
		bst_buf_free(&rows);
		bst_page_group_error(r, st);
		return;
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Groups"));
	if (notice)
		bst_page_notice(&b, notice_kind, notice);

	bst_buf_printf(&b,
		       "<form method=\"get\" action=\"/groups\" role=\"search\">"
		       "<p class=\"field\"><label for=\"f-q\">%s</label>"
		       "<input type=\"search\" id=\"f-q\" name=\"q\" value=\"",
		       _("Search groups by name"));
	bst_html_attr(&b, q ? q : "");
	bst_buf_printf(&b,
		       "\"></p><p><input type=\"checkbox\" id=\"f-mine\" name=\"mine\" "
		       "value=\"1\"%s><label for=\"f-mine\">%s</label></p>"
		       "<p><button type=\"submit\">%s</button></p></form>",
		       mine ? " checked" : "", _("Only my groups"), _("Search"));

	if (l.n == 0) {
		bst_buf_printf(&b, "<p>%s</p>",
			       q || mine ? _("No group matches this search.")
					 : _("There are no more groups."));
	} else {
		const char *caption =
		    q || mine ? _("Groups matching the search") : _("Groups");
		bst_buf_puts(&b, "<div class=\"table-wrap\" role=\"region\" "
				 "tabindex=\"0\" aria-label=\"");
		bst_html_attr(&b, caption);
		bst_buf_printf(&b,
			       "\"><table><caption>%s</caption><thead><tr>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th></tr></thead><tbody>",
			       caption, _("Name"), _("Kind"), _("Members"), _("You"),
			       _("Actions"));
		bst_buf_puts(&b, bst_buf_str(&rows));
		bst_buf_puts(&b, "</tbody></table></div>");
	}
	bst_buf_free(&rows);
	if (after || l.n > GROUPS_PER_PAGE) {
		bst_buf_printf(&b, "<nav aria-label=\"%s\"><ul class=\"pager\">",
			       _("Pages"));
		if (after) {
			bst_buf_printf(&b, "<li><a href=\"/groups?mine=%d", mine ? 1 : 0);
			if (q) {
				bst_buf_puts(&b, "&amp;q=");
				bst_html_url_arg(&b, q);
			}
			bst_buf_printf(&b, "\">%s</a></li>", _("First page"));
		}
		if (l.n > GROUPS_PER_PAGE) {
			bst_buf_printf(
			    &b,
			    "<li><a rel=\"next\" href=\"/groups?after=%lld&amp;mine=%d",
			    (long long)l.last_id, mine ? 1 : 0);
			if (q) {
				bst_buf_puts(&b, "&amp;q=");
				bst_html_url_arg(&b, q);
			}
			bst_buf_printf(&b, "\">%s</a></li>", _("Next page"));
		}
		bst_buf_puts(&b, "</ul></nav>");
	}
	create_form(r, &b, name, desc, kind);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void create(struct bst_req *r)
{
	const char *name = bst_req_arg(r, "name");
	const char *desc = bst_req_arg(r, "description");
	const char *kind = bst_req_arg(r, "kind");
	int64_t id = 0;
	enum bst_group_status st = bst_group_create(&r->ctx, name, desc, kind, &id);
	if (st != BST_GROUP_OK) {
		render(r, bst_group_http_status(st), "error", _(bst_group_text(st)), name,
		       desc, kind);
		return;
	}
	bst_reply_redirect(r,
			   bst_arena_printf(r->arena, "/groups/%lld/members?notice=saved",
					    (long long)id));
}

/* join, leave, accept, decline: about the group named in group_id. */
static void membership(struct bst_req *r, const char *action)
{
	const char *gid_s = bst_req_arg(r, "group_id");
	char *end = NULL;
	long long gid = gid_s ? strtoll(gid_s, &end, 10) : 0;
	if (!gid_s || !gid_s[0] || *end || gid <= 0) {
		bst_page_group_error(r, BST_GROUP_NOT_FOUND);
		return;
	}
	enum bst_group_status st;
	const char *done;
	bool requested = false;
	if (strcmp(action, "join") == 0) {
		st = bst_group_join(&r->ctx, gid, &requested);
		done = requested
			   ? _("Your request was sent to the group's administrators.")
			   : _("You joined the group.");
	} else if (strcmp(action, "leave") == 0) {
		st = bst_group_leave(&r->ctx, gid);
		done =
		    _("Done: you are no longer in this group, nor waiting to join it.");
	} else if (strcmp(action, "accept") == 0) {
		st = bst_group_accept(&r->ctx, gid);
		done = _("You joined the group.");
	} else {
		st = bst_group_decline(&r->ctx, gid);
		done = _("You declined the invitation.");
	}
	if (st == BST_GROUP_NOT_FOUND || st == BST_GROUP_ERROR) {
		bst_page_group_error(r, st);
		return;
	}
	if (st != BST_GROUP_OK)
		render(r, bst_group_http_status(st), "error", _(bst_group_text(st)), NULL,
		       NULL, NULL);
	else
		render(r, 200, "ok", done, NULL, NULL, NULL);
}

void bst_page_groups(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		render(r, 200, NULL, NULL, NULL, NULL, NULL);
		return;
	}
	const char *action = bst_req_arg(r, "action");
	if (!action)
		action = "create";
	if (strcmp(action, "create") == 0)
		create(r);
	else if (strcmp(action, "join") == 0 || strcmp(action, "leave") == 0 ||
		 strcmp(action, "accept") == 0 || strcmp(action, "decline") == 0)
		membership(r, action);
	else
		bst_reply_error(r, 400, "bad_action", _("This action is not known."));
}
