/* Profile and directory queries (the profile columns of users, with the
 * time of the avatar), and the application switches' list and update. */
#include "db/q_internal.h"
#include "db/q_people.h"

#include <stdlib.h>
#include <string.h>

/* Columns decoded by fill_profile, in its order. */
#define PROFILE_COLS                                                                    \
	"u.id, u.email, u.name, u.role, u.status, u.lang, u.job_title, u.department,"   \
	" u.location, u.phone, u.bio, u.notify_mail, u.digest_sent_ms, u.created_ms,"   \
	" a.updated_ms"
#define PROFILE_FROM " FROM users u LEFT JOIN avatars a ON a.user_id = u.id"

static void fill_profile(const bst_row *r, struct bst_profile_row *p)
{
	int c = 0;
	memset(p, 0, sizeof *p);
	p->id = bst_row_int(r, c++);
	bst_q_text(r, c++, p->email, sizeof p->email);
	bst_q_text(r, c++, p->name, sizeof p->name);
	bst_q_text(r, c++, p->role, sizeof p->role);
	bst_q_text(r, c++, p->status, sizeof p->status);
	bst_q_text(r, c++, p->lang, sizeof p->lang);
	bst_q_text(r, c++, p->job_title, sizeof p->job_title);
	bst_q_text(r, c++, p->department, sizeof p->department);
	bst_q_text(r, c++, p->location, sizeof p->location);
	bst_q_text(r, c++, p->phone, sizeof p->phone);
	bst_q_text(r, c++, p->bio, sizeof p->bio);
	bst_q_text(r, c++, p->notify_mail, sizeof p->notify_mail);
	p->digest_sent_ms = bst_row_int(r, c++);
	p->created_ms = bst_row_int(r, c++);
	p->avatar_ms = bst_row_int(r, c++); /* NULL (no avatar) reads as 0 */
}

static int one_profile(void *cls, const bst_row *r)
{
	fill_profile(r, cls);
	return 1;
}

enum bst_qs bst_q_profile_get(bst_db *db, int64_t id, struct bst_profile_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db, "SELECT " PROFILE_COLS PROFILE_FROM " WHERE u.id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, one_profile, out);
}

struct each_profile {
	void (*fn)(void *, const struct bst_profile_row *);
	void *cls;
	struct bst_profile_row row; /* large: kept off the callback's stack */
};

static int each_profile_row(void *cls, const bst_row *r)
{
	struct each_profile *e = cls;
	fill_profile(r, &e->row);
	e->fn(e->cls, &e->row);
	return 0;
}

enum bst_qs bst_q_profile_list(bst_db *db, const struct bst_q_profile_filter *f,
			       int64_t after, int limit,
			       void (*fn)(void *cls, const struct bst_profile_row *p), void *cls)
{
	struct each_profile *e = calloc(1, sizeof *e);
	if (!e)
		return BST_QS_HARD_ERROR;
	e->fn = fn;
	e->cls = cls;
	/* longer than any stored value once escaped: matches nothing */
	char pattern[2 * BST_EMAIL_MAX + 1];
	const char *like = NULL;
	enum bst_qs qs = BST_QS_NO_RESULTS;
	if (f->search && f->search[0]) {
		if (bst_q_like_escape(f->search, pattern, sizeof pattern) != 0)
			goto cleanup;
		like = pattern;
	}
	/* the cursor is a row id; its (name, id) is where the next page starts */
	qs = bst_db_exec(
		db,
		"SELECT " PROFILE_COLS PROFILE_FROM
		" WHERE ($1 IS NULL OR lower(u.name) LIKE '%' || lower($1) || '%' ESCAPE '\\'"
		" OR lower(u.email) LIKE '%' || lower($1) || '%' ESCAPE '\\'"
		" OR lower(u.job_title) LIKE '%' || lower($1) || '%' ESCAPE '\\')"
		" AND ($2 IS NULL OR u.department = $2)"
		" AND ($3 IS NULL OR u.location = $3)"
		" AND ($4 = 1 OR u.status = 'active')"
		" AND ($5 = 0 OR (lower(u.name), u.id) >"
		" (SELECT lower(name), id FROM users WHERE id = $5))"
		" ORDER BY lower(u.name), u.id LIMIT $6",
		(struct bst_qp[]){BST_QP_TEXT(like),
				  BST_QP_TEXT(f->department && f->department[0] ? f->department
										: NULL),
				  BST_QP_TEXT(f->location && f->location[0] ? f->location : NULL),
				  BST_QP_INT(f->all_statuses ? 1 : 0), BST_QP_INT(after),
				  BST_QP_INT(limit), BST_QP_END},
		each_profile_row, e);
cleanup:
	free(e);
	return qs;
}

