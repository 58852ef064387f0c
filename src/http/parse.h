/* Parsers for untrusted request input: query strings and urlencoded forms,
 * Cookie headers, multipart/form-data (streaming), JSON bodies.
 * They are strict: malformed input is refused with BST_PARSE_MALFORMED (the
 * transport answers 400), never half-accepted; limits give
 * BST_PARSE_TOO_LARGE (413). Decoded keys and values are valid UTF-8 without
 * NUL bytes. Results live in the caller's arena. Every parser here has a
 * libFuzzer target in tests/fuzz/. Thread-safe (no shared state). */
#ifndef BST_HTTP_PARSE_H
#define BST_HTTP_PARSE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

enum bst_parse_status {
	BST_PARSE_OK = 0,
	BST_PARSE_MALFORMED = -1,
	BST_PARSE_TOO_LARGE = -2,
};

/* Limits: a request carrying more fields than this is not a form a person
 * filled in; refusing it bounds the work per request (hash-flooding, CPU). */
#define BST_PARSE_MAX_FIELDS 256
#define BST_PARSE_MAX_COOKIES 64
#define BST_PARSE_MAX_JSON_DEPTH 32

typedef struct bst_kv {
	const char *key;
	const char *value;
	size_t value_len;
} bst_kv;

typedef struct bst_kvlist {
	bst_kv *items;
	size_t n;
} bst_kvlist;

/* First value for key, or NULL. */
const char *bst_kv_get(const bst_kvlist *l, const char *key);

/* Query strings and application/x-www-form-urlencoded bodies: '&'-separated
 * pairs, '+' is a space, %XX escapes; a pair without '=' has value "".
 * Malformed: bad %-escape, %00, invalid UTF-8 after decoding, empty key. */
int bst_parse_urlencoded(bst_arena *a, const char *s, size_t len, bst_kvlist *out);

/* Cookie request header (RFC 6265 §4.2.1): "a=b; c=d". Values may be
 * double-quoted. Malformed: control characters, empty name, bad syntax.
 * When a name repeats, the first value wins (bst_kv_get). */
int bst_parse_cookies(bst_arena *a, const char *header, size_t len, bst_kvlist *out);

/* The boundary parameter of a multipart/form-data Content-Type.
 * Returns 0, or BST_PARSE_MALFORMED. out holds at most 70 chars + NUL. */
int bst_multipart_boundary(const char *content_type, char *out, size_t outlen);

/* Streaming multipart/form-data parser: bytes go in as they arrive; parts
 * come out through callbacks, file contents in pieces, never buffered whole.
 * A callback returning non-zero stops the parse with that value. */
struct bst_multipart_cb {
	int (*part_begin)(void *cls, const char *name, const char *filename,
			  const char *content_type);
	int (*part_data)(void *cls, const char *data, size_t len);
	int (*part_end)(void *cls);
};
typedef struct bst_multipart bst_multipart;
/* The parser copies boundary; the caller keeps cb and cls alive. */
bst_multipart *bst_multipart_new(const char *boundary, const struct bst_multipart_cb *cb,
				 void *cls);
int bst_multipart_feed(bst_multipart *m, const char *data, size_t len);
/* Checks that the closing boundary was seen. */
int bst_multipart_finish(bst_multipart *m);
void bst_multipart_free(bst_multipart *m);

/* A whole multipart body into fields: text parts become values; a file
 * part becomes its file name as value. For forms without uploads. */
int bst_parse_multipart_form(bst_arena *a, const char *content_type, const char *body,
			     size_t len, bst_kvlist *out);

/* A JSON request body: must be one object, at most BST_PARSE_MAX_JSON_DEPTH
 * deep, valid UTF-8, no duplicate keys, no NUL in strings. On success *out
 * is a new reference the caller json_decref()s. On failure err gets a clear
 * sentence for the client (line and column included). */
int bst_parse_json(const char *body, size_t len, json_t **out, char *err, size_t errlen);

#endif
