/* User Markdown to safe HTML: the one module that talks to cmark-gfm
 * (CommonMark with the GitHub table, strikethrough and autolink
 * extensions). Owns the safety policy for people's text:
 *  - no raw HTML (cmark-gfm's safe mode replaces it by a comment);
 *  - links only to http:, https:, mailto: or relative addresses; any other
 *    link (javascript:, vbscript:, file:, data:, ...) keeps its text and
 *    loses its address;
 *  - images only from this site ("/...") or inline data:image/png, gif,
 *    jpeg or webp (cmark-gfm's own safe-mode list; the page's CSP allows
 *    img-src 'self' data: and nothing else, so a remote image could not
 *    load anyway and would tell a third party who reads); any other image
 *    is replaced by its alternative text;
 *  - headings are shifted two levels down (# gives <h3>) so that a text
 *    never adds a second <h1> to a page or breaks its outline;
 *  - tables come wrapped in a focusable, labelled scrolling region with
 *    <th scope="col">, as every table of the site.
 * It also bounds the work a text can cause ("Markdown bombs"): size, depth
 * of nesting, table cells and columns, brackets, "@" signs (each costs the
 * autolinker a scan), and the bytes of link addresses once reference links
 * are expanded. The limits were set by measuring cmark-gfm 0.29.0.gfm.6:
 * within them the worst inputs found parse and render in tens of
 * milliseconds; beyond them some constructions go quadratic (a table row
 * of 60,000 "|" takes seconds) or explode (one long reference used
 * thousands of times renders to hundreds of megabytes).
 * Services check a text with bst_markdown_check before storing it; the
 * renderers never fail on a bad text: beyond the limits they show it as
 * escaped plain text. Thread-safe. */
#ifndef BST_CORE_MARKDOWN_H
#define BST_CORE_MARKDOWN_H
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Bytes of Markdown in one text (a publication or comment). */
#define BST_MARKDOWN_MAX_INPUT (64 * 1024)
/* Levels of block and inline nesting (a list item in a list counts two). */
#define BST_MARKDOWN_MAX_DEPTH 32
/* Cells of all the tables of one text, and "|" on one line (a table row
 * with many more is quadratic to parse in cmark-gfm 0.29.0.gfm.6). */
#define BST_MARKDOWN_MAX_TABLE_CELLS   5000
#define BST_MARKDOWN_MAX_TABLE_COLUMNS 128
/* "[" in one text (nested image brackets are quadratic to match). */
#define BST_MARKDOWN_MAX_BRACKETS 4096
/* "@" in one text (each makes the e-mail autolinker scan its word). */
#define BST_MARKDOWN_MAX_AT 2048
/* Bytes of link and image addresses and titles once reference links are
 * expanded: twice what a text could hold inline. */
#define BST_MARKDOWN_MAX_LINK_BYTES (2 * BST_MARKDOWN_MAX_INPUT)
/* Bytes of a mention's handle (an e-mail local part, RFC 5321 §4.5.3.1.1). */
#define BST_MARKDOWN_HANDLE_MAX 64

enum bst_markdown_status {
	BST_MARKDOWN_OK = 0,
	BST_MARKDOWN_EMPTY,       /* nothing but white space */
	BST_MARKDOWN_TOO_LARGE,   /* more than max_bytes */
	BST_MARKDOWN_TOO_DEEP,    /* nesting beyond BST_MARKDOWN_MAX_DEPTH */
	BST_MARKDOWN_TOO_COMPLEX, /* table, bracket, "@" or link-address limits */
	BST_MARKDOWN_ERROR,       /* out of memory */
};

/* Would md (max_bytes at most; 0 means BST_MARKDOWN_MAX_INPUT) be
 * accepted? A stable code and an English msgid for people: */
enum bst_markdown_status bst_markdown_check(const char *md, size_t max_bytes);
const char *bst_markdown_code(enum bst_markdown_status s);
const char *bst_markdown_text(enum bst_markdown_status s);

/* Appends the safe HTML of md to out. A text beyond the limits is shown
 * as escaped plain text (<pre class="md-plain">) instead. Returns 0, or -1
 * when memory ran out (out may hold part of the text). */
int bst_markdown_render(const char *md, bst_buf *out);

/* A mention's link: writes the address for handle (lower-case, without
 * the "@") into href (size n) and returns true, or returns false to leave
 * the text as it is. */
typedef bool (*bst_markdown_mention_fn)(void *cls, const char *handle, char *href,
					size_t n);

/* As bst_markdown_render, and each @handle that mention() resolves becomes
 * a link to the address it gives. */
int bst_markdown_render_mentions(const char *md, bst_buf *out,
				 bst_markdown_mention_fn mention, void *cls);

/* Calls fn for each @handle of md outside code spans, code blocks, links
 * and images, in order, duplicates included; handle is lower-case, without
 * the "@", at most BST_MARKDOWN_HANDLE_MAX bytes. A text beyond the limits
 * mentions nobody. Returns 0, or -1 when memory ran out. */
int bst_markdown_mentions(const char *md, void (*fn)(void *cls, const char *handle),
			  void *cls);

#endif
