/* HTML output with escaping chosen per context at the moment of output
 * (after cgit's html_txt / html_attr / html_url_arg). Every byte of user
 * data reaches a page through one of these. Not thread-safe per buffer. */
#ifndef BST_CORE_HTML_H
#define BST_CORE_HTML_H
#include "core/buf.h"

/* NULL strings write nothing. */
/* Text content: escapes & < > */
void bst_html_txt(bst_buf *b, const char *s);
/* Attribute value (always quoted by the caller with "): escapes & < > " ' */
void bst_html_attr(bst_buf *b, const char *s);
/* One URL query argument or path segment: percent-encodes everything but
 * unreserved characters (RFC 3986 §2.3). */
void bst_html_url_arg(bst_buf *b, const char *s);
/* printf into the page; every %s argument must already be safe HTML. */
#define bst_html_raw bst_buf_printf

#endif
