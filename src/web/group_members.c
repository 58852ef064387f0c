/* /groups/{id}/members: who is in a group, with their roles, paged by user
 * id. Its administrators (and platform administrators, for open and
 * private groups) also see invitations and requests, and act on them:
 * invite by e-mail address, approve or refuse, remove, promote or demote.
 * Members leave; invitees accept or decline; others join or ask to. A
 * group the person may not see answers 404, as one that does not exist. */
#include "web/groups.h"
#include "core/markdown.h"

#include <stdlib.h>
#include <string.h>

#define MEMBERS_PER_PAGE 50

/* A one-button form posting action (about user_id, 0: none) to this page. */
static void button(struct bst_req *r, bst_buf *b, const char *action, int64_t user_id,
		   const char *extra_name, const char *extra_value, const char *text,
		   const char *aria, const char *cls)
{
	bst_form_begin(r, b, r->path);
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
	if (user_id)
		bst_buf_printf(b,
			       "<input type=\"hidden\" name=\"user_id\" value=\"%lld\">",
			       (long long)user_id);
	if (extra_name)
		bst_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">",
			       extra_name, extra_value);
	bst_buf_puts(b, "<button type=\"submit\"");
	if (cls)
		bst_buf_printf(b, " class=\"%s\"", cls);
	if (aria) {
		bst_buf_puts(b, " aria-label=\"");
		bst_html_attr(b, aria);
		bst_buf_puts(b, "\"");
	}
	bst_buf_printf(b, ">%s</button></form>", text);
}

struct list {
	struct bst_req *r;
	const struct bst_group_access *a;
	bst_buf *b;
	int n;
	int64_t last_id;
};

static const char *state_label(const char *state)
{
	if (strcmp(state, "invited") == 0)
		return _("Invited");
	if (strcmp(state, "requested") == 0)
		return _("Asked to join");
	return _("Member");
}

static void row(void *cls, const struct bst_group_member *m)
{
	struct list *l = cls;
	if (++l->n > MEMBERS_PER_PAGE)
		return;
	l->last_id = m->user_id;
	bst_buf *b = l->b;
	struct bst_req *r = l->r;
	bool self = m->user_id == r->ctx.user.id;
	bool member = strcmp(m->state, "member") == 0;
	bst_buf_puts(b, "<tr><th scope=\"row\">");
	bst_html_txt(b, m->name);
	bst_buf_puts(b, "</th><td>");
	bst_html_txt(b, m->email);
	bst_buf_printf(b, "</td><td>%s</td>",
		       member ? bst_group_role_label(m->role) : "");
	if (!l->a->manage) {
		bst_buf_puts(b, "</tr>");
		return;
	}
	bst_buf_printf(b, "<td>%s</td><td>", state_label(m->state));
	const char *who = m->name;
	if (strcmp(m->state, "requested") == 0) {
		/* the accessible names say whom a button is about: %s is a name */
		button(r, b, "approve", m->user_id, NULL, NULL, _("Approve"),
		       bst_arena_printf(r->arena, _("Approve the request of %s"), who),
		       NULL);
		button(r, b, "refuse", m->user_id, NULL, NULL, _("Refuse"),
		       bst_arena_printf(r->arena, _("Refuse the request of %s"), who),
		       "secondary");
	} else if (strcmp(m->state, "invited") == 0) {
		button(r, b, "remove", m->user_id, NULL, NULL, _("Cancel the invitation"),
		       bst_arena_printf(r->arena, _("Cancel the invitation of %s"), who),
		       "secondary");
	} else {
		bool admin = strcmp(m->role, "admin") == 0;
		button(r, b, "role", m->user_id, "role", admin ? "member" : "admin",
		       admin ? _("Make member") : _("Make administrator"),
		       bst_arena_printf(r->arena,
					/* TRANSLATORS: the accessible name starts with
					 * the button's visible text (WCAG 2.5.3) */
					admin ? _("Make member: %s")
					      : _("Make administrator: %s"),
					who),
		       "secondary");
		if (!self)
			button(r, b, "remove", m->user_id, NULL, NULL, _("Remove"),
			       bst_arena_printf(r->arena, _("Remove %s from the group"),
						who),
			       "danger");
	}
	bst_buf_puts(b, "</td></tr>");
}

