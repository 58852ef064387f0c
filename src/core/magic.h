/* Content typing with libmagic: uploads are typed by what they contain,
 * never by the name or the type the client claims. The one module that
 * talks to libmagic. Thread-safe (one magic handle per thread). */
#ifndef BST_CORE_MAGIC_H
#define BST_CORE_MAGIC_H
#include <stddef.h>

/* libmagic looks at the first bytes only: pass at least this many (or the
 * whole content when shorter). */
#define BST_MAGIC_PREFIX (64 * 1024)

/* Writes the MIME type of data ("image/png", "application/pdf",
 * "application/octet-stream" when unknown) into out. Returns 0, or -1 when
 * libmagic is unavailable (out then says application/octet-stream). */
int bst_magic_mime(const void *data, size_t len, char *out, size_t outlen);

#endif