enum bst_qs bst_q_profile_update(bst_db *db, int64_t id, const struct bst_q_profile_fields *f,
				 int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE users SET name = $2, job_title = $3, department = $4,"
			   " location = $5, phone = $6, bio = $7, notify_mail = $8, updated_ms = $9"
			   " WHERE id = $1",
			   (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(f->name),
					     BST_QP_TEXT(f->job_title), BST_QP_TEXT(f->department),
					     BST_QP_TEXT(f->location), BST_QP_TEXT(f->phone),
					     BST_QP_TEXT(f->bio), BST_QP_TEXT(f->notify_mail),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

struct each_value {
	void (*fn)(void *, const char *);
	void *cls;
};

static int each_value_row(void *cls, const bst_row *r)
{
	struct each_value *e = cls;
	const char *v = bst_row_text(r, 0);
	if (v)
		e->fn(e->cls, v);
	return 0;
}

enum bst_qs bst_q_profile_values(bst_db *db, const char *column, int limit,
				 void (*fn)(void *cls, const char *value), void *cls)
{
	struct each_value e = {fn, cls};
	struct bst_qp params[] = {BST_QP_INT(limit), BST_QP_END};
	/* one literal per column: the statement cache is keyed by the text */
	if (strcmp(column, "department") == 0)
		return bst_db_exec(db,
				   "SELECT DISTINCT department FROM users WHERE department <> ''"
				   " AND status = 'active' ORDER BY department LIMIT $1",
				   params, each_value_row, &e);
	if (strcmp(column, "location") == 0)
		return bst_db_exec(db,
				   "SELECT DISTINCT location FROM users WHERE location <> ''"
				   " AND status = 'active' ORDER BY location LIMIT $1",
				   params, each_value_row, &e);
	return BST_QS_HARD_ERROR;
}

struct each_app {
	void (*fn)(void *, const struct bst_app_row *);
	void *cls;
};

static int each_app_row(void *cls, const bst_row *r)
{
	struct each_app *e = cls;
	struct bst_app_row a;
	memset(&a, 0, sizeof a);
	bst_q_text(r, 0, a.name, sizeof a.name);
	a.enabled = bst_row_int(r, 1) != 0;
	a.updated_ms = bst_row_int(r, 2);
	a.updated_by = bst_row_int(r, 3);
	e->fn(e->cls, &a);
	return 0;
}

enum bst_qs bst_q_apps_list(bst_db *db, void (*fn)(void *cls, const struct bst_app_row *a),
			    void *cls)
{
	struct each_app e = {fn, cls};
	return bst_db_exec(db, "SELECT name, enabled, updated_ms, updated_by FROM apps ORDER BY name",
			   NULL, each_app_row, &e);
}

enum bst_qs bst_q_app_set(bst_db *db, const char *name, bool enabled, int64_t by, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE apps SET enabled = $2, updated_ms = $3, updated_by = $4"
			   " WHERE name = $1",
			   (struct bst_qp[]){BST_QP_TEXT(name), BST_QP_INT(enabled ? 1 : 0),
					     BST_QP_INT(now), by ? BST_QP_INT(by) : BST_QP_NULL,
					     BST_QP_END},
			   NULL, NULL);
}
