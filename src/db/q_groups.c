/* Group queries (see q_groups.h): groups and group_members. The guards
 * that keep at least one administrator per group are inside the UPDATE and
 * DELETE statements themselves, so that two administrators demoting each
 * other at the same moment cannot both succeed. */
#include "db/q_groups.h"
#include "db/q_internal.h"

#include <string.h>

/* Columns of a group row, then its member count, then the membership of
 * the user bound as $user (m is the LEFT JOIN on that user). */
#define GROUP_COLS                                                                       \
	"g.id, g.name, g.description, g.kind, g.created_by, g.created_ms, g.updated_ms," \
	" g.member_count, m.state, m.role"

static void fill_group(const bst_row *r, struct bst_group_row *g)
{
	memset(g, 0, sizeof *g);
	g->id = bst_row_int(r, 0);
	bst_q_text(r, 1, g->name, sizeof g->name);
	bst_q_text(r, 2, g->description, sizeof g->description);
	bst_q_text(r, 3, g->kind, sizeof g->kind);
	g->created_by = bst_row_int(r, 4);
	g->created_ms = bst_row_int(r, 5);
	g->updated_ms = bst_row_int(r, 6);
	g->members = bst_row_int(r, 7);
	bst_q_text(r, 8, g->my_state, sizeof g->my_state);
	bst_q_text(r, 9, g->my_role, sizeof g->my_role);
}

static int one_group(void *cls, const bst_row *r)
{
	fill_group(r, cls);
	return 1;
}

enum bst_qs bst_q_group_get(bst_db *db, int64_t id, int64_t user_id,
			    struct bst_group_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(
	    db,
	    "SELECT " GROUP_COLS " FROM groups g"
	    " LEFT JOIN group_members m ON m.group_id = g.id AND m.user_id = $2"
	    " WHERE g.id = $1",
	    (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(user_id), BST_QP_END}, one_group,
	    out);
}

struct each_group {
	void (*fn)(void *, const struct bst_group_row *);
	void *cls;
};

static int each_group_row(void *cls, const bst_row *r)
{
	struct each_group *e = cls;
	struct bst_group_row g;
	fill_group(r, &g);
	e->fn(e->cls, &g);
	return 0;
}

enum bst_qs bst_q_group_list(bst_db *db, int64_t user_id, const char *search,
			     bool mine_only, int64_t after, int limit,
			     void (*fn)(void *cls, const struct bst_group_row *g),
			     void *cls)
{
	struct each_group e = {fn, cls};
	/* Longer than any group name once escaped: matches nothing. */
	char pattern[2 * BST_Q_GROUP_NAME_LEN];
	if (search && bst_q_like_escape(search, pattern, sizeof pattern) != 0)
		return BST_QS_NO_RESULTS;
	const char *like = search ? pattern : NULL;
	struct bst_qp params[] = {
	    BST_QP_INT(user_id), BST_QP_TEXT(like), BST_QP_INT(mine_only ? 1 : 0),
	    BST_QP_INT(after),   BST_QP_INT(limit), BST_QP_END};
	/* one's own groups from one's memberships (group_members_user), not
	 * by looking at every group */
	if (mine_only)
		return bst_db_exec(
		    db,
		    "SELECT " GROUP_COLS " FROM group_members m"
		    " JOIN groups g ON g.id = m.group_id"
		    " WHERE m.user_id = $1 AND m.state = 'member' AND $3 = 1"
		    " AND ($2 IS NULL OR lower(g.name) LIKE '%' || lower($2) || '%' "
		    "ESCAPE '\\')"
		    " AND g.id > $4 ORDER BY g.id LIMIT $5",
		    params, each_group_row, &e);
	return bst_db_exec(
	    db,
	    "SELECT " GROUP_COLS " FROM groups g"
	    " LEFT JOIN group_members m ON m.group_id = g.id AND m.user_id = $1"
	    " WHERE (CASE WHEN $3 = 1 THEN m.state = 'member'"
	    " ELSE g.kind <> 'secret' OR m.state IN ('member', 'invited') END)"
	    " AND ($2 IS NULL OR lower(g.name) LIKE '%' || lower($2) || '%' ESCAPE '\\')"
	    " AND g.id > $4 ORDER BY g.id LIMIT $5",
	    params, each_group_row, &e);
}

