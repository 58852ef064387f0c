/* Key-store queries: wrapped platform data keys. */
#include "db/queries.h"

#include <stdio.h>

enum bst_qs bst_q_key_insert(bst_db *db, const char *slug, const char *wrapped_hex,
			     int64_t now)
{
	return bst_db_exec(db,
			   "INSERT INTO platform_keys (slug, wrapped, created_ms) VALUES ($1, $2, $3)"
			   " ON CONFLICT (slug) DO NOTHING",
			   (struct bst_qp[]){BST_QP_TEXT(slug), BST_QP_TEXT(wrapped_hex),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

struct out_text {
	char *buf;
	size_t len;
};

static int copy_text(void *cls, const bst_row *r)
{
	struct out_text *o = cls;
	snprintf(o->buf, o->len, "%s", bst_row_text(r, 0));
	return 1;
}

enum bst_qs bst_q_key_get(bst_db *db, const char *slug, char *wrapped_hex, size_t len)
{
	struct out_text o = {wrapped_hex, len};
	wrapped_hex[0] = '\0';
	return bst_db_exec(db, "SELECT wrapped FROM platform_keys WHERE slug = $1",
			   (struct bst_qp[]){BST_QP_TEXT(slug), BST_QP_END}, copy_text, &o);
}

enum bst_qs bst_q_key_delete(bst_db *db, const char *slug)
{
	return bst_db_exec(db, "DELETE FROM platform_keys WHERE slug = $1",
			   (struct bst_qp[]){BST_QP_TEXT(slug), BST_QP_END}, NULL, NULL);
}
