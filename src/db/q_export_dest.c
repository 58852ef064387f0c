/* Queries of the platform's export destination (see q_export_dest.h). */
#include "db/q_export_dest.h"
#include "db/q_internal.h"

#include <string.h>

static int one_dest(void *cls, const bst_row *r)
{
	struct bst_export_dest_row *d = cls;
	bst_q_text(r, 0, d->url, sizeof d->url);
	bst_q_text(r, 1, d->host_key_sha256, sizeof d->host_key_sha256);
	bst_q_text(r, 2, d->ca_pem, sizeof d->ca_pem);
	bst_q_text(r, 3, d->pinned_key, sizeof d->pinned_key);
	bst_q_text(r, 4, d->password_sealed, sizeof d->password_sealed);
	d->updated_ms = bst_row_int(r, 5);
	bst_q_text(r, 6, d->updated_by, sizeof d->updated_by);
	return 1;
}

enum bst_qs bst_q_export_dest_get(bst_db *db, struct bst_export_dest_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db,
			   "SELECT url, host_key_sha256, ca_pem, pinned_key, password_sealed,"
			   " updated_ms, updated_by FROM export_destination WHERE id = 1",
			   NULL, one_dest, out);
}

enum bst_qs bst_q_export_dest_put(bst_db *db, const struct bst_export_dest_row *d)
{
	/* through pointers: BST_QP_TEXT tests its argument for NULL */
	const char *url = d->url, *hk = d->host_key_sha256, *ca = d->ca_pem;
	const char *pin = d->pinned_key, *pw = d->password_sealed, *by = d->updated_by;
	return bst_db_exec(db,
			   "INSERT INTO export_destination (id, url, host_key_sha256, ca_pem,"
			   " pinned_key, password_sealed, updated_ms, updated_by)"
			   " VALUES (1, $1, $2, $3, $4, $5, $6, $7)"
			   " ON CONFLICT (id) DO UPDATE SET url = excluded.url,"
			   " host_key_sha256 = excluded.host_key_sha256, ca_pem = excluded.ca_pem,"
			   " pinned_key = excluded.pinned_key,"
			   " password_sealed = excluded.password_sealed,"
			   " updated_ms = excluded.updated_ms, updated_by = excluded.updated_by",
			   (struct bst_qp[]){BST_QP_TEXT(url), BST_QP_TEXT(hk), BST_QP_TEXT(ca),
					     BST_QP_TEXT(pin), BST_QP_TEXT(pw),
					     BST_QP_INT(d->updated_ms), BST_QP_TEXT(by), BST_QP_END},
			   NULL, NULL);
}

enum bst_qs bst_q_export_dest_delete(bst_db *db)
{
	enum bst_qs qs = bst_db_exec(db, "DELETE FROM export_destination WHERE id = 1", NULL,
				     NULL, NULL);
	if (qs < 0)
		return qs;
	return bst_db_changes() > 0 ? BST_QS_ONE_RESULT : BST_QS_NO_RESULTS;
}