struct insert_args {
	const char *name, *description, *kind;
	int64_t creator_id, now, *id;
};

static int one_id(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

static enum bst_qs insert_txn(bst_db *db, void *cls)
{
	struct insert_args *a = cls;
	*a->id = 0;
	enum bst_qs qs = bst_db_exec(
	    db,
	    "INSERT INTO groups (name, description, kind, created_by,"
	    " created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $5)"
	    " ON CONFLICT DO NOTHING RETURNING id",
	    (struct bst_qp[]){BST_QP_TEXT(a->name), BST_QP_TEXT(a->description),
			      BST_QP_TEXT(a->kind), BST_QP_INT(a->creator_id),
			      BST_QP_INT(a->now), BST_QP_END},
	    one_id, a->id);
	if (qs != BST_QS_ONE_RESULT)
		return qs;
	qs = bst_q_group_member_insert(db, *a->id, a->creator_id, "admin", "member", 0,
				       a->now);
	if (qs == BST_QS_NO_RESULTS)
		qs = BST_QS_HARD_ERROR; /* a new group cannot have members yet */
	if (qs < 0)
		*a->id = 0;
	return qs;
}

enum bst_qs bst_q_group_insert(bst_db *db, const char *name, const char *description,
			       const char *kind, int64_t creator_id, int64_t now,
			       int64_t *id)
{
	struct insert_args a = {name, description, kind, creator_id, now, id};
	return bst_db_transaction(db, insert_txn, &a);
}

enum bst_qs bst_q_group_update(bst_db *db, int64_t id, const char *name,
			       const char *description, const char *kind, int64_t now)
{
	return bst_db_exec(
	    db,
	    "UPDATE groups SET name = $2, description = $3, kind = $4,"
	    " updated_ms = $5 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM groups o"
	    " WHERE o.id <> $1 AND lower(o.name) = lower($2))",
	    (struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(name), BST_QP_TEXT(description),
			      BST_QP_TEXT(kind), BST_QP_INT(now), BST_QP_END},
	    NULL, NULL);
}

#define MEMBER_COLS                                                                      \
	"m.user_id, u.email, u.name, u.status, m.role, m.state, m.invited_by,"           \
	" m.created_ms, m.updated_ms"

static void fill_member(const bst_row *r, struct bst_group_member_row *m)
{
	memset(m, 0, sizeof *m);
	m->user_id = bst_row_int(r, 0);
	bst_q_text(r, 1, m->email, sizeof m->email);
	bst_q_text(r, 2, m->name, sizeof m->name);
	bst_q_text(r, 3, m->user_status, sizeof m->user_status);
	bst_q_text(r, 4, m->role, sizeof m->role);
	bst_q_text(r, 5, m->state, sizeof m->state);
	m->invited_by = bst_row_int(r, 6);
	m->created_ms = bst_row_int(r, 7);
	m->updated_ms = bst_row_int(r, 8);
}

static int one_member(void *cls, const bst_row *r)
{
	fill_member(r, cls);
	return 1;
}

enum bst_qs bst_q_group_member_get(bst_db *db, int64_t group_id, int64_t user_id,
				   struct bst_group_member_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(
	    db,
	    "SELECT " MEMBER_COLS " FROM group_members m"
	    " JOIN users u ON u.id = m.user_id"
	    " WHERE m.group_id = $1 AND m.user_id = $2",
	    (struct bst_qp[]){BST_QP_INT(group_id), BST_QP_INT(user_id), BST_QP_END},
	    one_member, out);
}

struct each_member {
	void (*fn)(void *, const struct bst_group_member_row *);
	void *cls;
};

static int each_member_row(void *cls, const bst_row *r)
{
	struct each_member *e = cls;
	struct bst_group_member_row m;
	fill_member(r, &m);
	e->fn(e->cls, &m);
	return 0;
}

enum bst_qs bst_q_group_member_list(
    bst_db *db, int64_t group_id, bool all_states, int64_t after, int limit,
    void (*fn)(void *cls, const struct bst_group_member_row *m), void *cls)
{
	struct each_member e = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT " MEMBER_COLS " FROM group_members m"
	    " JOIN users u ON u.id = m.user_id"
	    " WHERE m.group_id = $1 AND ($2 = 1 OR m.state = 'member')"
	    " AND m.user_id > $3 ORDER BY m.user_id LIMIT $4",
	    (struct bst_qp[]){BST_QP_INT(group_id), BST_QP_INT(all_states ? 1 : 0),
			      BST_QP_INT(after), BST_QP_INT(limit), BST_QP_END},
	    each_member_row, &e);
}

