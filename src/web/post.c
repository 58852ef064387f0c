/* /posts/{id}: one publication with who liked it and its comments (each
 * with its replies, one level), the actions ctx may take (like, edit, pin,
 * delete; reply, edit or delete a comment) and the comment form. With
 * ?comment=CID the page opens that comment's edit form and, for its author
 * and administrators, its earlier versions. POST /posts/{id} takes
 * action=like|unlike|pin|unpin|delete. Whatever ctx may not read answers
 * 404. */
#include "web/posts.h"
#include "core/clock.h"

#include <string.h>

static void when(bst_buf *b, int64_t ms)
{
	char iso[40], human[64];
	bst_time_format_iso(ms, iso, sizeof iso);
	bst_i18n_datetime(ms, human, sizeof human);
	bst_buf_printf(b, "<time datetime=\"%s\">", iso);
	bst_html_txt(b, human);
	bst_buf_puts(b, "</time>");
}

/* A one-button form posting to action with fields name=value pairs. */
static void button(struct bst_req *r, bst_buf *b, const char *action, const char *what,
		   const char *text, const char *cls, const char *extra)
{
	bst_form_begin(r, b, action);
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">", what);
	bst_page_next_field(r, b);
	bst_buf_printf(b, "<button type=\"submit\" class=\"%s\"%s%s>", cls,
		       extra ? " " : "", extra ? extra : "");
	bst_html_txt(b, text);
	bst_buf_puts(b, "</button></form>");
}

/* data-confirm="text" (and more, a trusted literal), escaped, in the
 * request's arena. */
static const char *confirm(struct bst_req *r, const char *text, const char *more)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_buf_puts(&b, "data-confirm=\"");
	bst_html_attr(&b, text);
	bst_buf_printf(&b, "\"%s", more ? more : "");
	const char *out = bst_arena_strdup(r->arena, bst_buf_str(&b));
	bst_buf_free(&b);
	return out;
}

/* ---- likes ---- */

struct likers {
	bst_buf *b;
	int n;
};

static void liker(void *cls, const struct bst_reaction_row *x)
{
	struct likers *l = cls;
	bst_buf_printf(l->b, "<li><a href=\"/people/%lld\">", (long long)x->user_id);
	bst_html_txt(l->b, x->name);
	bst_buf_puts(l->b, "</a></li>");
	l->n++;
}

/* ---- comments ---- */

struct versions {
	bst_buf *b;
	struct bst_req *r;
	int n;
};

static void version(void *cls, const struct bst_version_row *v)
{
	struct versions *l = cls;
	bst_buf_puts(l->b, "<li><p class=\"post-meta\">");
	bst_buf date;
	bst_buf_init(&date);
	when(&date, v->created_ms);
	/* TRANSLATORS: %s is a date; the text below was replaced then */
	bst_buf_printf(l->b, _("Replaced on %s"), bst_buf_str(&date));
	bst_buf_free(&date);
	bst_buf_puts(l->b, "</p><pre class=\"md-source\">");
	bst_html_txt(l->b, v->body);
	bst_buf_puts(l->b, "</pre></li>");
	l->n++;
}

struct thread {
	struct bst_req *r;
	bst_buf *b;
	const struct bst_post *post;
	int64_t focus;     /* ?comment= */
	int64_t top;       /* the top comment whose <li> is open (0: none) */
	bool replies_open; /* its <ol class="replies"> is open */
	int n;
};

static void close_top(struct thread *t)
{
	if (t->replies_open)
		bst_buf_puts(t->b, "</ol>");
	if (t->top)
		bst_buf_puts(t->b, "</li>");
	t->top = 0;
	t->replies_open = false;
}

