/* A person's own data, for them to take away (issue 6, "Per-person
 * export"): a zip file (libarchive) holding profile.json, publications.json
 * and comments.json (what they wrote, with where and when), and documents/,
 * the current version of every document of their personal space under its
 * folders. Produced as it is sent: each read asks for the next bytes, and
 * the next piece is made then (a page of texts, a piece of a document), so
 * memory stays small however much they wrote. Audited ("user.export"). */
#ifndef BST_OPS_PERSONAL_EXPORT_H
#define BST_OPS_PERSONAL_EXPORT_H
#include <stddef.h>
#include <sys/types.h>

#include "tenant/context.h"

struct bst_personal_export;

/* ctx's signed-in user's export; ctx is copied and must stay valid (its
 * platform, its arena) until the export is freed. 0, or -1 (logged). */
int bst_personal_export_new(struct bst_ctx *ctx, struct bst_personal_export **out);
/* Up to max next bytes into buf: how many, 0 at the end, -1 on failure
 * (logged; the download is then cut short, never complete-looking). */
ssize_t bst_personal_export_read(struct bst_personal_export *x, char *buf, size_t max);
void bst_personal_export_free(struct bst_personal_export *x);

#endif