/* What ctx's user may do about their own place in the group. */
static void own_actions(struct bst_req *r, bst_buf *b, const struct bst_group *g,
			const struct bst_group_access *a)
{
	if (strcmp(a->state, "invited") == 0) {
		bst_buf_printf(
		    b,
		    "<section aria-labelledby=\"h-invitation\"><h2 id=\"h-invitation\">"
		    "%s</h2><p>%s</p>",
		    _("Your invitation"), _("You are invited to join this group."));
		button(r, b, "accept", 0, NULL, NULL, _("Accept the invitation"), NULL,
		       NULL);
		button(r, b, "decline", 0, NULL, NULL, _("Decline"), NULL, "secondary");
		bst_buf_puts(b, "</section>");
		return;
	}
	if (strcmp(a->state, "requested") == 0) {
		bst_buf_printf(b, "<p>%s</p>",
			       _("You asked to join this group; its administrators "
				 "have not answered yet."));
		button(r, b, "leave", 0, NULL, NULL, _("Withdraw the request"), NULL,
		       "secondary");
		return;
	}
	if (a->member) {
		button(r, b, "leave", 0, NULL, NULL, _("Leave the group"), NULL,
		       "secondary");
		return;
	}
	bool at_once = strcmp(g->kind, "open") == 0 || a->manage;
	button(r, b, "join", 0, NULL, NULL,
	       at_once ? _("Join the group") : _("Ask to join"), NULL, NULL);
}

static void invite_form(struct bst_req *r, bst_buf *b, const char *email)
{
	bst_buf_printf(
	    b,
	    "<section aria-labelledby=\"h-invite\"><h2 id=\"h-invite\">%s</h2>"
	    "<p class=\"hint\">%s</p>",
	    _("Invite someone"),
	    _("A person with an account on this platform; they are notified and "
	      "accept or decline."));
	bst_form_begin(r, b, r->path);
	bst_buf_puts(b, "<input type=\"hidden\" name=\"action\" value=\"invite\">");
	bst_page_field(b, "email", "email", _("E-mail address"), email,
		       "autocomplete=\"off\" required");
	bst_buf_printf(b, "<p><button type=\"submit\">%s</button></p></form></section>",
		       _("Invite"));
}

