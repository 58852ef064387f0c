/* User Markdown through cmark-gfm (see markdown.h): a cheap scan that
 * refuses what would make the parser work too hard, the parse, one walk
 * of the tree that measures it (depth, cells, link bytes) and applies the
 * link, image and heading policy, then rendering in safe mode with the
 * site's table markup. */
#include "core/markdown.h"
#include "core/html.h"
#include "core/i18n.h"

#include <assert.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Parsing and rendering options: CMARK_OPT_SAFE is the default of this
 * cmark-gfm (raw HTML omitted, unsafe addresses emptied) and is kept
 * explicit; CMARK_OPT_UNSAFE must never appear here. Invalid UTF-8 becomes
 * U+FFFD. */
#define MD_OPTIONS (CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8)

/* Headings start at <h3>: a page has its <h1> and <h2> sections. */
#define HEADING_SHIFT 2

static pthread_once_t registered = PTHREAD_ONCE_INIT;
static cmark_syntax_extension *extensions[3];

static void register_extensions(void)
{
	static const char *const names[] = {"table", "strikethrough", "autolink"};
	cmark_gfm_core_extensions_ensure_registered();
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		extensions[i] = cmark_find_syntax_extension(names[i]);
		assert(extensions[i]);
	}
}

const char *bst_markdown_code(enum bst_markdown_status s)
{
	switch (s) {
	case BST_MARKDOWN_OK:
		return "ok";
	case BST_MARKDOWN_EMPTY:
		return "text_empty";
	case BST_MARKDOWN_TOO_LARGE:
		return "text_too_large";
	case BST_MARKDOWN_TOO_DEEP:
		return "text_too_deep";
	case BST_MARKDOWN_TOO_COMPLEX:
		return "text_too_complex";
	case BST_MARKDOWN_ERROR:
		return "internal";
	}
	return "internal";
}

const char *bst_markdown_text(enum bst_markdown_status s)
{
	switch (s) {
	case BST_MARKDOWN_OK:
		return N_("The text is fine.");
	case BST_MARKDOWN_EMPTY:
		return N_("Write something first: the text is empty.");
	case BST_MARKDOWN_TOO_LARGE:
		return N_("The text is too long.");
	case BST_MARKDOWN_TOO_DEEP:
		return N_("The text nests too deeply (lists, quotes or emphasis within "
			  "one another).");
	case BST_MARKDOWN_TOO_COMPLEX:
		return N_("The text is too complex to display: too many table cells or "
			  "columns, "
			  "brackets, @ signs or links.");
	case BST_MARKDOWN_ERROR:
		return N_("Something went wrong on our side.");
	}
	return N_("Something went wrong on our side.");
}

/* ---- the scan before parsing ---- */

static bool blank_line(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

/* Could this line be a table's delimiter row ("| --- | :-: |"), perhaps
 * behind list or quote markers? Then the number of its "|" plus one bounds
 * the table's columns. */
static bool delimiter_like(const char *s, const char *end, size_t *pipes)
{
	bool dash = false;
	*pipes = 0;
	for (; s < end; s++) {
		switch (*s) {
		case '|':
			(*pipes)++;
			break;
		case '-':
			dash = true;
			break;
		case ':':
		case ' ':
		case '\t':
		case '\r':
		case '>':
		case '*':
		case '+':
		case '.':
		case ')':
			break;
		default:
			if (*s < '0' || *s > '9')
				return false;
		}
	}
	return dash && *pipes > 0;
}

/* The limits that must hold before cmark-gfm sees the text: its cost
 * grows faster than its size in these constructions. The cell count is an
 * upper bound: a table ends at the latest at a blank line, and each row
 * has at most as many cells as the delimiter row has columns. */
static enum bst_markdown_status prescan(const char *md, size_t len, size_t max)
{
	if (len > max)
		return BST_MARKDOWN_TOO_LARGE;
	size_t brackets = 0, at = 0, cells = 0;
	bool empty = true;
	const char *end = md + len;
	const char *line = md;
	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		size_t pipes = 0;
		for (const char *p = line; p < eol; p++) {
			switch (*p) {
			case ' ':
			case '\t':
			case '\r':
				continue;
			case '|':
				pipes++;
				break;
			case '[':
				brackets++;
				break;
			case '@':
				at++;
				break;
			}
			empty = false;
		}
		if (pipes > BST_MARKDOWN_MAX_TABLE_COLUMNS ||
		    brackets > BST_MARKDOWN_MAX_BRACKETS || at > BST_MARKDOWN_MAX_AT)
			return BST_MARKDOWN_TOO_COMPLEX;
		size_t cols;
		if (delimiter_like(line, eol, &cols)) {
			size_t rows = 1; /* the header row */
			const char *next = eol < end ? eol + 1 : end;
			while (next < end) {
				const char *e = memchr(next, '\n', (size_t)(end - next));
				if (!e)
					e = end;
				if (blank_line(next, e))
					break;
				rows++;
				next = e < end ? e + 1 : end;
				if ((cols + 1) * rows > BST_MARKDOWN_MAX_TABLE_CELLS)
					break;
			}
			cells += (cols + 1) * rows;
			if (cells > BST_MARKDOWN_MAX_TABLE_CELLS)
				return BST_MARKDOWN_TOO_COMPLEX;
		}
		line = eol < end ? eol + 1 : end;
	}
	return empty ? BST_MARKDOWN_EMPTY : BST_MARKDOWN_OK;
}