struct each_id {
	void (*fn)(void *, int64_t);
	void *cls;
};

static int each_id_row(void *cls, const bst_row *r)
{
	struct each_id *e = cls;
	e->fn(e->cls, bst_row_int(r, 0));
	return 0;
}

enum bst_qs bst_q_group_admin_ids(bst_db *db, int64_t group_id,
				  void (*fn)(void *cls, int64_t user_id), void *cls)
{
	struct each_id e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT user_id FROM group_members WHERE group_id = $1"
			   " AND state = 'member' AND role = 'admin' ORDER BY user_id",
			   (struct bst_qp[]){BST_QP_INT(group_id), BST_QP_END},
			   each_id_row, &e);
}

int64_t bst_q_group_admin_count(bst_db *db, int64_t group_id)
{
	int64_t n = -1;
	if (bst_db_exec(db,
			"SELECT count(*) FROM group_members WHERE group_id = $1"
			" AND state = 'member' AND role = 'admin'",
			(struct bst_qp[]){BST_QP_INT(group_id), BST_QP_END}, one_id,
			&n) != BST_QS_ONE_RESULT)
		return -1;
	return n;
}

static struct bst_qp id_or_null(int64_t id)
{
	return id ? BST_QP_INT(id) : BST_QP_NULL;
}

enum bst_qs bst_q_group_member_insert(bst_db *db, int64_t group_id, int64_t user_id,
				      const char *role, const char *state,
				      int64_t invited_by, int64_t now)
{
	return bst_db_exec(
	    db,
	    "INSERT INTO group_members (group_id, user_id, role, state, invited_by,"
	    " created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)"
	    " ON CONFLICT DO NOTHING",
	    (struct bst_qp[]){BST_QP_INT(group_id), BST_QP_INT(user_id),
			      BST_QP_TEXT(role), BST_QP_TEXT(state),
			      id_or_null(invited_by), BST_QP_INT(now), BST_QP_END},
	    NULL, NULL);
}

enum bst_qs bst_q_group_member_set_state(bst_db *db, int64_t group_id, int64_t user_id,
					 const char *from, const char *to, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE group_members SET state = $4, updated_ms = $5"
			   " WHERE group_id = $1 AND user_id = $2 AND state = $3",
			   (struct bst_qp[]){BST_QP_INT(group_id), BST_QP_INT(user_id),
					     BST_QP_TEXT(from), BST_QP_TEXT(to),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

/* The guard: a demotion goes through only while another administrator
 * remains. */
enum bst_qs bst_q_group_member_set_role(bst_db *db, int64_t group_id, int64_t user_id,
					const char *role, int64_t now)
{
	return bst_db_exec(
	    db,
	    "UPDATE group_members SET role = $3, updated_ms = $4"
	    " WHERE group_id = $1 AND user_id = $2 AND state = 'member'"
	    " AND ($3 = 'admin' OR role <> 'admin' OR (SELECT count(*)"
	    " FROM group_members a WHERE a.group_id = $1 AND a.state = 'member'"
	    " AND a.role = 'admin') > 1)",
	    (struct bst_qp[]){BST_QP_INT(group_id), BST_QP_INT(user_id),
			      BST_QP_TEXT(role), BST_QP_INT(now), BST_QP_END},
	    NULL, NULL);
}

enum bst_qs bst_q_group_member_delete(bst_db *db, int64_t group_id, int64_t user_id,
				      const char *state)
{
	return bst_db_exec(
	    db,
	    "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2"
	    " AND ($3 IS NULL OR state = $3)"
	    " AND (state <> 'member' OR role <> 'admin' OR (SELECT count(*)"
	    " FROM group_members a WHERE a.group_id = $1 AND a.state = 'member'"
	    " AND a.role = 'admin') > 1)",
	    (struct bst_qp[]){BST_QP_INT(group_id), BST_QP_INT(user_id),
			      BST_QP_TEXT(state), BST_QP_END},
	    NULL, NULL);
}
