/* The feed part of the home and group pages, and the pieces the
 * publication pages share: a publication's card (with the attached
 * documents its reader may open), the publishing form (POST /posts
 * publishes) with its boxes of documents to attach, the "new
 * publications" indicator and the pager.
 * The indicator works without script: "Check for new publications" reloads
 * the feed with ?since=<the newest id seen>, which then says how many are
 * new and marks them; static/app.js polls /api/v1/feed/new with the same
 * id and turns the link into "N new publications". */
#include "web/posts.h"
#include "core/clock.h"
#include "social/groups.h"
#include "web/documents.h"

#include <stdlib.h>
#include <string.h>

int64_t bst_page_id(const char *s)
{
	if (!s || !s[0])
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : (int64_t)v;
}

void bst_page_post_error(struct bst_req *r, enum bst_post_status st)
{
	bst_reply_error(r, bst_post_http_status(st), bst_post_code(st),
			_(bst_post_text(st)));
}

void bst_page_next_field(struct bst_req *r, bst_buf *b)
{
	bst_buf_puts(b, "<input type=\"hidden\" name=\"next\" value=\"");
	bst_html_attr(b, bst_safe_next(r->raw_uri ? r->raw_uri : r->path));
	bst_buf_puts(b, "\">");
}

/* ---- attachments ---- */

const int64_t *bst_page_attach_args(struct bst_req *r, size_t *n)
{
	*n = 0;
	if (!bst_kv_get(&r->form, "attachments_field"))
		return NULL;
	int64_t *ids = bst_arena_alloc(r->arena, (r->form.n + 1) * sizeof *ids);
	for (size_t i = 0; i < r->form.n; i++)
		if (strcmp(r->form.items[i].key, "attachment") == 0) {
			/* what is not an id is refused by the service as such */
			int64_t id = bst_page_id(r->form.items[i].value);
			ids[(*n)++] = id ? id : -1;
		}
	return ids;
}

/* "type · size" of a document, escaped. */
static void doc_meta(bst_buf *b, const struct bst_document_row *d)
{
	char size[64];
	bst_document_size(d->size, size, sizeof size);
	bst_html_txt(b, d->content_type);
	bst_buf_puts(b, " · ");
	bst_html_txt(b, size);
}

struct shown_attachments {
	bst_buf *b;
	int n;
};

static void shown_attachment(void *cls, const struct bst_document_row *d)
{
	struct shown_attachments *s = cls;
	bst_buf_printf(s->b, "<li><a href=\"/documents/%lld\">", (long long)d->id);
	bst_html_txt(s->b, d->name);
	bst_buf_puts(s->b, "</a> <span class=\"hint\">");
	doc_meta(s->b, d);
	bst_buf_puts(s->b, "</span></li>");
	s->n++;
}

/* The attached documents the reader may open now, under the text. */
static void card_attachments(struct bst_req *r, bst_buf *b,
			     const struct bst_post_row *row)
{
	if (!row->attachments)
		return;
	bst_buf list;
	bst_buf_init(&list);
	struct shown_attachments s = {&list, 0};
	/* a failure leaves the list out: the publication still reads */
	if (bst_post_attachments(&r->ctx, row, shown_attachment, &s) == BST_POST_OK &&
	    s.n) {
		bst_buf_puts(b, "<ul class=\"attachments\" aria-label=\"");
		bst_html_attr(b, _("Attached documents"));
		bst_buf_puts(b, "\">");
		bst_buf_cat(b, &list);
		bst_buf_puts(b, "</ul>");
	}
	bst_buf_free(&list);
}

struct attach_boxes {
	struct bst_req *r;
	bst_buf *b;
	const int64_t *checked; /* NULL: tick the current attachments */
	size_t n_checked;
	bool show_group;
	int64_t listed[BST_POST_ATTACHMENTS_MAX + BST_POST_ATTACH_CHOICES_MAX];
	size_t n;
	bool current; /* listing the current attachments */
};

