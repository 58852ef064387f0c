/* The portable SQL dump of a platform's data (issue 6, "The export"):
 * every table of its main.db as CREATE TABLE and INSERT statements that
 * stock sqlite3 and stock psql both load without edits, read from one
 * snapshot and written as it is read (nothing held in memory but one
 * row). Secrets never leave: each table is classified in dump.c as
 * exported (possibly without some columns: password hashes, second-factor
 * seeds) or left out (sessions, tokens, links, derived search tables),
 * and a table nobody classified stops the dump rather than leak or
 * vanish silently. */
#ifndef BST_OPS_DUMP_H
#define BST_OPS_DUMP_H
#include <stddef.h>
#include <stdint.h>

#include "tenant/platform.h"

#define BST_DUMP_TABLES_MAX 64

struct bst_dump_stats {
	size_t n_tables;
	struct {
		char name[128];
		int64_t rows;
	} tables[BST_DUMP_TABLES_MAX];
	int64_t bytes; /* of SQL written */
};

/* Writes the dump of p through write (which returns 0, or -1 to stop),
 * taken at now_ms (named in the header comment). Returns 0 and fills
 * stats (may be NULL), or -1 with a sentence in err. */
int bst_dump_sql(struct bst_platform *p, int64_t now_ms,
		 int (*write)(void *cls, const char *data, size_t len), void *cls,
		 struct bst_dump_stats *stats, char *err, size_t errlen);

#endif
