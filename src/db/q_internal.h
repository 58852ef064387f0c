/* Helpers shared by the q_*.c query files and nothing else: the column list
 * and row decoder of a user (so that every query returning a user, joined or
 * not, reads the same columns in the same order), the escaping of a search
 * string for LIKE, and the copy of a possibly NULL text column into a fixed
 * field. Never include this outside src/db/. Pure functions: thread-safe. */
#ifndef BST_DB_Q_INTERNAL_H
#define BST_DB_Q_INTERNAL_H
#include <stddef.h>
#include <stdio.h>

#include "core/str.h"
#include "db/queries.h"
#include "db/store.h"

/* The columns bst_q_fill_user() decodes, in its order. prefix is a string
 * literal, "" or a table alias such as "u.", so that the result stays one
 * literal for the statement cache. */
#define BST_USER_NCOLS 12
#define BST_USER_COLS(p)                                                            \
	p "id, " p "email, " p "name, " p "role, " p "status, " p "password_hash, " p \
	  "lang, " p "totp_secret, " p "totp_enabled, " p "totp_last_step, " p       \
	  "locked_ms, " p "created_ms"

/* Fills *u from columns first_col .. first_col + BST_USER_NCOLS - 1 of r;
 * SQL NULL becomes "" or 0. */
void bst_q_fill_user(const bst_row *r, int first_col, struct bst_user_row *u);

/* Copies in into out with '\', '%' and '_' preceded by '\', for
 * "LIKE ... ESCAPE '\'". Returns 0, or -1 if out is too small (out is then
 * ""). A search longer than any stored value cannot match, so callers may
 * answer NO_RESULTS on -1. */
int bst_q_like_escape(const char *in, char *out, size_t outlen);

/* Text column col of r into out[len], "" for SQL NULL, truncated to fit. */
static inline void bst_q_text(const bst_row *r, int col, char *out, size_t len)
{
	bst_str_copy(out, len, bst_row_text(r, col));
}

/* For queries that hand each id of their first column to a callback:
 * struct bst_q_each_id e = {fn, cls}; bst_db_exec(..., bst_q_each_id_row,
 * &e). */
struct bst_q_each_id {
	void (*fn)(void *cls, int64_t id);
	void *cls;
};

static inline int bst_q_each_id_row(void *cls, const bst_row *r)
{
	struct bst_q_each_id *e = cls;
	e->fn(e->cls, bst_row_int(r, 0));
	return 0;
}

#endif
