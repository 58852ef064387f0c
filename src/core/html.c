/* HTML escaping helpers (see html.h). */
#include "core/html.h"

#include <string.h>

static void escape(bst_buf *b, const char *s, const char *specials)
{
	if (!s)
		return;
	for (;;) {
		size_t run = strcspn(s, specials);
		bst_buf_append(b, s, run);
		s += run;
		switch (*s) {
		case '\0': return;
		case '&': bst_buf_append(b, "&amp;", 5); break;
		case '<': bst_buf_append(b, "&lt;", 4); break;
		case '>': bst_buf_append(b, "&gt;", 4); break;
		case '"': bst_buf_append(b, "&quot;", 6); break;
		case '\'': bst_buf_append(b, "&#39;", 5); break;
		}
		s++;
	}
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