static void attach_box(struct attach_boxes *a, const struct bst_document_row *d,
		       const char *group_name)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->listed[i] == d->id)
			return;
	if (a->n == sizeof a->listed / sizeof *a->listed)
		return;
	a->listed[a->n++] = d->id;
	bool on = a->checked == NULL && a->current;
	for (size_t i = 0; a->checked && i < a->n_checked && !on; i++)
		on = a->checked[i] == d->id;
	bst_buf_printf(a->b,
		       "<li><label><input type=\"checkbox\" name=\"attachment\" "
		       "value=\"%lld\"%s> ",
		       (long long)d->id, on ? " checked" : "");
	bst_html_txt(a->b, d->name);
	bst_buf_puts(a->b, " <span class=\"hint\">");
	if (a->show_group && group_name && group_name[0]) {
		bst_html_txt(a->b, group_name);
		bst_buf_puts(a->b, " · ");
	}
	doc_meta(a->b, d);
	bst_buf_puts(a->b, "</span></label></li>");
}

static void attach_current(void *cls, const struct bst_document_row *d)
{
	attach_box(cls, d, NULL);
}

static void attach_choice(void *cls, const struct bst_document_row *d,
			  const char *group_name)
{
	attach_box(cls, d, group_name);
}

void bst_page_attach_field(struct bst_req *r, bst_buf *b, int64_t feed,
			   const struct bst_post_row *post, const int64_t *checked,
			   size_t n_checked)
{
	bst_buf list;
	bst_buf_init(&list);
	struct attach_boxes *a = bst_arena_alloc(r->arena, sizeof *a);
	*a = (struct attach_boxes){r, &list, checked, n_checked, feed <= 0, {0}, 0, true};
	if (post)
		bst_post_attachments(&r->ctx, post, attach_current, a);
	a->current = false;
	bst_post_attach_choices(&r->ctx, feed, attach_choice, a);
	if (a->n) {
		bst_buf_printf(
		    b,
		    "<fieldset class=\"field attach\" aria-describedby=\"f-attach-hint\">"
		    "<legend>%s</legend><p class=\"hint\" id=\"f-attach-hint\">",
		    _("Documents to attach"));
		bst_html_txt(b, feed > 0
				    ? _("Recent documents of this group's library: "
					"every reader of the publication can open them. "
					"At most 10.")
				    : _("Recent documents of open groups, which everyone "
					"can open. A publication in a group carries "
					"documents of that group's library only. At most "
					"10."));
		bst_buf_puts(b, "</p><ul class=\"attach-choices\">");
		bst_buf_cat(b, &list);
		bst_buf_puts(
		    b, "</ul>"
		       "<input type=\"hidden\" name=\"attachments_field\" value=\"1\">"
		       "</fieldset>");
	}
	bst_buf_free(&list);
}

/* ---- a publication's card ---- */

static void when(bst_buf *b, int64_t ms)
{
	char iso[40], human[64];
	bst_time_format_iso(ms, iso, sizeof iso);
	bst_i18n_datetime(ms, human, sizeof human);
	bst_buf_printf(b, "<time datetime=\"%s\">", iso);
	bst_html_txt(b, human);
	bst_buf_puts(b, "</time>");
}

/* A one-button form posting action to the post's page. */
static void post_button(struct bst_req *r, bst_buf *b, int64_t id, const char *action,
			const char *text, const char *cls, const char *extra)
{
	bst_form_begin(r, b, bst_arena_printf(r->arena, "/posts/%lld", (long long)id));
	bst_buf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
	bst_page_next_field(r, b);
	bst_buf_printf(b, "<button type=\"submit\" class=\"%s\"%s%s>", cls ? cls : "",
		       extra ? " " : "", extra ? extra : "");
	bst_html_txt(b, text);
	bst_buf_puts(b, "</button></form>");
}

