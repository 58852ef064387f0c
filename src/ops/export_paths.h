/* Readable paths for documents in an archive (the export and the personal
 * export): names made safe as path segments, and folder chains from a
 * library's root. The folders of a platform are loaded once (only the
 * live ones, id order); memory grows with their number. */
#ifndef BST_OPS_EXPORT_PATHS_H
#define BST_OPS_EXPORT_PATHS_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/store.h"

struct bst_export_folders {
	struct {
		int64_t id, parent;
		char *name;
	} *items;
	size_t n, cap;
	int failed;
};

/* Loads every live folder of db: 0, or -1 (store or memory). */
int bst_export_folders_load(struct bst_export_folders *f, bst_db *db);
void bst_export_folders_free(struct bst_export_folders *f);
/* The folders from the library's root down to folder id, each followed by
 * "/" (nothing for 0, the root). */
void bst_export_folder_path(const struct bst_export_folders *f, bst_buf *b, int64_t id);
/* name as one path segment: "/", "\" and control characters become "_". */
void bst_export_segment(bst_buf *b, const char *name);

#endif
