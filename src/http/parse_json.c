/* JSON request bodies (see parse.h): jansson does the parsing, with
 * duplicate keys refused and its end-of-input check on (trailing garbage is
 * an error); we add the nesting limit, checked on the raw text before
 * jansson builds anything, and the rule that the top level is an object.
 * Error sentences carry line and column and are plain printable ASCII,
 * whatever bytes the client sent. No shared state. */
#include "http/parse.h"

#include <stdarg.h>
#include <stdio.h>

/* Line and column (1-based, column in characters) of body[pos]. */
static void position(const char *body, size_t pos, int *line, int *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < pos; i++) {
		unsigned char c = (unsigned char)body[i];
		if (c == '\n') {
			++*line;
			*column = 1;
		} else if ((c & 0xC0) != 0x80) {
			++*column;
		}
	}
}

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen,
                                                          const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* jansson quotes the offending token: keep the client's bytes out */
	for (char *p = err; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7E)
			*p = '?';
	}
}

/* Offset of the bracket that opens level BST_PARSE_MAX_JSON_DEPTH + 1, or
 * len when the text never nests that deep. Only strings need care: a
 * bracket inside one does not count. */
static size_t too_deep_at(const char *body, size_t len)
{
	int depth = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = body[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > BST_PARSE_MAX_JSON_DEPTH)
				return i;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return len;
}

int bst_parse_json(const char *body, size_t len, json_t **out, char *err, size_t errlen)
{
	json_error_t je;
	int line, column;

	*out = NULL;
	set_err(err, errlen, "%s", "");
	if (!body) {
		body = "";
		len = 0;
	}

	size_t deep = too_deep_at(body, len);
	if (deep < len) {
		position(body, deep, &line, &column);
		set_err(
		    err, errlen,
		    "invalid JSON at line %d, column %d: nested deeper than %d levels",
		    line, column, BST_PARSE_MAX_JSON_DEPTH);
		return BST_PARSE_MALFORMED;
	}

	json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		set_err(err, errlen, "invalid JSON at line %d, column %d: %s", je.line,
		        je.column, je.text);
		return BST_PARSE_MALFORMED;
	}
	if (!json_is_object(v)) {
		size_t start = 0;
		while (start < len && (body[start] == ' ' || body[start] == '\t' ||
		                       body[start] == '\r' || body[start] == '\n'))
			start++;
		position(body, start, &line, &column);
		set_err(err, errlen,
		        "invalid JSON at line %d, column %d: the body must be an object",
		        line, column);
		json_decref(v);
		return BST_PARSE_MALFORMED;
	}
	*out = v;
	return BST_PARSE_OK;
}