void bst_page_post_card(struct bst_req *r, bst_buf *b, const struct bst_post *p,
			bool show_feed, bool with_actions)
{
	const struct bst_post_row *row = &p->row;
	long long id = (long long)row->id;
	bst_buf_printf(b,
		       "<article class=\"post%s%s\" id=\"post-%lld\" "
		       "aria-labelledby=\"post-%lld-by\">",
		       row->deleted_ms ? " post-deleted" : "",
		       row->pinned_ms ? " post-pinned" : "", id, id);
	bst_buf_printf(
	    b,
	    "<p class=\"post-meta\"><a class=\"post-author\" id=\"post-%lld-by\" "
	    "href=\"/people/%lld\">",
	    id, (long long)row->author_id);
	bst_html_txt(b, row->author_name);
	bst_buf_puts(b, "</a>");
	if (show_feed && row->group_id) {
		bst_buf name;
		bst_buf_init(&name);
		bst_buf_printf(&name, "<a href=\"/groups/%lld\">",
			       (long long)row->group_id);
		bst_html_txt(&name, row->group_name);
		bst_buf_puts(&name, "</a>");
		bst_buf_puts(b, " <span class=\"post-where\">");
		/* TRANSLATORS: %s is a group's name (a link) */
		bst_buf_printf(b, _("in %s"), bst_buf_str(&name));
		bst_buf_puts(b, "</span>");
		bst_buf_free(&name);
	}
	bst_buf_printf(b, " · <a href=\"/posts/%lld\">", id);
	when(b, row->created_ms);
	bst_buf_puts(b, "</a>");
	if (row->edited_ms)
		bst_buf_printf(b, " · <span class=\"badge\">%s</span>",
			       C_("publication", "edited"));
	if (row->pinned_ms)
		bst_buf_printf(b, " · <span class=\"badge badge-pin\">%s</span>",
			       C_("publication", "pinned"));
	if (row->deleted_ms)
		bst_buf_printf(b, " · <span class=\"badge badge-deleted\">%s</span>",
			       C_("publication", "deleted"));
	bst_buf_puts(b, "</p><div class=\"post-body md\">");
	bst_post_render(&r->ctx, row, b);
	bst_buf_puts(b, "</div>");
	card_attachments(r, b, row);
	if (!with_actions) {
		bst_buf_puts(b, "</article>");
		return;
	}
	bst_buf_puts(b, "<div class=\"post-actions\">");
	if (p->can_take_part)
		post_button(
		    r, b, row->id, row->liked ? "unlike" : "like", _("Like"), "secondary",
		    bst_arena_printf(
			r->arena, "aria-pressed=\"%s\" aria-describedby=\"post-%lld-by\"",
			row->liked ? "true" : "false", id));
	bst_buf_printf(b, "<a href=\"/posts/%lld#likes\">", id);
	bst_buf_printf(
	    b, bst_i18n_ngettext("%lld like", "%lld likes", (unsigned long)row->likes),
	    (long long)row->likes);
	bst_buf_printf(b, "</a> <a href=\"/posts/%lld#comments\">", id);
	bst_buf_printf(b,
		       bst_i18n_ngettext("%lld comment", "%lld comments",
					 (unsigned long)row->comments),
		       (long long)row->comments);
	bst_buf_puts(b, "</a></div></article>");
}

/* ---- the publishing form ---- */

struct group_options {
	bst_buf *b;
	int64_t selected;
	int n;
};

static void group_option(void *cls, const struct bst_group *g,
			 const struct bst_group_access *a)
{
	struct group_options *o = cls;
	if (!a->write)
		return;
	bst_buf_printf(o->b, "<option value=\"%lld\"%s>", (long long)g->id,
		       g->id == o->selected ? " selected" : "");
	bst_html_txt(o->b, g->name);
	bst_buf_puts(o->b, "</option>");
	o->n++;
}

static void publish_form(struct bst_req *r, bst_buf *b, int64_t feed, const char *draft,
			 const char *error)
{
	bst_buf_printf(b,
		       "<section class=\"publish\" aria-labelledby=\"h-publish\">"
		       "<h2 id=\"h-publish\">%s</h2>",
		       _("Publish"));
	if (error)
		bst_page_notice(b, "error", error);
	bst_form_begin(r, b, "/posts");
	if (feed == BST_FEED_HOME) {
		bst_buf options;
		bst_buf_init(&options);
		const char *g = bst_req_arg(r, "group_id");
		struct group_options o = {&options, bst_page_id(g), 0};
		bst_group_list(&r->ctx, NULL, true, 0, BST_GROUP_LIST_MAX, group_option,
			       &o);
		if (o.n) {
			bst_buf_printf(
			    b,
			    "<p class=\"field\"><label for=\"f-group\">%s</label>"
			    "<select id=\"f-group\" name=\"group_id\">"
			    "<option value=\"0\">%s</option>",
			    _("Where"), _("Everyone (the platform feed)"));
			bst_buf_cat(b, &options);
			bst_buf_puts(b, "</select></p>");
		} else {
			bst_buf_puts(
			    b, "<input type=\"hidden\" name=\"group_id\" value=\"0\">");
		}
		bst_buf_free(&options);
	} else {
		bst_buf_printf(b,
			       "<input type=\"hidden\" name=\"group_id\" value=\"%lld\">",
			       (long long)feed);
	}
	bst_buf_printf(b,
		       "<p class=\"field\"><label for=\"f-body\">%s</label>"
		       "<textarea id=\"f-body\" name=\"body\" rows=\"4\" required "
		       "aria-describedby=\"f-body-hint\"%s>",
		       _("Your publication"), error ? " aria-invalid=\"true\"" : "");
	bst_html_txt(b, draft);
	bst_buf_printf(
	    b, "</textarea><span class=\"hint\" id=\"f-body-hint\">%s</span></p>",
	    _("Markdown: **bold**, *italic*, lists, tables, links. Mention someone "
	      "with @ and the start of their e-mail address (@alice)."));
	/* after a refusal, the boxes ticked stay ticked */
	size_t n_checked = 0;
	const int64_t *checked = bst_page_attach_args(r, &n_checked);
	bst_page_attach_field(r, b, feed, NULL, checked, n_checked);
	bst_buf_printf(b, "<p><button type=\"submit\">%s</button></p></form></section>",
		       _("Publish"));
}