/* ---- the tree ---- */

struct doc {
	cmark_parser *parser;
	cmark_node *root;
	cmark_node **fix; /* nodes to unwrap or to shift (headings) */
	size_t n_fix, cap_fix;
};

static void doc_free(struct doc *d)
{
	if (d->root)
		cmark_node_free(d->root);
	if (d->parser)
		cmark_parser_free(d->parser);
	free(d->fix);
	memset(d, 0, sizeof *d);
}

static bool remember(struct doc *d, cmark_node *n)
{
	if (d->n_fix == d->cap_fix) {
		size_t cap = d->cap_fix ? 2 * d->cap_fix : 32;
		cmark_node **v = realloc(d->fix, cap * sizeof *v);
		if (!v)
			return false;
		d->fix = v;
		d->cap_fix = cap;
	}
	d->fix[d->n_fix++] = n;
	return true;
}

/* The scheme of url in lower case into out ("" when there is none: a
 * relative address). false when the address is malformed: white space or
 * control characters anywhere, or a ':' after something that is not a
 * scheme (browsers drop tabs and newlines, so "jav\tascript:" must not
 * pass for relative). */
static bool url_scheme(const char *url, char *out, size_t n)
{
	out[0] = '\0';
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7F)
			return false;
	size_t i = 0;
	for (; url[i] && url[i] != ':' && url[i] != '/' && url[i] != '?' && url[i] != '#';
	     i++)
		;
	if (url[i] != ':')
		return true; /* relative */
	if (i == 0 || i >= n)
		return false;
	for (size_t k = 0; k < i; k++) {
		char c = url[k];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (k > 0 &&
			   ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
		if (!ok)
			return false;
		out[k] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[i] = '\0';
	return true;
}

static bool link_allowed(const char *url)
{
	char scheme[16];
	if (!url || !url_scheme(url, scheme, sizeof scheme))
		return false;
	return !scheme[0] || strcmp(scheme, "http") == 0 ||
	       strcmp(scheme, "https") == 0 || strcmp(scheme, "mailto") == 0;
}

static bool image_allowed(const char *url)
{
	static const char *const data[] = {"data:image/png", "data:image/gif",
					   "data:image/jpeg", "data:image/webp"};
	char scheme[16];
	if (!url || !url_scheme(url, scheme, sizeof scheme))
		return false;
	if (!scheme[0])
		return url[0] == '/' && url[1] != '/'; /* this site only */
	for (size_t i = 0; i < sizeof data / sizeof *data; i++) {
		size_t k = strlen(data[i]);
		if (strncasecmp(url, data[i], k) == 0 && (url[k] == ';' || url[k] == ','))
			return true;
	}
	return false;
}

/* Depth of n below the document, counting at most limit + 1 levels. */
static int depth_of(cmark_node *n, int limit)
{
	int d = 0;
	for (cmark_node *p = cmark_node_parent(n); p && d <= limit;
	     p = cmark_node_parent(p))
		d++;
	return d;
}

/* Parses md and walks the tree once: limits, then the policy. */
static enum bst_markdown_status load(struct doc *d, const char *md, size_t max)
{
	memset(d, 0, sizeof *d);
	size_t len = strlen(md);
	enum bst_markdown_status st = prescan(md, len, max);
	if (st != BST_MARKDOWN_OK)
		return st;
	pthread_once(&registered, register_extensions);
	d->parser = cmark_parser_new(MD_OPTIONS);
	if (!d->parser)
		return BST_MARKDOWN_ERROR;
	for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++)
		cmark_parser_attach_syntax_extension(d->parser, extensions[i]);
	cmark_parser_feed(d->parser, md, len);
	d->root = cmark_parser_finish(d->parser);
	if (!d->root)
		return BST_MARKDOWN_ERROR;

	size_t cells = 0, link_bytes = 0;
	cmark_iter *it = cmark_iter_new(d->root);
	if (!it)
		return BST_MARKDOWN_ERROR;
	cmark_event_type ev;
	while (st == BST_MARKDOWN_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *n = cmark_iter_get_node(it);
		if (depth_of(n, BST_MARKDOWN_MAX_DEPTH) > BST_MARKDOWN_MAX_DEPTH) {
			st = BST_MARKDOWN_TOO_DEEP;
			break;
		}
		const char *url, *title;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			url = cmark_node_get_url(n);
			title = cmark_node_get_title(n);
			link_bytes +=
			    (url ? strlen(url) : 0) + (title ? strlen(title) : 0);
			if (link_bytes > BST_MARKDOWN_MAX_LINK_BYTES)
				st = BST_MARKDOWN_TOO_COMPLEX;
			else if (!(cmark_node_get_type(n) == CMARK_NODE_LINK
				       ? link_allowed(url)
				       : image_allowed(url)) &&
				 !remember(d, n))
				st = BST_MARKDOWN_ERROR;
			break;
		case CMARK_NODE_HEADING:
			if (!remember(d, n))
				st = BST_MARKDOWN_ERROR;
			break;
		default:
			if (strcmp(cmark_node_get_type_string(n), "table_cell") == 0 &&
			    ++cells > BST_MARKDOWN_MAX_TABLE_CELLS)
				st = BST_MARKDOWN_TOO_COMPLEX;
			break;
		}
	}
	cmark_iter_free(it);
	if (st != BST_MARKDOWN_OK)
		return st;

	/* The policy, now that no iterator holds the tree. A link or image
	 * that may not stay gives way to its content (an image's content is
	 * its alternative text). */
	for (size_t i = 0; i < d->n_fix; i++) {
		cmark_node *n = d->fix[i];
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(n) + HEADING_SHIFT;
			cmark_node_set_heading_level(n, level > 6 ? 6 : level);
			continue;
		}
		cmark_node *c;
		while ((c = cmark_node_first_child(n)))
			cmark_node_insert_before(n, c);
		cmark_node_unlink(n);
		cmark_node_free(n);
	}
	cmark_consolidate_text_nodes(d->root);
	return BST_MARKDOWN_OK;
}

