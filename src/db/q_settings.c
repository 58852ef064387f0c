/* Platform queries on the platform's settings: the single row id = 1 that
 * the first migration creates with the defaults. It is never inserted nor
 * deleted here, only read and replaced whole. */
#include "db/q_internal.h"
#include "db/queries.h"

#include <string.h>

static int one_settings(void *cls, const bst_row *r)
{
	struct bst_settings *s = cls;
	bst_q_text(r, 0, s->registration, sizeof s->registration);
	bst_q_text(r, 1, s->registration_domains, sizeof s->registration_domains);
	s->idle_timeout_s = bst_row_int(r, 2);
	s->absolute_timeout_s = bst_row_int(r, 3);
	bst_q_text(r, 4, s->mfa_policy, sizeof s->mfa_policy);
	bst_q_text(r, 5, s->default_lang, sizeof s->default_lang);
	s->demo = bst_row_int(r, 6) != 0;
	return 1;
}

enum bst_qs bst_q_settings_get(bst_db *db, struct bst_settings *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db,
			   "SELECT registration, registration_domains, idle_timeout_s,"
			   " absolute_timeout_s, mfa_policy, default_lang, demo"
			   " FROM settings WHERE id = 1",
			   NULL, one_settings, out);
}

enum bst_qs bst_q_settings_put(bst_db *db, const struct bst_settings *s, int64_t now)
{
	/* Through pointers: BST_QP_TEXT tests its argument for NULL, which an
	 * array never is (and the compiler says so). */
	const char *reg = s->registration, *domains = s->registration_domains;
	const char *mfa = s->mfa_policy, *lang = s->default_lang;
	return bst_db_exec(db,
			   "UPDATE settings SET registration = $1, registration_domains = $2,"
			   " idle_timeout_s = $3, absolute_timeout_s = $4, mfa_policy = $5,"
			   " default_lang = $6, demo = $7, updated_ms = $8 WHERE id = 1",
			   (struct bst_qp[]){BST_QP_TEXT(reg), BST_QP_TEXT(domains),
					     BST_QP_INT(s->idle_timeout_s),
					     BST_QP_INT(s->absolute_timeout_s), BST_QP_TEXT(mfa),
					     BST_QP_TEXT(lang),
					     BST_QP_INT(s->demo ? 1 : 0), BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}