/* ---- the feed section ---- */

struct cards {
	struct bst_req *r;
	bst_buf *b;
	int64_t since;  /* mark newer ones (0: none) */
	bool show_feed; /* say which group each is in (the home feed) */
	int limit;
	int n;
	int64_t first_id, last_id;
};

static void card(void *cls, const struct bst_post *p)
{
	struct cards *c = cls;
	if (++c->n > c->limit)
		return;
	if (!c->first_id)
		c->first_id = p->row.id;
	c->last_id = p->row.id;
	bool fresh = c->since && p->row.id > c->since &&
		     p->row.author_id != bst_post_actor(&c->r->ctx);
	if (fresh)
		bst_buf_printf(
		    c->b, "<li class=\"fresh\"><span class=\"badge badge-new\">%s</span>",
		    _("New"));
	else
		bst_buf_puts(c->b, "<li>");
	bst_page_post_card(c->r, c->b, p, c->show_feed, true);
	bst_buf_puts(c->b, "</li>");
}

static int feed_section(struct bst_req *r, bst_buf *b, int64_t feed,
			const struct bst_feed_access *fa, const char *draft,
			const char *error)
{
	int64_t before = bst_page_id(bst_kv_get(&r->query, "before"));
	int64_t since = bst_page_id(bst_kv_get(&r->query, "since"));
	const char *here =
	    feed == BST_FEED_HOME
		? "/"
		: bst_arena_printf(r->arena, "/groups/%lld", (long long)feed);

	/* the publications first: the indicator needs the newest id */
	bst_buf list;
	bst_buf_init(&list);
	struct cards c = {r, &list, since, feed == BST_FEED_HOME, BST_FEED_PAGE_DEFAULT,
			  0, 0,     0};
	enum bst_post_status st = bst_feed_list(
	    &r->ctx, feed, before, BST_FEED_PAGE_DEFAULT + 1, !before, card, &c);
	if (st != BST_POST_OK) {
		bst_buf_free(&list);
		bst_page_post_error(r, st);
		return -1;
	}
	bst_buf pins;
	bst_buf_init(&pins);
	struct cards pc = {r, &pins, since, feed == BST_FEED_HOME, BST_FEED_PINS_MAX,
			   0, 0,     0};
	if (!before && bst_feed_pins(&r->ctx, feed, card, &pc) != BST_POST_OK) {
		bst_buf_free(&pins);
		bst_buf_free(&list);
		bst_page_post_error(r, BST_POST_ERROR);
		return -1;
	}

	if (!before) {
		int64_t newest = c.first_id > pc.first_id ? c.first_id : pc.first_id;
		if (since) {
			int64_t n = 0;
			bst_feed_count_new(&r->ctx, feed, since, &n);
			bst_page_notice(
			    b, "info",
			    n ? bst_arena_printf(
				    r->arena,
				    bst_i18n_ngettext(
					"%lld new publication, marked “New” below.",
					"%lld new publications, marked “New” below.",
					(unsigned long)n),
				    (long long)n)
			      : _("No new publications."));
		}
		bst_buf_printf(
		    b,
		    "<p class=\"feed-new\"><a id=\"feed-new\" href=\"%s?since=%lld\" "
		    "data-poll=\"/api/v1/feed/new?since=%lld",
		    here, (long long)newest, (long long)newest);
		if (feed != BST_FEED_HOME)
			bst_buf_printf(b, "&amp;group_id=%lld", (long long)feed);
		bst_buf_puts(b, "\" data-one=\"");
		bst_html_attr(b, _("1 new publication"));
		bst_buf_puts(b, "\" data-many=\"");
		/* TRANSLATORS: %d is a number above one; the script fills it in */
		bst_html_attr(b, _("%d new publications"));
		bst_buf_printf(b, "\">%s</a></p>", _("Check for new publications"));
	}
	if (fa->write)
		publish_form(r, b, feed, draft, error);

	if (pc.n) {
		bst_buf_printf(
		    b,
		    "<section aria-labelledby=\"h-pins\"><h2 id=\"h-pins\">%s</h2>"
		    "<ul class=\"feed\">",
		    _("Pinned"));
		bst_buf_cat(b, &pins);
		bst_buf_puts(b, "</ul></section>");
	}
	bst_buf_free(&pins);
	bst_buf_printf(b, "<section aria-labelledby=\"h-feed\"><h2 id=\"h-feed\">%s</h2>",
		       _("Publications"));
	if (c.n == 0)
		bst_buf_printf(b, "<p>%s</p>",
			       before ? _("There are no older publications.")
				      : _("Nothing has been published here yet."));
	else {
		bst_buf_puts(b, "<ul class=\"feed\">");
		bst_buf_cat(b, &list);
		bst_buf_puts(b, "</ul>");
	}
	bst_buf_free(&list);
	if (before || c.n > c.limit) {
		bst_buf_printf(b, "<nav aria-label=\"%s\"><ul class=\"pager\">",
			       _("Pages"));
		if (before)
			bst_buf_printf(b, "<li><a href=\"%s\">%s</a></li>", here,
				       _("Newest"));
		if (c.n > c.limit)
			bst_buf_printf(
			    b, "<li><a rel=\"next\" href=\"%s?before=%lld\">%s</a></li>",
			    here, (long long)c.last_id, _("Older publications"));
		bst_buf_puts(b, "</ul></nav>");
	}
	bst_buf_puts(b, "</section>");
	return 0;
}