static void render(struct bst_req *r, int status, const char *kind, const char *notice,
		   const char *email)
{
	struct bst_group g;
	struct bst_group_access a;
	if (bst_page_group_load(r, &g, &a) != 0)
		return;
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
	struct list l = {r, &a, &rows, 0, 0};
	bool listed = a.read || a.manage;
	if (listed) {
		enum bst_group_status st = bst_group_members(
		    &r->ctx, g.id, after, MEMBERS_PER_PAGE + 1, row, &l);
		if (st != BST_GROUP_OK) {
			bst_buf_free(&rows);
			bst_page_group_error(r, st);
			return;
		}
	}
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, bst_arena_printf(r->arena, _("Members of %s"), g.name));
	bst_page_group_nav(r, &b, &g, &a, "members");
	if (notice)
		bst_page_notice(&b, kind, notice);
	if (g.description[0]) {
		bst_buf_puts(&b, "<div class=\"group-description\">");
		bst_markdown_render(g.description, &b);
		bst_buf_puts(&b, "</div>");
	}
	bst_buf_printf(&b, "<p>%s — %s</p>", bst_group_kind_label(g.kind),
		       bst_group_kind_hint(g.kind));
	own_actions(r, &b, &g, &a);

	if (!listed) {
		bst_buf_printf(
		    &b, "<p>%s</p>",
		    _("Only the members of a private group see who is in it."));
	} else if (l.n == 0) {
		bst_buf_printf(&b, "<p>%s</p>", _("There are no more members."));
	} else {
		const char *caption = _("Members");
		bst_buf_puts(&b, "<div class=\"table-wrap\" role=\"region\" "
				 "tabindex=\"0\" aria-label=\"");
		bst_html_attr(&b, caption);
		bst_buf_printf(&b,
			       "\"><table><caption>%s</caption><thead><tr>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			       "<th scope=\"col\">%s</th>",
			       caption, _("Name"), _("E-mail address"), _("Role"));
		if (a.manage)
			bst_buf_printf(
			    &b, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>",
			    _("Status"), _("Actions"));
		bst_buf_puts(&b, "</tr></thead><tbody>");
		bst_buf_puts(&b, bst_buf_str(&rows));
		bst_buf_puts(&b, "</tbody></table></div>");
	}
	bst_buf_free(&rows);
	if (after || l.n > MEMBERS_PER_PAGE) {
		bst_buf_printf(&b, "<nav aria-label=\"%s\"><ul class=\"pager\">",
			       _("Pages"));
		if (after)
			bst_buf_printf(&b,
				       "<li><a href=\"/groups/%lld/members\">%s</a></li>",
				       (long long)g.id, _("First page"));
		if (l.n > MEMBERS_PER_PAGE)
			bst_buf_printf(&b,
				       "<li><a rel=\"next\" "
				       "href=\"/groups/%lld/members?after=%lld\">"
				       "%s</a></li>",
				       (long long)g.id, (long long)l.last_id,
				       _("Next page"));
		bst_buf_puts(&b, "</ul></nav>");
	}
	if (a.manage)
		invite_form(r, &b, email);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void act(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	struct bst_group g;
	struct bst_group_access a;
	if (bst_page_group_load(r, &g, &a) != 0)
		return;
	const char *action = bst_req_arg(r, "action");
	const char *uid_s = bst_req_arg(r, "user_id");
	char *end = NULL;
	long long uid = uid_s ? strtoll(uid_s, &end, 10) : 0;
	if (uid_s && (!uid_s[0] || *end || uid <= 0))
		uid = 0;
	const char *email = NULL;
	const char *done;
	enum bst_group_status st;
	bool requested = false;
	if (!action) {
		bst_reply_error(r, 400, "bad_action", _("This action is not known."));
		return;
	}
	if (strcmp(action, "invite") == 0) {
		email = bst_req_arg(r, "email");
		st = bst_group_invite(c, g.id, email, NULL);
		done = _("The invitation was sent.");
	} else if (strcmp(action, "approve") == 0) {
		st = bst_group_approve(c, g.id, uid);
		done = _("The request was approved.");
	} else if (strcmp(action, "refuse") == 0) {
		st = bst_group_refuse(c, g.id, uid);
		done = _("The request was refused.");
	} else if (strcmp(action, "remove") == 0) {
		st = bst_group_remove(c, g.id, uid);
		done = _("Removed from the group.");
	} else if (strcmp(action, "role") == 0) {
		st = bst_group_set_role(c, g.id, uid, bst_req_arg(r, "role"));
		done = _("The role was changed.");
	} else if (strcmp(action, "join") == 0) {
		st = bst_group_join(c, g.id, &requested);
		done = requested
			   ? _("Your request was sent to the group's administrators.")
			   : _("You joined the group.");
	} else if (strcmp(action, "accept") == 0) {
		st = bst_group_accept(c, g.id);
		done = _("You joined the group.");
	} else if (strcmp(action, "leave") == 0 || strcmp(action, "decline") == 0) {
		st = strcmp(action, "leave") == 0 ? bst_group_leave(c, g.id)
						  : bst_group_decline(c, g.id);
		if (st == BST_GROUP_OK) {
			/* a secret group is gone from their sight: back to the list */
			bst_reply_redirect(r, "/groups");
			return;
		}
		done = NULL;
	} else {
		bst_reply_error(r, 400, "bad_action", _("This action is not known."));
		return;
	}
	if (st == BST_GROUP_NOT_FOUND || st == BST_GROUP_ERROR) {
		bst_page_group_error(r, st);
		return;
	}
	if (st != BST_GROUP_OK) {
		render(r, bst_group_http_status(st), "error", _(bst_group_text(st)),
		       email);
		return;
	}
	render(r, 200, "ok", done, NULL);
}

void bst_page_group_members(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		act(r);
	else
		render(r, 200, NULL, NULL, NULL);
}