static void comment_body(struct thread *t, const struct bst_comment *c)
{
	struct bst_req *r = t->r;
	bst_buf *b = t->b;
	const struct bst_comment_row *row = &c->row;
	long long pid = (long long)row->post_id, cid = (long long)row->id;
	const char *base =
	    bst_arena_printf(r->arena, "/posts/%lld/comments/%lld", pid, cid);
	bst_buf_printf(b,
		       "<article class=\"comment%s\" id=\"comment-%lld\" "
		       "aria-labelledby=\"comment-%lld-by\"><p class=\"post-meta\">"
		       "<a id=\"comment-%lld-by\" href=\"/people/%lld\">",
		       row->deleted_ms ? " post-deleted" : "", cid, cid, cid,
		       (long long)row->author_id);
	bst_html_txt(b, row->author_name);
	bst_buf_printf(b, "</a> · <a href=\"/posts/%lld#comment-%lld\">", pid, cid);
	when(b, row->created_ms);
	bst_buf_puts(b, "</a>");
	if (row->edited_ms)
		bst_buf_printf(b, " · <span class=\"badge\">%s</span>",
			       C_("comment", "edited"));
	if (row->deleted_ms)
		bst_buf_printf(b, " · <span class=\"badge badge-deleted\">%s</span>",
			       C_("comment", "deleted"));
	bst_buf_puts(b, "</p>");
	bool editing = t->focus == row->id && c->can_edit;
	if (editing) {
		bst_form_begin(r, b, base);
		bst_buf_printf(
		    b,
		    "<input type=\"hidden\" name=\"action\" value=\"edit\">"
		    "<p class=\"field\"><label for=\"f-edit-%lld\">%s</label>"
		    "<textarea id=\"f-edit-%lld\" name=\"body\" rows=\"4\" required>",
		    cid, _("Your comment"), cid);
		bst_html_txt(b, row->body);
		bst_buf_printf(b,
			       "</textarea></p><p><button type=\"submit\">%s</button> "
			       "<a href=\"/posts/%lld#comment-%lld\">%s</a></p></form>",
			       _("Save"), pid, cid, _("Cancel"));
	} else {
		bst_buf_puts(b, "<div class=\"post-body md\">");
		bst_comment_render(&r->ctx, row, b);
		bst_buf_puts(b, "</div>");
	}
	if (t->focus == row->id && c->can_see_versions) {
		bst_buf vb;
		bst_buf_init(&vb);
		struct versions v = {&vb, r, 0};
		if (bst_comment_versions(&r->ctx, row->id, version, &v) == BST_POST_OK &&
		    v.n) {
			bst_buf_printf(
			    b,
			    "<details class=\"versions\" open><summary>%s</summary>"
			    "<ol>",
			    _("Earlier versions"));
			bst_buf_cat(b, &vb);
			bst_buf_puts(b, "</ol></details>");
		}
		bst_buf_free(&vb);
	}
	bst_buf_puts(b, "<div class=\"post-actions\">");
	if (c->can_reply)
		button(r, b, base, row->liked ? "unlike" : "like", _("Like"), "secondary",
		       bst_arena_printf(
			   r->arena,
			   "aria-pressed=\"%s\" aria-describedby=\"comment-%lld-by\"",
			   row->liked ? "true" : "false", cid));
	bst_buf_printf(b, "<span>");
	bst_buf_printf(
	    b, bst_i18n_ngettext("%lld like", "%lld likes", (unsigned long)row->likes),
	    (long long)row->likes);
	bst_buf_puts(b, "</span>");
	if (!editing && (c->can_edit || (c->can_see_versions && row->edited_ms)))
		bst_buf_printf(
		    b, "<a href=\"/posts/%lld?comment=%lld#comment-%lld\">%s</a>", pid,
		    cid, cid, c->can_edit ? _("Edit") : _("Earlier versions"));
	if (c->can_delete)
		button(r, b, base, "delete", _("Delete"), "danger",
		       confirm(r, _("Delete this comment?"),
			       bst_arena_printf(r->arena,
						" aria-describedby=\"comment-%lld-by\"",
						cid)));
	bst_buf_puts(b, "</div>");
	if (c->can_reply) {
		bst_buf_printf(b, "<details class=\"reply\"><summary>%s</summary>",
			       _("Reply"));
		bst_form_begin(r, b,
			       bst_arena_printf(r->arena, "/posts/%lld/comments", pid));
		bst_buf_printf(
		    b,
		    "<input type=\"hidden\" name=\"parent_id\" value=\"%lld\">"
		    "<p class=\"field\"><label for=\"f-reply-%lld\">%s</label>"
		    "<textarea id=\"f-reply-%lld\" name=\"body\" rows=\"3\" required>"
		    "</textarea></p><p><button type=\"submit\">%s</button></p></form>"
		    "</details>",
		    cid, cid, _("Your reply"), cid, _("Reply"));
	}
	bst_buf_puts(b, "</article>");
}