struct feed_section_args {
	struct bst_req *r;
	bst_buf *b;
	int64_t feed;
	const struct bst_feed_access *fa;
	const char *draft, *error;
	int rc;
};

static void feed_section_read(void *cls)
{
	struct feed_section_args *a = cls;
	a->rc = feed_section(a->r, a->b, a->feed, a->fa, a->draft, a->error);
}

/* The section's twenty-odd queries read one snapshot of the platform. */
int bst_page_feed_section(struct bst_req *r, bst_buf *b, int64_t feed,
			  const struct bst_feed_access *fa, const char *draft,
			  const char *error)
{
	struct feed_section_args a = {r, b, feed, fa, draft, error, -1};
	bst_platform_read(r->ctx.platform, feed_section_read, &a);
	return a.rc;
}

/* ---- POST /posts ---- */

void bst_page_publish(struct bst_req *r)
{
	const char *g = bst_req_arg(r, "group_id");
	const char *body = bst_req_arg(r, "body");
	int64_t group_id = bst_page_id(g);
	if (g && g[0] && strcmp(g, "0") != 0 && !group_id) {
		bst_page_post_error(r, BST_POST_GROUP_NOT_FOUND);
		return;
	}
	size_t n = 0;
	const int64_t *attachments = bst_page_attach_args(r, &n);
	int64_t id = 0;
	enum bst_post_status st = bst_post_create_with(
	    &r->ctx, group_id, body ? body : "", attachments, n, &id);
	switch (st) {
	case BST_POST_OK:
		bst_reply_redirect(
		    r, group_id
			   ? bst_arena_printf(r->arena, "/groups/%lld#post-%lld",
					      (long long)group_id, (long long)id)
			   : bst_arena_printf(r->arena, "/#post-%lld", (long long)id));
		return;
	case BST_POST_EMPTY:
	case BST_POST_TOO_LARGE:
	case BST_POST_TOO_DEEP:
	case BST_POST_TOO_COMPLEX:
	case BST_POST_ATTACHMENT_NOT_FOUND:
	case BST_POST_ATTACHMENT_ELSEWHERE:
	case BST_POST_TOO_MANY_ATTACHMENTS:
	case BST_POST_ATTACHMENTS_OFF:
		if (group_id)
			bst_page_group_render(r, group_id, bst_post_http_status(st), body,
					      _(bst_post_text(st)));
		else
			bst_page_home_render(r, bst_post_http_status(st), body,
					     _(bst_post_text(st)));
		return;
	default:
		bst_page_post_error(r, st);
		return;
	}
}
