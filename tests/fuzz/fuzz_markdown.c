/* libFuzzer target: the Markdown module on arbitrary bytes. Checks that a
 * text is either refused by bst_markdown_check or rendered, that rendering
 * never fails, and that the HTML only holds the tags and attributes the
 * policy allows: no raw HTML, no event handlers, no address with a scheme
 * other than http, https, mailto (links) or data:image/... (images). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const allowed_tags[] = {
    "p",     "em",    "strong", "a",  "img", "code", "pre", "blockquote", "ul",
    "ol",    "li",    "h3",     "h4", "h5",  "h6",   "hr",  "br",         "table",
    "thead", "tbody", "tr",     "th", "td",  "del",  "div",
};

static int tag_allowed(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof allowed_tags / sizeof *allowed_tags; i++)
		if (strlen(allowed_tags[i]) == n &&
		    strncmp(allowed_tags[i], name, n) == 0)
			return 1;
	return 0;
}

/* Is the address value at v (up to the closing quote) allowed? */
static int address_allowed(const char *v, int image)
{
	size_t i = 0;
	while (v[i] && v[i] != '"' && v[i] != ':' && v[i] != '/' && v[i] != '?' &&
	       v[i] != '#')
		i++;
	if (v[i] != ':')
		return 1; /* relative */
	if (image)
		return strncasecmp(v, "data:image/", 11) == 0;
	return (i == 4 && strncasecmp(v, "http", 4) == 0) ||
	       (i == 5 && strncasecmp(v, "https", 5) == 0) ||
	       (i == 6 && strncasecmp(v, "mailto", 6) == 0);
}

static void check_html(const char *h)
{
	for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		if (strncmp(p, "<!-- raw HTML omitted -->", 25) == 0)
			continue;
		const char *name = p + 1 + (p[1] == '/');
		size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (!tag_allowed(name, n))
			abort();
		const char *end = strchr(p, '>');
		if (!end)
			abort();
		int image = n == 3 && strncmp(name, "img", 3) == 0;
		/* attributes: name="value" (cmark quotes every value and escapes
		 * quotes inside), or a lone "/" */
		const char *a = name + n;
		for (;;) {
			a += strspn(a, " ");
			if (*a == '>' || (a[0] == '/' && a[1] == '>'))
				break;
			size_t k = strspn(a, "abcdefghijklmnopqrstuvwxyz-");
			if (k == 0 || a[k] != '=' || a[k + 1] != '"')
				abort();
			const char *v = a + k + 2;
			const char *q = strchr(v, '"');
			if (!q || q > end)
				abort();
			if (strncmp(a, "on", 2) == 0 || strncmp(a, "style=", 6) == 0)
				abort();
			if (strncmp(a, "href=", 5) == 0 && !address_allowed(v, 0))
				abort();
			if (strncmp(a, "src=", 4) == 0 && !address_allowed(v, image))
				abort();
			a = q + 1;
		}
	}
}

static void count(void *cls, const char *handle)
{
	size_t n = strlen(handle);
	if (n == 0 || n > BST_MARKDOWN_HANDLE_MAX)
		abort();
	(*(size_t *)cls)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > BST_MARKDOWN_MAX_INPUT + 16)
		return 0;
	char *md = malloc(size + 1);
	if (!md)
		return 0;
	memcpy(md, data, size);
	md[size] = '\0'; /* a C string ends at the first NUL, as a stored text */
	enum bst_markdown_status st = bst_markdown_check(md, 0);
	bst_buf b;
	bst_buf_init(&b);
	if (bst_markdown_render(md, &b) != 0)
		abort();
	const char *h = bst_buf_str(&b);
	if (st == BST_MARKDOWN_OK)
		check_html(h);
	else if (st == BST_MARKDOWN_EMPTY
		     ? b.len != 0
		     : strncmp(h, "<pre class=\"md-plain\">", 22) != 0)
		abort();
	size_t mentions = 0;
	if (bst_markdown_mentions(md, count, &mentions) != 0 ||
	    (st != BST_MARKDOWN_OK && mentions != 0))
		abort();
	bst_buf_free(&b);
	free(md);
	return 0;
}
