/* Control-plane queries: platforms, their host names, the change counter. */
#include "db/queries.h"

#include <stdio.h>
#include <string.h>

struct insert_args {
	const char *slug, *name;
	const char *const *hosts;
	size_t n_hosts;
	int64_t now;
	bool host_taken;
};

static enum bst_qs insert_txn(bst_db *db, void *cls)
{
	struct insert_args *a = cls;
	enum bst_qs qs = bst_db_exec(
		db,
		"INSERT INTO platforms (slug, name, status, created_ms, updated_ms)"
		" VALUES ($1, $2, 'active', $3, $3)",
		(struct bst_qp[]){BST_QP_TEXT(a->slug), BST_QP_TEXT(a->name), BST_QP_INT(a->now),
				  BST_QP_END},
		NULL, NULL);
	if (qs < 0)
		return qs;
	int64_t id = bst_db_last_id();
	for (size_t i = 0; i < a->n_hosts; i++) {
		qs = bst_db_exec(db,
				 "INSERT INTO platform_hosts (host, platform_id) VALUES ($1, $2)"
				 " ON CONFLICT (host) DO NOTHING",
				 (struct bst_qp[]){BST_QP_TEXT(a->hosts[i]), BST_QP_INT(id),
						   BST_QP_END},
				 NULL, NULL);
		if (qs < 0)
			return qs;
		if (qs == BST_QS_NO_RESULTS) {
			a->host_taken = true;
			return BST_QS_HARD_ERROR; /* rolls back */
		}
	}
	return BST_QS_ONE_RESULT;
}

enum bst_qs bst_q_platform_insert(bst_db *db, const char *slug, const char *name,
				  const char *const *hosts, size_t n_hosts, int64_t now)
{
	struct insert_args a = {slug, name, hosts, n_hosts, now, false};
	enum bst_qs qs = bst_db_transaction(db, insert_txn, &a);
	return a.host_taken ? BST_QS_NO_RESULTS : qs;
}

#define PLATFORM_COLS \
	"id, slug, name, status = 'suspended', created_ms, coalesce(destroy_after_ms, 0)"

static void fill(const bst_row *r, struct bst_platform_row *out)
{
	out->id = bst_row_int(r, 0);
	snprintf(out->slug, sizeof out->slug, "%s", bst_row_text(r, 1));
	snprintf(out->name, sizeof out->name, "%s", bst_row_text(r, 2));
	out->suspended = bst_row_int(r, 3) != 0;
	out->created_ms = bst_row_int(r, 4);
	out->destroy_after_ms = bst_row_int(r, 5);
}

static int one_platform(void *cls, const bst_row *r)
{
	fill(r, cls);
	return 1;
}

enum bst_qs bst_q_platform_get(bst_db *db, const char *slug, struct bst_platform_row *out)
{
	memset(out, 0, sizeof *out);
	return bst_db_exec(db, "SELECT " PLATFORM_COLS " FROM platforms WHERE slug = $1",
			   (struct bst_qp[]){BST_QP_TEXT(slug), BST_QP_END}, one_platform, out);
}

struct each_platform {
	void (*fn)(void *, const struct bst_platform_row *);
	void *cls;
};

static int each_platform_row(void *cls, const bst_row *r)
{
	struct each_platform *e = cls;
	struct bst_platform_row row;
	fill(r, &row);
	e->fn(e->cls, &row);
	return 0;
}

enum bst_qs bst_q_platform_each(bst_db *db,
				void (*fn)(void *cls, const struct bst_platform_row *row),
				void *cls)
{
	struct each_platform e = {fn, cls};
	return bst_db_exec(db, "SELECT " PLATFORM_COLS " FROM platforms ORDER BY slug", NULL,
			   each_platform_row, &e);
}

struct each_host {
	void (*fn)(void *, const char *, int64_t);
	void *cls;
};

static int each_host_row(void *cls, const bst_row *r)
{
	struct each_host *e = cls;
	e->fn(e->cls, bst_row_text(r, 0), bst_row_int(r, 1));
	return 0;
}

enum bst_qs bst_q_hosts_each(bst_db *db, void (*fn)(void *cls, const char *host, int64_t id),
			     void *cls)
{
	struct each_host e = {fn, cls};
	return bst_db_exec(db, "SELECT host, platform_id FROM platform_hosts ORDER BY host",
			   NULL, each_host_row, &e);
}

enum bst_qs bst_q_platform_hosts(bst_db *db, int64_t platform_id,
				 void (*fn)(void *cls, const char *host, int64_t id), void *cls)
{
	struct each_host e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT host, platform_id FROM platform_hosts WHERE platform_id = $1"
			   " ORDER BY host",
			   (struct bst_qp[]){BST_QP_INT(platform_id), BST_QP_END}, each_host_row,
			   &e);
}

