/* The export archive of a platform (issue 6, "The export"): one tar file
 * compressed with zstd (libarchive) holding
 *   dump.sql        every table as portable SQL (src/ops/dump.c);
 *   documents/      the current version of every live document, decrypted,
 *                   under documents/<library>/<folders>/<name>;
 *   versions/       earlier versions, under
 *                   versions/<library>/<folders>/<name>/<number> <name>;
 *   access-log.csv  the platform's access trail (what retention keeps);
 *   README.txt      what is where and how to load it;
 *   manifest.json   every other file with its size and SHA-256, the rows of
 *                   every table, when and by which installation.
 * A library is "groups/<group name> (<id>)" or "people/<name> (<id>)":
 * the id keeps two libraries of the same name apart. Everything is read
 * from one snapshot of main.db (the trail: up to its head when the export
 * began) and written as it is read: only the manifest grows with the
 * number of files. The archive goes to write(): a file, or the encryption
 * for the client. */
#ifndef BST_OPS_EXPORT_H
#define BST_OPS_EXPORT_H
#include <stddef.h>
#include <stdint.h>

#include "tenant/context.h"

struct bst_export_stats {
	int64_t files, documents, versions, trail_entries, rows, bytes;
};

/* The archive of ctx's platform, taken at now_ms, through write (0, or -1
 * to stop); installation is what the manifest names as its maker (the
 * installation's public key). Returns 0 and fills stats (may be NULL), or
 * -1 with a sentence in err. */
int bst_export_archive(struct bst_ctx *ctx, int64_t now_ms, const char *installation,
		       int (*write)(void *cls, const void *data, size_t len), void *cls,
		       struct bst_export_stats *stats, char *err, size_t errlen);

#endif