enum bst_markdown_status bst_markdown_check(const char *md, size_t max_bytes)
{
	struct doc d;
	enum bst_markdown_status st =
	    load(&d, md ? md : "", max_bytes ? max_bytes : BST_MARKDOWN_MAX_INPUT);
	doc_free(&d);
	return st;
}

/* ---- mentions ---- */

static bool handle_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' || c == '-';
}

/* The next @handle in s at or after *pos: its start (the '@') and length
 * (with the '@'), the lower-cased handle in out. false when none. A handle
 * starts after a character that cannot end a word of an address, is one or
 * more of [A-Za-z0-9._+-] without trailing dots, and is not followed by
 * another '@' (that is an address, not a mention). */
static bool next_handle(const char *s, size_t *pos, size_t *start, size_t *len,
			char out[BST_MARKDOWN_HANDLE_MAX + 1])
{
	for (size_t i = *pos; s[i]; i++) {
		if (s[i] != '@' || (i > 0 && (handle_char(s[i - 1]) || s[i - 1] == '@')))
			continue;
		size_t k = i + 1;
		while (handle_char(s[k]))
			k++;
		size_t end = k;
		while (end > i + 1 && s[end - 1] == '.')
			end--;
		*pos = k;
		size_t n = end - (i + 1);
		if (n == 0 || n > BST_MARKDOWN_HANDLE_MAX || s[k] == '@') {
			i = k - 1;
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			char c = s[i + 1 + j];
			out[j] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		out[n] = '\0';
		*start = i;
		*len = end - i;
		*pos = end;
		return true;
	}
	return false;
}

/* Text nodes outside links and images (code is never a text node). */
static bool collect_texts(struct doc *d)
{
	d->n_fix = 0;
	cmark_iter *it = cmark_iter_new(d->root);
	if (!it)
		return false;
	bool ok = true;
	cmark_event_type ev;
	while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_TEXT)
			continue;
		bool in_link = false;
		for (cmark_node *p = cmark_node_parent(n); p && !in_link;
		     p = cmark_node_parent(p))
			in_link = cmark_node_get_type(p) == CMARK_NODE_LINK ||
				  cmark_node_get_type(p) == CMARK_NODE_IMAGE;
		if (!in_link)
			ok = remember(d, n);
	}
	cmark_iter_free(it);
	return ok;
}