enum bst_qs bst_q_platform_set_offboarding(bst_db *db, const char *slug,
					   int64_t destroy_after_ms, int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE platforms SET destroy_after_ms = nullif($2, 0),"
			   " status = CASE WHEN $2 = 0 THEN 'active' ELSE 'suspended' END,"
			   " updated_ms = $3 WHERE slug = $1",
			   (struct bst_qp[]){BST_QP_TEXT(slug), BST_QP_INT(destroy_after_ms),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

static int due_row(void *cls, const bst_row *r)
{
	void **a = cls;
	((void (*)(void *, const char *))a[0])(a[1], bst_row_text(r, 0));
	return 0;
}

enum bst_qs bst_q_platforms_due(bst_db *db, int64_t now,
				void (*fn)(void *cls, const char *slug), void *cls)
{
	void *a[2] = {(void *)fn, cls};
	return bst_db_exec(db,
			   "SELECT slug FROM platforms WHERE destroy_after_ms IS NOT NULL"
			   " AND destroy_after_ms <= $1 ORDER BY id",
			   (struct bst_qp[]){BST_QP_INT(now), BST_QP_END}, due_row, a);
}

static enum bst_qs delete_txn(bst_db *db, void *cls)
{
	int64_t id = *(int64_t *)cls;
	struct bst_qp p[] = {BST_QP_INT(id), BST_QP_END};
	enum bst_qs qs = bst_db_exec(db, "DELETE FROM mail_queue WHERE platform_id = $1", p,
				     NULL, NULL);
	if (qs < 0)
		return qs;
	return bst_db_exec(db, "DELETE FROM platforms WHERE id = $1", p, NULL, NULL);
}

enum bst_qs bst_q_platform_delete(bst_db *db, int64_t id)
{
	return bst_db_transaction(db, delete_txn, &id);
}

enum bst_qs bst_q_destruction_insert(bst_db *db, const char *slug, int64_t now,
				     const char *report, const char *signature,
				     const char *public_key, int64_t *id)
{
	enum bst_qs qs = bst_db_exec(
	    db,
	    "INSERT INTO destruction_reports (slug, created_ms, report, signature, public_key)"
	    " VALUES ($1, $2, $3, $4, $5)",
	    (struct bst_qp[]){BST_QP_TEXT(slug), BST_QP_INT(now), BST_QP_TEXT(report),
			      BST_QP_TEXT(signature), BST_QP_TEXT(public_key), BST_QP_END},
	    NULL, NULL);
	*id = qs == BST_QS_ONE_RESULT ? bst_db_last_id() : 0;
	return qs;
}

struct each_report {
	void (*fn)(void *, const struct bst_destruction_row *);
	void *cls;
};

static int report_row(void *cls, const bst_row *r)
{
	struct each_report *e = cls;
	struct bst_destruction_row d;
	memset(&d, 0, sizeof d);
	d.id = bst_row_int(r, 0);
	snprintf(d.slug, sizeof d.slug, "%s", bst_row_text(r, 1));
	d.created_ms = bst_row_int(r, 2);
	d.report = bst_row_text(r, 3);
	d.signature = bst_row_text(r, 4);
	d.public_key = bst_row_text(r, 5);
	e->fn(e->cls, &d);
	return 0;
}

enum bst_qs bst_q_destruction_each(bst_db *db, const char *slug,
				   void (*fn)(void *cls, const struct bst_destruction_row *r),
				   void *cls)
{
	struct each_report e = {fn, cls};
	return bst_db_exec(db,
			   "SELECT id, slug, created_ms, report, signature, public_key"
			   " FROM destruction_reports WHERE $1 IS NULL OR slug = $1 ORDER BY id",
			   (struct bst_qp[]){BST_QP_TEXT(slug), BST_QP_END}, report_row, &e);
}

enum bst_qs bst_q_platform_set_status(bst_db *db, const char *slug, bool suspended,
				      int64_t now)
{
	return bst_db_exec(db,
			   "UPDATE platforms SET status = $2, updated_ms = $3 WHERE slug = $1",
			   (struct bst_qp[]){BST_QP_TEXT(slug),
					     BST_QP_TEXT(suspended ? "suspended" : "active"),
					     BST_QP_INT(now), BST_QP_END},
			   NULL, NULL);
}

static int one_int(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

int64_t bst_q_generation(bst_db *db)
{
	int64_t g = -1;
	if (bst_db_exec(db, "SELECT generation FROM installation WHERE id = 1", NULL, one_int,
			&g) != BST_QS_ONE_RESULT)
		return -1;
	return g;
}
