/* UTF-8 decoding, strict (RFC 3629): one function every validator of
 * untrusted text builds on (form fields, profile texts, the access
 * trail's cleaning). Pure: thread-safe. */
#ifndef BST_CORE_UTF8_H
#define BST_CORE_UTF8_H
#include <stddef.h>
#include <stdint.h>

/* The character at s, of which n bytes may be read: its length (1 to 4)
 * with its code point in *cp (cp may be NULL), or 0 when the bytes are not
 * one well-formed character — an overlong form, a surrogate, a code point
 * past U+10FFFF, a stray continuation byte, or a sequence cut short by n
 * or by a NUL. A NUL byte itself is a character of length 1 (U+0000):
 * callers that refuse it say so. */
size_t bst_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