int bst_markdown_mentions(const char *md, void (*fn)(void *cls, const char *handle),
			  void *cls)
{
	struct doc d;
	enum bst_markdown_status st = load(&d, md ? md : "", BST_MARKDOWN_MAX_INPUT);
	int rc = 0;
	if (st == BST_MARKDOWN_ERROR || (st == BST_MARKDOWN_OK && !collect_texts(&d)))
		rc = -1;
	else if (st == BST_MARKDOWN_OK)
		for (size_t i = 0; i < d.n_fix; i++) {
			const char *s = cmark_node_get_literal(d.fix[i]);
			char h[BST_MARKDOWN_HANDLE_MAX + 1];
			size_t pos = 0, start, len;
			while (s && next_handle(s, &pos, &start, &len, h))
				fn(cls, h);
		}
	doc_free(&d);
	return rc;
}

/* A text node holding s[0..n), inserted before anchor. */
static bool text_before(cmark_node *anchor, const char *s, size_t n)
{
	if (n == 0)
		return true;
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	char *copy = strndup(s, n);
	bool ok = t && copy && cmark_node_set_literal(t, copy) &&
		  cmark_node_insert_before(anchor, t);
	free(copy);
	if (!ok && t)
		cmark_node_free(t);
	return ok;
}

/* Splits each text node around the mentions that resolve, making links. */
static bool link_mentions(struct doc *d, bst_markdown_mention_fn mention, void *cls)
{
	if (!collect_texts(d))
		return false;
	for (size_t i = 0; i < d->n_fix; i++) {
		cmark_node *node = d->fix[i];
		const char *lit = cmark_node_get_literal(node);
		if (!lit || !strchr(lit, '@'))
			continue;
		char *s = strdup(lit);
		if (!s)
			return false;
		char h[BST_MARKDOWN_HANDLE_MAX + 1], href[256];
		size_t pos = 0, start, len, done = 0;
		bool ok = true, changed = false;
		while (ok && next_handle(s, &pos, &start, &len, h)) {
			if (!mention(cls, h, href, sizeof href))
				continue;
			cmark_node *a = cmark_node_new(CMARK_NODE_LINK);
			ok = a && cmark_node_set_url(a, href) &&
			     text_before(node, s + done, start - done) &&
			     cmark_node_insert_before(node, a);
			if (!ok) {
				if (a)
					cmark_node_free(a);
				break;
			}
			cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
			char *label = strndup(s + start, len);
			ok = t && label && cmark_node_set_literal(t, label) &&
			     cmark_node_append_child(a, t);
			if (!ok && t)
				cmark_node_free(t);
			free(label);
			done = start + len;
			changed = true;
		}
		if (ok && changed) {
			ok = cmark_node_set_literal(node, s + done);
			if (ok && !s[done]) {
				cmark_node_unlink(node);
				cmark_node_free(node);
			}
		}
		free(s);
		if (!ok)
			return false;
	}
	return true;
}

