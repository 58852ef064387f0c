/* Control-plane queries on the platforms' security contacts (see
 * queries.h; migrations/control/0004). */
#include "db/q_internal.h"
#include "db/queries.h"

#include <string.h>

static int one_contact(void *cls, const bst_row *r)
{
	struct bst_contact_row *c = cls;
	bst_q_text(r, 0, c->name, sizeof c->name);
	bst_q_text(r, 1, c->email, sizeof c->email);
	bst_q_text(r, 2, c->phone, sizeof c->phone);
	c->updated_ms = bst_row_int(r, 3);
	return 1;
}

enum bst_qs bst_q_contact_get(bst_db *db, int64_t platform_id, struct bst_contact_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db,
			   "SELECT name, email, phone, updated_ms FROM security_contacts"
			   " WHERE platform_id = $1",
			   (struct bst_qp[]){BST_QP_INT(platform_id), BST_QP_END}, one_contact, out);
}

enum bst_qs bst_q_contact_put(bst_db *db, int64_t platform_id, const struct bst_contact_row *c)
{
	const char *name = c->name, *email = c->email, *phone = c->phone;
	return bst_db_exec(db,
			   "INSERT INTO security_contacts (platform_id, name, email, phone, updated_ms)"
			   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform_id) DO UPDATE SET"
			   " name = excluded.name, email = excluded.email, phone = excluded.phone,"
			   " updated_ms = excluded.updated_ms",
			   (struct bst_qp[]){BST_QP_INT(platform_id), BST_QP_TEXT(name),
					     BST_QP_TEXT(email), BST_QP_TEXT(phone),
					     BST_QP_INT(c->updated_ms), BST_QP_END},
			   NULL, NULL);
}