static void each_comment(void *cls, const struct bst_comment *c)
{
	struct thread *t = cls;
	t->n++;
	if (!c->row.parent_id) {
		close_top(t);
		t->top = c->row.id;
		bst_buf_puts(t->b, "<li>");
		comment_body(t, c);
		return;
	}
	if (t->top != c->row.parent_id) {
		/* its comment was deleted: the replies stay, under a mark */
		close_top(t);
		t->top = c->row.parent_id;
		bst_buf_printf(t->b, "<li><p class=\"comment-gone\">%s</p>",
			       _("This comment was deleted."));
	}
	if (!t->replies_open) {
		bst_buf_puts(t->b, "<ol class=\"replies\">");
		t->replies_open = true;
	}
	bst_buf_puts(t->b, "<li>");
	comment_body(t, c);
	bst_buf_puts(t->b, "</li>");
}

/* ---- the page ---- */

static void render(struct bst_req *r, int64_t id)
{
	struct bst_ctx *c = &r->ctx;
	struct bst_post p;
	enum bst_post_status st = bst_post_get(c, id, &p);
	if (st != BST_POST_OK) {
		bst_page_post_error(r, st);
		return;
	}
	bst_buf comments;
	bst_buf_init(&comments);
	struct thread t = {
	    r, &comments, &p, bst_page_id(bst_kv_get(&r->query, "comment")), 0, false, 0};
	st = bst_comment_list(c, id, true, 0, BST_COMMENTS_PAGE_MAX, each_comment, &t);
	close_top(&t);
	bst_buf likes;
	bst_buf_init(&likes);
	struct likers l = {&likes, 0};
	if (st == BST_POST_OK)
		st = bst_reaction_list(c, "post", id, 0, BST_REACTIONS_PAGE_MAX, liker,
				       &l);
	if (st != BST_POST_OK) {
		bst_buf_free(&likes);
		bst_buf_free(&comments);
		bst_page_post_error(r, st);
		return;
	}

	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(
	    r, &b, bst_arena_printf(r->arena, _("Publication by %s"), p.row.author_name));
	if (p.row.group_id) {
		bst_buf name;
		bst_buf_init(&name);
		bst_html_txt(&name, p.row.group_name);
		bst_buf_printf(&b, "<p><a href=\"/groups/%lld\">",
			       (long long)p.row.group_id);
		/* TRANSLATORS: %s is a group's name */
		bst_buf_printf(&b, _("Back to %s"), bst_buf_str(&name));
		bst_buf_puts(&b, "</a></p>");
		bst_buf_free(&name);
	} else {
		bst_buf_printf(&b, "<p><a href=\"/\">%s</a></p>",
			       _("Back to the home feed"));
	}
	if (p.row.deleted_ms)
		bst_page_notice(&b, "info",
				_("This publication was deleted: only platform "
				  "administrators see it."));
	bst_page_post_card(r, &b, &p, true, true);

	const char *self = bst_arena_printf(r->arena, "/posts/%lld", (long long)id);
	if (p.can_edit || p.can_see_versions || p.can_pin || p.can_delete) {
		bst_buf_printf(&b, "<div class=\"post-actions post-manage\">");
		if (p.can_edit)
			bst_buf_printf(
			    &b, "<a class=\"button secondary\" href=\"%s/edit\">%s</a>",
			    self, _("Edit"));
		else if (p.can_see_versions && p.row.edited_ms)
			bst_buf_printf(&b, "<a href=\"%s/edit\">%s</a>", self,
				       _("Earlier versions"));
		if (p.can_pin)
			button(r, &b, self, p.row.pinned_ms ? "unpin" : "pin",
			       p.row.pinned_ms ? _("Unpin") : _("Pin"), "secondary",
			       NULL);
		if (p.can_delete)
			button(r, &b, self, "delete", _("Delete"), "danger",
			       confirm(r, _("Delete this publication?"), NULL));
		bst_buf_puts(&b, "</div>");
	}

	bst_buf_printf(&b,
		       "<section id=\"likes\" aria-labelledby=\"h-likes\"><h2 "
		       "id=\"h-likes\">%s</h2>",
		       _("Liked by"));
	if (l.n) {
		bst_buf_puts(&b, "<ul class=\"inline-list\">");
		bst_buf_cat(&b, &likes);
		bst_buf_puts(&b, "</ul>");
	} else
		bst_buf_printf(&b, "<p>%s</p>", _("Nobody yet."));
	bst_buf_puts(&b, "</section>");
	bst_buf_free(&likes);

	bst_buf_printf(&b,
		       "<section id=\"comments\" aria-labelledby=\"h-comments\">"
		       "<h2 id=\"h-comments\">%s</h2>",
		       _("Comments"));
	if (t.n) {
		bst_buf_puts(&b, "<ol class=\"comments\">");
		bst_buf_cat(&b, &comments);
		bst_buf_puts(&b, "</ol>");
	} else
		bst_buf_printf(&b, "<p>%s</p>", _("No comments yet."));
	bst_buf_free(&comments);
	if (p.can_take_part) {
		bst_form_begin(r, &b, bst_arena_printf(r->arena, "%s/comments", self));
		bst_buf_printf(
		    &b,
		    "<p class=\"field\"><label for=\"f-comment\">%s</label>"
		    "<textarea id=\"f-comment\" name=\"body\" rows=\"3\" required "
		    "aria-describedby=\"f-comment-hint\"></textarea>"
		    "<span class=\"hint\" id=\"f-comment-hint\">%s</span></p>"
		    "<p><button type=\"submit\">%s</button></p></form>",
		    _("Your comment"),
		    _("Markdown, and @ mentions of people who may read this "
		      "publication."),
		    C_("verb", "Comment"));
	}
	bst_buf_puts(&b, "</section>");
	bst_page_end(r, &b);
	bst_reply_html(r, 200, &b);
}