/* ---- rendering ---- */

/* Text beyond the limits: escaped, as it was written, cut at the size
 * limit on a character boundary. */
static void render_plain(const char *md, bst_buf *out)
{
	size_t len = strlen(md);
	bool cut = len > BST_MARKDOWN_MAX_INPUT;
	if (cut) {
		len = BST_MARKDOWN_MAX_INPUT;
		while (len > 0 && ((unsigned char)md[len] & 0xC0) == 0x80)
			len--;
	}
	char *copy = strndup(md, len);
	bst_buf_puts(out, "<pre class=\"md-plain\">");
	if (copy)
		bst_html_txt(out, copy);
	else
		out->oom = true;
	bst_buf_puts(out, cut ? "…</pre>" : "</pre>");
	free(copy);
}

/* Copies cmark's HTML with the site's table markup. The tags matched here
 * can only come from the renderer: in safe mode every '<' of the text is
 * escaped or its raw HTML omitted. Alignment becomes a class (the CSP
 * forbids style attributes; align is obsolete). */
static void put_html(const char *html, bst_buf *out)
{
	static const struct {
		const char *from, *to;
	} subst[] = {
	    {"<th>", "<th scope=\"col\">"},
	    {"<th align=\"left\">", "<th scope=\"col\" class=\"md-left\">"},
	    {"<th align=\"center\">", "<th scope=\"col\" class=\"md-center\">"},
	    {"<th align=\"right\">", "<th scope=\"col\" class=\"md-right\">"},
	    {"<td align=\"left\">", "<td class=\"md-left\">"},
	    {"<td align=\"center\">", "<td class=\"md-center\">"},
	    {"<td align=\"right\">", "<td class=\"md-right\">"},
	    {"</table>", "</table></div>"},
	};
	const char *run = html;
	for (const char *p = html; (p = strchr(p, '<'));) {
		if (strncmp(p, "<table>", 7) == 0) {
			bst_buf_append(out, run, (size_t)(p - run));
			bst_buf_puts(
			    out,
			    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" "
			    "aria-label=\"");
			bst_html_attr(out, _("Table"));
			bst_buf_puts(out, "\"><table>");
			p += 7;
			run = p;
			continue;
		}
		bool hit = false;
		for (size_t i = 0; i < sizeof subst / sizeof *subst && !hit; i++) {
			size_t k = strlen(subst[i].from);
			if (strncmp(p, subst[i].from, k) == 0) {
				bst_buf_append(out, run, (size_t)(p - run));
				bst_buf_puts(out, subst[i].to);
				p += k;
				run = p;
				hit = true;
			}
		}
		if (!hit)
			p++;
	}
	bst_buf_puts(out, run);
}

int bst_markdown_render_mentions(const char *md, bst_buf *out,
				 bst_markdown_mention_fn mention, void *cls)
{
	if (!md)
		md = "";
	struct doc d;
	enum bst_markdown_status st = load(&d, md, BST_MARKDOWN_MAX_INPUT);
	int rc = 0;
	switch (st) {
	case BST_MARKDOWN_OK: {
		if (mention && !link_mentions(&d, mention, cls)) {
			rc = -1;
			break;
		}
		char *html = cmark_render_html(
		    d.root, MD_OPTIONS, cmark_parser_get_syntax_extensions(d.parser));
		if (!html) {
			rc = -1;
			break;
		}
		put_html(html, out);
		free(html);
		break;
	}
	case BST_MARKDOWN_EMPTY:
		break;
	case BST_MARKDOWN_TOO_LARGE:
	case BST_MARKDOWN_TOO_DEEP:
	case BST_MARKDOWN_TOO_COMPLEX:
		render_plain(md, out);
		break;
	case BST_MARKDOWN_ERROR:
		rc = -1;
		break;
	}
	doc_free(&d);
	return rc == 0 && !out->oom ? 0 : -1;
}

int bst_markdown_render(const char *md, bst_buf *out)
{
	return bst_markdown_render_mentions(md, out, NULL, NULL);
}
