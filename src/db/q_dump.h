/* What the export reads of a platform's database (see src/ops/dump.c):
 * its tables, their columns, primary keys and foreign keys as SQLite
 * describes them, and every row of a table. The only statements whose text
 * is made at run time, from names read in the schema itself. */
#ifndef BST_DB_Q_DUMP_H
#define BST_DB_Q_DUMP_H
#include <stdbool.h>
#include <stddef.h>

#include "db/store.h"

#define BST_Q_DUMP_NAME_LEN 128

/* The tables of db (sqlite_ internals left out), by name. */
enum bst_qs bst_q_dump_tables(bst_db *db, void (*fn)(void *cls, const char *name),
			      void *cls);

/* The tables table references through its foreign keys (itself included
 * when it does). */
enum bst_qs bst_q_dump_references(bst_db *db, const char *table,
				  void (*fn)(void *cls, const char *name), void *cls);

struct bst_dump_column {
	char name[BST_Q_DUMP_NAME_LEN];
	char type[32];  /* as declared: INTEGER, TEXT, REAL, BLOB, ANY */
	bool not_null;
	char dflt[128]; /* the default's SQL text, "" when none */
	int pk;         /* position in the primary key from 1, 0 when not in it */
	/* the column it references, "" when none */
	char ref_table[BST_Q_DUMP_NAME_LEN];
	char ref_column[BST_Q_DUMP_NAME_LEN];
};

/* The columns of table in declaration order, with their foreign keys. At
 * most max; *n says how many there are (more than max: the caller's array
 * was too small). */
enum bst_qs bst_q_dump_columns(bst_db *db, const char *table, struct bst_dump_column *out,
			       size_t max, size_t *n);

/* Every row of table: the columns named in cols (n of them), ordered by
 * the primary key (or rowid). fn gets each row, columns 0..n-1 in that
 * order; its non-zero return stops. */
enum bst_qs bst_q_dump_rows(bst_db *db, const char *table,
			    const struct bst_dump_column *cols, size_t n,
			    const bool *keep, bst_row_cb fn, void *cls);

/* The stored files of the export: every version of every live document,
 * with its library's label, its folder and its blob. */
struct bst_dump_file {
	int64_t version_id, document_id, number, blob_id, size, created_ms, folder_id;
	bool current; /* the document's newest version */
	char owner[8];
	int64_t owner_id;
	char library[300]; /* the group's name, or the person's name or e-mail */
	char name[256];
};
/* Versions with id > after, by id, at most limit; of the documents of
 * library (owner, owner_id) only, unless owner is NULL; current versions
 * only when current_only. */
enum bst_qs bst_q_dump_files(bst_db *db, const char *owner, int64_t owner_id,
			     bool current_only, int64_t after, int limit,
			     void (*fn)(void *cls, const struct bst_dump_file *f), void *cls);

/* The texts a person wrote, for their own export: publications (kind
 * "post") or comments (kind "comment") by author_id with id > after, by id,
 * at most limit. The row: id, post id (the comment's; the publication's
 * own), group id (0: the platform feed), group name, body, created_ms,
 * edited_ms, deleted_ms (0 when not). */
struct bst_dump_text {
	int64_t id, post_id, group_id, created_ms, edited_ms, deleted_ms;
	char group_name[256];
	const char *body; /* valid during the callback */
};
enum bst_qs bst_q_dump_texts(bst_db *db, const char *kind, int64_t author_id, int64_t after,
			     int limit, void (*fn)(void *cls, const struct bst_dump_text *t),
			     void *cls);
/* Every live folder: id, parent (0: the root) and name. */
enum bst_qs bst_q_dump_folders(bst_db *db,
			       void (*fn)(void *cls, int64_t id, int64_t parent,
					  const char *name),
			       void *cls);

/* "name" with inner quotes doubled: an identifier for any SQL dialect. */
void bst_q_dump_quote(const char *name, char *out, size_t outlen);

#endif
