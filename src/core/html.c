/* HTML escaping helpers (see html.h). */
#include "core/html.h"

#include <string.h>

static void escape(bst_buf *b, const char *s, const char *specials)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		if (!strchr(specials, *s))
			continue;
		bst_buf_append(b, run, (size_t)(s - run));
		switch (*s) {
		case '&': bst_buf_puts(b, "&amp;"); break;
		case '<': bst_buf_puts(b, "&lt;"); break;
		case '>': bst_buf_puts(b, "&gt;"); break;
		case '"': bst_buf_puts(b, "&quot;"); break;
		case '\'': bst_buf_puts(b, "&#39;"); break;
		}
		run = s + 1;
	}
	bst_buf_append(b, run, (size_t)(s - run));
}

void bst_html_txt(bst_buf *b, const char *s)
{
	escape(b, s, "&<>");
}

void bst_html_attr(bst_buf *b, const char *s)
{
	escape(b, s, "&<>\"'");
}

void bst_html_url_arg(bst_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			bst_buf_putc(b, (char)c);
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
			bst_buf_append(b, enc, 3);
		}
	}
}
