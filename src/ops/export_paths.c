/* Paths inside export archives (see export_paths.h). */
#include "ops/export_paths.h"
#include "db/q_dump.h"

#include <stdlib.h>
#include <string.h>

static void on_folder(void *cls, int64_t id, int64_t parent, const char *name)
{
	struct bst_export_folders *f = cls;
	if (f->failed)
		return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		void *p = realloc(f->items, cap * sizeof *f->items);
		if (!p) {
			f->failed = 1;
			return;
		}
		f->items = p;
		f->cap = cap;
	}
	char *copy = strdup(name ? name : "");
	if (!copy) {
		f->failed = 1;
		return;
	}
	f->items[f->n].id = id;
	f->items[f->n].parent = parent;
	f->items[f->n].name = copy;
	f->n++;
}

int bst_export_folders_load(struct bst_export_folders *f, bst_db *db)
{
	memset(f, 0, sizeof *f);
	if (bst_q_dump_folders(db, on_folder, f) < 0)
		f->failed = 1;
	return f->failed ? -1 : 0;
}

void bst_export_folders_free(struct bst_export_folders *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->items[i].name);
	free(f->items);
	memset(f, 0, sizeof *f);
}

/* The folder's index, by binary search (loaded in id order), or -1. */
static long find(const struct bst_export_folders *f, int64_t id)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->items[mid].id == id)
			return (long)mid;
		if (f->items[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void bst_export_segment(bst_buf *b, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		bst_buf_putc(b, (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7f) ? '_'
										    : (char)*p);
}

void bst_export_folder_path(const struct bst_export_folders *f, bst_buf *b, int64_t id)
{
	long chain[64]; /* deeper than the documents service allows */
	size_t n = 0;
	for (long i = find(f, id); i >= 0 && n < 64; i = find(f, f->items[i].parent))
		chain[n++] = i;
	while (n--) {
		bst_export_segment(b, f->items[chain[n]].name);
		bst_buf_putc(b, '/');
	}
}