static void act(struct bst_req *r, int64_t id)
{
	struct bst_ctx *c = &r->ctx;
	const char *action = bst_req_arg(r, "action");
	struct bst_post p;
	enum bst_post_status st = bst_post_get(c, id, &p);
	if (st != BST_POST_OK) {
		bst_page_post_error(r, st);
		return;
	}
	const char *next = bst_safe_next(bst_req_arg(r, "next"));
	if (!action) {
		st = BST_POST_INVALID;
	} else if (strcmp(action, "like") == 0 || strcmp(action, "unlike") == 0) {
		st = bst_reaction_set(c, "post", id, BST_REACTION_LIKE, action[0] == 'l',
				      NULL);
		next = bst_arena_printf(r->arena, "%s#post-%lld", next, (long long)id);
	} else if (strcmp(action, "pin") == 0 || strcmp(action, "unpin") == 0) {
		st = bst_post_pin(c, id, action[0] == 'p');
	} else if (strcmp(action, "delete") == 0) {
		st = bst_post_delete(c, id);
		/* the publication's page is gone: back to its feed */
		next = p.row.group_id ? bst_arena_printf(r->arena, "/groups/%lld",
							 (long long)p.row.group_id)
				      : "/";
	} else {
		st = BST_POST_INVALID;
	}
	if (st != BST_POST_OK) {
		bst_page_post_error(r, st);
		return;
	}
	bst_reply_redirect(r, next);
}

void bst_page_post(struct bst_req *r)
{
	int64_t id = bst_page_id(r->params[0]);
	if (!id) {
		bst_page_post_error(r, BST_POST_NOT_FOUND);
		return;
	}
	if (strcmp(r->method, "POST") == 0)
		act(r, id);
	else
		render(r, id);
}
