/* Unit tests for the search service (src/social/search.c) and its store
 * query (src/db/q_search.c) against a real platform in a temporary
 * installation: people, groups of the three kinds, publications, comments,
 * folders and documents inserted directly, plus their index rows through
 * bst_q_search_put as the other services write them; then exactly who
 * sees what, accents, FTS5 syntax typed as plain words, refusals,
 * pagination, ranking and the safety of snippets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/q_search.h"
#include "db/q_social.h"
#include "db/queries.h"
#include "social/search.h"
#include "tenant/context.h"
#include "tenant/install.h"
#include "tenant/platform.h"

#define NOW 1700000000000LL /* any fixed UTC instant, in ms */

/* People of the fixture. */
enum { ALICE, BOB, CAROL, DORA, EVE, FRANK, ZOE, N_PEOPLE };
/* Groups: open, private, secret. */
enum { G_OPEN, G_PRIVATE, G_SECRET, N_GROUPS };

struct fx {
	struct bst_test_platform t; /* dir, in, p, arena, cfg, base */
	int64_t user[N_PEOPLE];
	int64_t group[N_GROUPS];
	/* the content every test looks for with the word "eleve" */
	int64_t post_feed, post_open, post_private, post_secret, post_deleted;
	int64_t comment_feed, comment_secret, comment_deleted, comment_on_deleted;
	int64_t doc_open, doc_secret, doc_alice, doc_bob, doc_deleted,
	    doc_in_deleted_folder, doc_private;
};

static int group_setup(void **state)
{
	(void)state;
	bst_log_set_level(BST_LOG_WARN);
	return bst_crypto_init();
}

static bst_db *db_of(struct fx *f)
{
	return f->t.p->main;
}

static int64_t add_user(struct fx *f, const char *email, const char *name,
			const char *role, const char *status, const char *job)
{
	int64_t id = 0;
	assert_int_equal(
	    bst_q_user_insert(db_of(f), email, name, role, status, NULL, NOW - 9000, &id),
	    BST_QS_ONE_RESULT);
	assert_true(id > 0);
	assert_int_equal(
	    bst_db_exec(db_of(f), "UPDATE users SET job_title = $2 WHERE id = $1",
			(struct bst_qp[]){BST_QP_INT(id), BST_QP_TEXT(job), BST_QP_END},
			NULL, NULL),
	    BST_QS_ONE_RESULT);
	/* as the profiles service indexes a person: name as title */
	assert_int_equal(bst_q_search_put(db_of(f), "user", id, name, job),
			 BST_QS_ONE_RESULT);
	return id;
}

static int64_t add_group(struct fx *f, const char *name, const char *kind)
{
	assert_int_equal(
	    bst_db_exec(db_of(f),
			"INSERT INTO groups (name, kind, created_by, created_ms,"
			" updated_ms) VALUES ($1, $2, $3, $4, $4)",
			(struct bst_qp[]){BST_QP_TEXT(name), BST_QP_TEXT(kind),
					  BST_QP_INT(f->user[ALICE]),
					  BST_QP_INT(NOW - 8000), BST_QP_END},
			NULL, NULL),
	    BST_QS_ONE_RESULT);
	return bst_db_last_id();
}

static void add_member(struct fx *f, int64_t group_id, int64_t user_id, const char *state)
{
	assert_int_equal(
	    bst_db_exec(db_of(f),
			"INSERT INTO group_members (group_id, user_id, role, state,"
			" created_ms, updated_ms) VALUES ($1, $2, 'member', $3, $4, $4)",
			(struct bst_qp[]){BST_QP_INT(group_id), BST_QP_INT(user_id),
					  BST_QP_TEXT(state), BST_QP_INT(NOW - 7000),
					  BST_QP_END},
			NULL, NULL),
	    BST_QS_ONE_RESULT);
}

/* A publication (group_id 0: the platform-wide feed), indexed. */
static int64_t add_post(struct fx *f, int64_t author, int64_t group_id, const char *body,
			int64_t at)
{
	assert_int_equal(
	    bst_db_exec(db_of(f),
			"INSERT INTO posts (author_id, group_id, body, created_ms)"
			" VALUES ($1, $2, $3, $4)",
			(struct bst_qp[]){BST_QP_INT(author),
					  group_id ? BST_QP_INT(group_id) : BST_QP_NULL,
					  BST_QP_TEXT(body), BST_QP_INT(at), BST_QP_END},
			NULL, NULL),
	    BST_QS_ONE_RESULT);
	int64_t id = bst_db_last_id();
	assert_int_equal(bst_q_search_put(db_of(f), "post", id, "", body),
			 BST_QS_ONE_RESULT);
	return id;
}

static int64_t add_comment(struct fx *f, int64_t author, int64_t post_id,
			   const char *body)
{
	assert_int_equal(
	    bst_db_exec(db_of(f),
			"INSERT INTO comments (post_id, author_id, body, created_ms)"
			" VALUES ($1, $2, $3, $4)",
			(struct bst_qp[]){BST_QP_INT(post_id), BST_QP_INT(author),
					  BST_QP_TEXT(body), BST_QP_INT(NOW - 3000),
					  BST_QP_END},
			NULL, NULL),
	    BST_QS_ONE_RESULT);
	int64_t id = bst_db_last_id();
	assert_int_equal(bst_q_search_put(db_of(f), "comment", id, "", body),
			 BST_QS_ONE_RESULT);
	return id;
}

static int64_t add_folder(struct fx *f, const char *owner, int64_t owner_id,
			  int64_t parent, const char *name)
{
	assert_int_equal(
	    bst_db_exec(db_of(f),
			"INSERT INTO folders (owner, owner_id, parent_id, name,"
			" created_ms) VALUES ($1, $2, $3, $4, $5)",
			(struct bst_qp[]){BST_QP_TEXT(owner), BST_QP_INT(owner_id),
					  parent ? BST_QP_INT(parent) : BST_QP_NULL,
					  BST_QP_TEXT(name), BST_QP_INT(NOW - 6000),
					  BST_QP_END},
			NULL, NULL),
	    BST_QS_ONE_RESULT);
	return bst_db_last_id();
}

static int64_t add_document(struct fx *f, const char *owner, int64_t owner_id,
			    int64_t folder, const char *name)
{
	assert_int_equal(
	    bst_db_exec(db_of(f),
			"INSERT INTO documents (owner, owner_id, folder_id, name,"
			" created_by, created_ms, updated_ms)"
			" VALUES ($1, $2, $3, $4, $5, $6, $6)",
			(struct bst_qp[]){BST_QP_TEXT(owner), BST_QP_INT(owner_id),
					  folder ? BST_QP_INT(folder) : BST_QP_NULL,
					  BST_QP_TEXT(name), BST_QP_INT(f->user[ALICE]),
					  BST_QP_INT(NOW - 2000), BST_QP_END},
			NULL, NULL),
	    BST_QS_ONE_RESULT);
	int64_t id = bst_db_last_id();
	assert_int_equal(bst_q_search_put(db_of(f), "document", id, name, ""),
			 BST_QS_ONE_RESULT);
	return id;
}

/* Soft deletions as the services make them: the row stays, the index row
 * too when a service forgot to remove it (search must not rely on it). */
static void soft_delete(struct fx *f, const char *table, int64_t id)
{
	enum bst_qs qs = BST_QS_HARD_ERROR;
	if (strcmp(table, "posts") == 0)
		qs = bst_db_exec(
		    db_of(f), "UPDATE posts SET deleted_ms = $2 WHERE id = $1",
		    (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(NOW - 100), BST_QP_END},
		    NULL, NULL);
	else if (strcmp(table, "comments") == 0)
		qs = bst_db_exec(
		    db_of(f), "UPDATE comments SET deleted_ms = $2 WHERE id = $1",
		    (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(NOW - 100), BST_QP_END},
		    NULL, NULL);
	else if (strcmp(table, "documents") == 0)
		qs = bst_db_exec(
		    db_of(f), "UPDATE documents SET deleted_ms = $2 WHERE id = $1",
		    (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(NOW - 100), BST_QP_END},
		    NULL, NULL);
	else if (strcmp(table, "folders") == 0)
		qs = bst_db_exec(
		    db_of(f), "UPDATE folders SET deleted_ms = $2 WHERE id = $1",
		    (struct bst_qp[]){BST_QP_INT(id), BST_QP_INT(NOW - 100), BST_QP_END},
		    NULL, NULL);
	assert_int_equal(qs, BST_QS_ONE_RESULT);
}

static void set_documents(struct fx *f, bool on)
{
	assert_int_equal(
	    bst_db_exec(db_of(f), "UPDATE apps SET enabled = $1 WHERE name = 'documents'",
			(struct bst_qp[]){BST_QP_INT(on), BST_QP_END}, NULL, NULL),
	    BST_QS_ONE_RESULT);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	if (bst_test_platform_open(&f->t, "search", NOW) != 0)
		return -1;

	f->user[ALICE] = add_user(f, "alice@acme.example", "Alice Martin", "member",
				  "active", "Engineer");
	f->user[BOB] =
	    add_user(f, "bob@acme.example", "Bob Durand", "member", "active", "Sales");
	f->user[CAROL] = add_user(f, "carol@acme.example", "Carol Admin", "admin",
				  "active", "Administrator");
	f->user[DORA] = add_user(f, "dora@acme.example", "Dora Élève", "member",
				 "disabled", "Former élève");
	f->user[EVE] =
	    add_user(f, "eve@acme.example", "Eve Invited", "member", "active", "");
	f->user[FRANK] =
	    add_user(f, "frank@acme.example", "Frank Asking", "member", "active", "");
	f->user[ZOE] =
	    add_user(f, "zoe@acme.example", "Zoé Élève", "member", "active", "Apprentie");

	f->group[G_OPEN] = add_group(f, "Open house", "open");
	f->group[G_PRIVATE] = add_group(f, "Private board", "private");
	f->group[G_SECRET] = add_group(f, "Secret lab", "secret");
	for (int g = 0; g < N_GROUPS; g++)
		add_member(f, f->group[g], f->user[ALICE], "member");
	add_member(f, f->group[G_SECRET], f->user[EVE], "invited");
	add_member(f, f->group[G_PRIVATE], f->user[FRANK], "requested");

	f->post_feed =
	    add_post(f, f->user[ALICE], 0, "Bienvenue à l'élève du mois", NOW - 5000);
	f->post_open =
	    add_post(f, f->user[ALICE], f->group[G_OPEN], "Un élève a gagné", NOW - 4900);
	f->post_private = add_post(f, f->user[ALICE], f->group[G_PRIVATE],
				   "Budget de l'élève, confidentiel", NOW - 4800);
	f->post_secret = add_post(f, f->user[ALICE], f->group[G_SECRET],
				  "Projet secret: l'élève Orion", NOW - 4700);
	f->post_deleted =
	    add_post(f, f->user[ALICE], 0, "Erreur sur l'élève", NOW - 4600);
	soft_delete(f, "posts", f->post_deleted);

	f->comment_feed = add_comment(f, f->user[BOB], f->post_feed, "Bravo à l'élève");
	f->comment_secret =
	    add_comment(f, f->user[ALICE], f->post_secret, "L'élève Orion avance");
	f->comment_deleted =
	    add_comment(f, f->user[BOB], f->post_feed, "Un élève retiré");
	soft_delete(f, "comments", f->comment_deleted);
	f->comment_on_deleted =
	    add_comment(f, f->user[BOB], f->post_deleted, "Quel élève ?");

	f->doc_open = add_document(f, "group", f->group[G_OPEN], 0, "eleve-open.pdf");
	f->doc_secret =
	    add_document(f, "group", f->group[G_SECRET], 0, "eleve-secret.pdf");
	f->doc_private =
	    add_document(f, "group", f->group[G_PRIVATE], 0, "eleve-private.pdf");
	f->doc_alice = add_document(f, "user", f->user[ALICE], 0, "eleve-alice.txt");
	f->doc_bob = add_document(f, "user", f->user[BOB], 0, "eleve-bob.txt");
	f->doc_deleted =
	    add_document(f, "group", f->group[G_OPEN], 0, "eleve-deleted.pdf");
	soft_delete(f, "documents", f->doc_deleted);
	int64_t top = add_folder(f, "group", f->group[G_OPEN], 0, "Archives");
	int64_t sub = add_folder(f, "group", f->group[G_OPEN], top, "2025");
	f->doc_in_deleted_folder =
	    add_document(f, "group", f->group[G_OPEN], sub, "eleve-archived.pdf");
	soft_delete(f, "folders", top);
	/* an index row whose real row does not exist */
	assert_int_equal(bst_q_search_put(db_of(f), "post", 999999, "", "élève fantôme"),
			 BST_QS_ONE_RESULT);
	/* an index row of a kind nobody writes */
	assert_int_equal(
	    bst_q_search_put(db_of(f), "group", f->group[G_SECRET], "élève", ""),
	    BST_QS_ONE_RESULT);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int rc = bst_test_platform_close(&f->t);
	free(f);
	return rc;
}

/* The context of a signed-in person. */
static struct bst_ctx as(struct fx *f, int who)
{
	struct bst_ctx c = f->t.base;
	c.actor = BST_ACTOR_USER;
	assert_int_equal(bst_q_user_by_id(db_of(f), f->user[who], &c.user),
			 BST_QS_ONE_RESULT);
	return c;
}

/* What a search found, as "kind:id" strings in order. */
#define MAX_FOUND 64
struct found {
	int n;
	char hit[MAX_FOUND][48];
	char snippet[MAX_FOUND][512];
	char html[MAX_FOUND][1024];
	char url[MAX_FOUND][64];
	int64_t at[MAX_FOUND];
};

static void collect(void *cls, const struct bst_search_hit *h)
{
	struct found *fd = cls;
	assert_true(fd->n < MAX_FOUND);
	snprintf(fd->hit[fd->n], sizeof fd->hit[0], "%s:%lld",
		 bst_search_kind_name(h->kind), (long long)h->id);
	bst_buf b;
	bst_buf_init(&b);
	bst_search_snippet_text(&b, h->snippet);
	snprintf(fd->snippet[fd->n], sizeof fd->snippet[0], "%s", bst_buf_str(&b));
	bst_buf_reset(&b);
	bst_search_snippet_html(&b, h->snippet);
	snprintf(fd->html[fd->n], sizeof fd->html[0], "%s", bst_buf_str(&b));
	bst_buf_free(&b);
	bst_search_hit_url(h, fd->url[fd->n], sizeof fd->url[0]);
	fd->at[fd->n] = h->at_ms;
	fd->n++;
}

static enum bst_search_status search(struct fx *f, int who, const char *q,
				     const char *kind, struct found *fd)
{
	memset(fd, 0, sizeof *fd);
	struct bst_ctx c = as(f, who);
	int64_t next = -1;
	enum bst_search_status st =
	    bst_search(&c, q, kind, 0, BST_SEARCH_PAGE_MAX, collect, fd, &next);
	assert_int_equal(next, 0);
	return st;
}

static bool has(const struct found *fd, const char *kind, int64_t id)
{
	char want[48];
	snprintf(want, sizeof want, "%s:%lld", kind, (long long)id);
	for (int i = 0; i < fd->n; i++)
		if (strcmp(fd->hit[i], want) == 0)
			return true;
	return false;
}

/* Asserts that fd holds exactly the n hits given as kind, id pairs. */
static void assert_exactly(const struct found *fd, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *kind = va_arg(ap, const char *);
		int64_t id = va_arg(ap, int64_t);
		if (!has(fd, kind, id)) {
			print_error("missing %s:%lld\n", kind, (long long)id);
			fail();
		}
	}
	va_end(ap);
	if (fd->n != n) {
		for (int i = 0; i < fd->n; i++)
			print_error("found %s\n", fd->hit[i]);
		fail_msg("found %d hits, expected %d", fd->n, n);
	}
}

/* ---- who sees what ---- */

static void
test_search_member_of_every_group_sees_their_content_but_nothing_deleted(void **state)
{
	struct fx *f = *state;
	struct found fd;
	assert_int_equal(search(f, ALICE, "eleve", NULL, &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 11, "post", f->post_feed, "post", f->post_open, "post",
		       f->post_private, "post", f->post_secret, "comment",
		       f->comment_feed, "comment", f->comment_secret, "user",
		       f->user[ZOE], "document", f->doc_open, "document", f->doc_secret,
		       "document", f->doc_private, "document", f->doc_alice);
	assert_false(has(&fd, "post", f->post_deleted));
	assert_false(has(&fd, "comment", f->comment_deleted));
	assert_false(has(&fd, "comment", f->comment_on_deleted));
	assert_false(has(&fd, "document", f->doc_deleted));
	assert_false(has(&fd, "document", f->doc_in_deleted_folder));
	assert_false(has(&fd, "user", f->user[DORA]));
	assert_false(has(&fd, "post", 999999));
	assert_false(has(&fd, "document", f->doc_bob));
}

static void test_search_non_member_sees_feed_and_open_group_only(void **state)
{
	struct fx *f = *state;
	struct found fd;
	assert_int_equal(search(f, BOB, "eleve", NULL, &fd), BST_SEARCH_OK);
	/* and his own personal document */
	assert_exactly(&fd, 6, "post", f->post_feed, "post", f->post_open, "comment",
		       f->comment_feed, "user", f->user[ZOE], "document", f->doc_open,
		       "document", f->doc_bob);
	assert_int_equal(search(f, BOB, "bob", "document", &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 1, "document", f->doc_bob);
}

static void
test_search_secret_group_post_is_invisible_to_non_member_even_when_words_match(
    void **state)
{
	struct fx *f = *state;
	struct found fd;
	/* words that only the secret group's publication and comment hold */
	for (int who = BOB; who <= FRANK; who++) {
		if (who == DORA)
			continue; /* disabled: cannot search, tested below */
		assert_int_equal(search(f, who, "projet secret orion", NULL, &fd),
				 BST_SEARCH_OK);
		assert_int_equal(fd.n, 0);
		assert_int_equal(search(f, who, "orion", NULL, &fd), BST_SEARCH_OK);
		assert_int_equal(fd.n, 0);
		assert_int_equal(search(f, who, "eleve secret", "document", &fd),
				 BST_SEARCH_OK);
		assert_int_equal(fd.n, 0);
	}
	assert_int_equal(search(f, ALICE, "orion", NULL, &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 2, "post", f->post_secret, "comment", f->comment_secret);
}

static void test_search_invitation_or_request_is_not_membership(void **state)
{
	struct fx *f = *state;
	struct found fd;
	/* Eve is invited to the secret group, Frank asked to join the private one */
	assert_int_equal(search(f, EVE, "eleve", NULL, &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 5, "post", f->post_feed, "post", f->post_open, "comment",
		       f->comment_feed, "user", f->user[ZOE], "document", f->doc_open);
	assert_int_equal(search(f, FRANK, "confidentiel", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
	assert_int_equal(search(f, FRANK, "eleve private", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
}

static void test_search_platform_admin_sees_no_more_than_a_member(void **state)
{
	struct fx *f = *state;
	struct found fd;
	assert_int_equal(search(f, CAROL, "eleve", NULL, &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 5, "post", f->post_feed, "post", f->post_open, "comment",
		       f->comment_feed, "user", f->user[ZOE], "document", f->doc_open);
}

static void test_search_documents_invisible_when_the_application_is_off(void **state)
{
	struct fx *f = *state;
	struct found fd;
	set_documents(f, false);
	assert_int_equal(search(f, ALICE, "eleve", NULL, &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 7, "post", f->post_feed, "post", f->post_open, "post",
		       f->post_private, "post", f->post_secret, "comment",
		       f->comment_feed, "comment", f->comment_secret, "user",
		       f->user[ZOE]);
	assert_int_equal(search(f, ALICE, "eleve", "document", &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
	set_documents(f, true);
	assert_int_equal(search(f, ALICE, "eleve", "document", &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 4);
}

static void test_search_people_only_when_active(void **state)
{
	struct fx *f = *state;
	struct found fd;
	assert_int_equal(search(f, BOB, "dora", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
	assert_int_equal(search(f, BOB, "zoe", "user", &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 1, "user", f->user[ZOE]);
	char url[64];
	snprintf(url, sizeof url, "/people/%lld", (long long)f->user[ZOE]);
	assert_string_equal(fd.url[0], url);
}

static void test_search_removed_membership_hides_again(void **state)
{
	struct fx *f = *state;
	struct found fd;
	assert_int_equal(
	    bst_db_exec(db_of(f),
			"DELETE FROM group_members WHERE group_id = $1 AND user_id = $2",
			(struct bst_qp[]){BST_QP_INT(f->group[G_SECRET]),
					  BST_QP_INT(f->user[ALICE]), BST_QP_END},
			NULL, NULL),
	    BST_QS_ONE_RESULT);
	assert_int_equal(search(f, ALICE, "orion", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
}

static void test_search_anonymous_is_refused(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = f->t.base;
	struct found fd = {0};
	int64_t next = -1;
	assert_int_equal(bst_search(&c, "eleve", NULL, 0, 10, collect, &fd, &next),
			 BST_SEARCH_FORBIDDEN);
	assert_int_equal(fd.n, 0);
	assert_int_equal(next, 0);
}

/* ---- words, accents, syntax ---- */

static void test_search_eleve_finds_Eleve_and_the_other_way_round(void **state)
{
	struct fx *f = *state;
	struct found a, b;
	assert_int_equal(search(f, ALICE, "eleve", "post", &a), BST_SEARCH_OK);
	assert_int_equal(search(f, ALICE, "ÉLÈVE", "post", &b), BST_SEARCH_OK);
	assert_int_equal(a.n, 4);
	assert_int_equal(b.n, 4);
	for (int i = 0; i < a.n; i++)
		assert_string_equal(a.hit[i], b.hit[i]);
	assert_int_equal(search(f, BOB, "Zoe eleve", "user", &a), BST_SEARCH_OK);
	assert_exactly(&a, 1, "user", f->user[ZOE]);
}

static void test_search_every_word_must_match(void **state)
{
	struct fx *f = *state;
	struct found fd;
	assert_int_equal(search(f, ALICE, "eleve gagné", NULL, &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 1, "post", f->post_open);
	assert_int_equal(search(f, ALICE, "eleve nowhere", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
}

static void test_search_fts5_syntax_is_taken_as_plain_words(void **state)
{
	struct fx *f = *state;
	struct found fd;
	static const char *const tricky[] = {
	    "\"",
	    "eleve\"",
	    "eleve OR orion",
	    "NOT eleve",
	    "eleve AND",
	    "title:eleve",
	    "eleve*",
	    "*",
	    "(eleve",
	    "eleve)",
	    "NEAR(eleve orion)",
	    "^eleve",
	    "{title}: x",
	    "eleve + orion",
	    "''",
	    "\"\"\"",
	    "-",
	    "a\"b\"c",
	    "col:",
	    "eleve -orion",
	};
	for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++)
		assert_int_equal(search(f, BOB, tricky[i], NULL, &fd), BST_SEARCH_OK);
	/* OR is a word here: no publication holds "or" */
	assert_int_equal(search(f, ALICE, "eleve OR orion", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
	/* a column filter is not one: "title" is a word too */
	assert_int_equal(search(f, ALICE, "title:eleve", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
	/* punctuation inside a word: the tokenizer splits it, as in the text */
	assert_int_equal(search(f, ALICE, "l'élève", "post", &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 3, "post", f->post_feed, "post", f->post_private, "post",
		       f->post_secret);
}

static void test_search_fts_query_quotes_every_word(void **state)
{
	(void)state;
	char out[BST_Q_SEARCH_FTS_LEN];
	const char *q = "  élève  a\"b\tOR*  ";
	assert_int_equal(bst_q_search_fts_query(q, strlen(q), out, sizeof out),
			 BST_Q_SEARCH_OK);
	assert_string_equal(out, "\"élève\" \"a\"\"b\" \"OR*\"");
	q = "\"";
	assert_int_equal(bst_q_search_fts_query(q, 1, out, sizeof out), BST_Q_SEARCH_OK);
	assert_string_equal(out, "\"\"\"\"");
	/* the worst case fits: 20 words made of quotes */
	char worst[BST_Q_SEARCH_QUERY_MAX + 1];
	memset(worst, '"', sizeof worst - 1);
	for (int i = 9; i < BST_Q_SEARCH_QUERY_MAX; i += 10)
		worst[i] = ' ';
	worst[sizeof worst - 1] = '\0';
	assert_int_equal(bst_q_search_fts_query(worst, strlen(worst), out, sizeof out),
			 BST_Q_SEARCH_OK);
	assert_int_equal(strlen(out), 2 * 180 + 20 * 2 + 19);
}

static void test_search_refuses_empty_long_and_broken_queries(void **state)
{
	struct fx *f = *state;
	struct found fd;
	assert_int_equal(search(f, BOB, "", NULL, &fd), BST_SEARCH_EMPTY);
	assert_int_equal(search(f, BOB, " \t\n ", NULL, &fd), BST_SEARCH_EMPTY);
	assert_int_equal(search(f, BOB, NULL, NULL, &fd), BST_SEARCH_EMPTY);
	char q[BST_SEARCH_QUERY_MAX + 2];
	memset(q, 'a', BST_SEARCH_QUERY_MAX);
	q[BST_SEARCH_QUERY_MAX] = '\0';
	assert_int_equal(search(f, BOB, q, NULL, &fd), BST_SEARCH_OK); /* at the limit */
	q[BST_SEARCH_QUERY_MAX] = 'a';
	q[BST_SEARCH_QUERY_MAX + 1] = '\0';
	assert_int_equal(search(f, BOB, q, NULL, &fd), BST_SEARCH_TOO_LONG);
	/* 21 words */
	char words[64] = "";
	for (int i = 0; i <= BST_SEARCH_WORDS_MAX; i++)
		strcat(words, "a ");
	assert_int_equal(search(f, BOB, words, NULL, &fd), BST_SEARCH_TOO_LONG);
	words[2 * BST_SEARCH_WORDS_MAX] = '\0';
	assert_int_equal(search(f, BOB, words, NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(search(f, BOB, "eleve\x01", NULL, &fd), BST_SEARCH_INVALID);
	assert_int_equal(search(f, BOB,
				"el\xff"
				"eve",
				NULL, &fd),
			 BST_SEARCH_INVALID);
	assert_int_equal(search(f, BOB, "\xc3", NULL, &fd), BST_SEARCH_INVALID);
	assert_int_equal(search(f, BOB, "\xed\xa0\x80", NULL, &fd), BST_SEARCH_INVALID);
	assert_int_equal(search(f, BOB, "eleve", "group", &fd), BST_SEARCH_BAD_KIND);
	assert_int_equal(bst_search_http_status(BST_SEARCH_EMPTY), 400);
	assert_int_equal(bst_search_http_status(BST_SEARCH_TOO_LONG), 400);
	assert_string_equal(bst_search_code(BST_SEARCH_TOO_LONG), "query_too_long");
}

/* ---- order and pages ---- */

static void test_search_pages_newest_first_without_repeats(void **state)
{
	struct fx *f = *state;
	int64_t ids[25];
	for (int i = 0; i < 25; i++)
		ids[i] =
		    add_post(f, f->user[BOB], 0, "Réunion mensuelle", NOW - 1000 + i);
	struct bst_ctx c = as(f, BOB);
	int64_t cursor = 0, next;
	int seen = 0;
	for (int page = 0; page < 3; page++) {
		struct found fd = {0};
		assert_int_equal(
		    bst_search(&c, "reunion", NULL, cursor, 10, collect, &fd, &next),
		    BST_SEARCH_OK);
		assert_int_equal(fd.n, page < 2 ? 10 : 5);
		for (int i = 0; i < fd.n; i++) {
			/* equal texts rank equally: then newest first */
			char want[48];
			snprintf(want, sizeof want, "post:%lld",
				 (long long)ids[24 - seen]);
			assert_string_equal(fd.hit[i], want);
			seen++;
		}
		assert_int_equal(next, page < 2 ? cursor + 10 : 0);
		cursor = next;
	}
	assert_int_equal(seen, 25);
}

static void test_search_cursor_is_bounded(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = as(f, BOB);
	struct found fd = {0};
	int64_t next = -1;
	assert_int_equal(bst_search(&c, "eleve", NULL, -1, 10, collect, &fd, &next),
			 BST_SEARCH_BAD_CURSOR);
	assert_int_equal(bst_search(&c, "eleve", NULL, BST_SEARCH_DEPTH_MAX + 1, 10,
				    collect, &fd, &next),
			 BST_SEARCH_BAD_CURSOR);
	assert_int_equal(
	    bst_search(&c, "eleve", NULL, BST_SEARCH_DEPTH_MAX, 10, collect, &fd, &next),
	    BST_SEARCH_OK);
	assert_int_equal(fd.n, 0);
	assert_int_equal(next, 0);
}

static void test_search_invisible_rows_do_not_use_up_the_ranking_window(void **state)
{
	struct fx *f = *state;
	int64_t old = add_post(f, f->user[BOB], 0, "Le tamanoir du matin", NOW - 8000);
	/* newer than it: a window's worth of secret publications with the word */
	for (int i = 0; i < BST_Q_SEARCH_WINDOW + 5; i++)
		add_post(f, f->user[ALICE], f->group[G_SECRET], "Tamanoir secret",
			 NOW + i);
	struct found fd;
	assert_int_equal(search(f, BOB, "tamanoir", NULL, &fd), BST_SEARCH_OK);
	assert_exactly(&fd, 1, "post", old);
	/* Alice sees the newest window of them; the oldest falls outside */
	struct bst_ctx c = as(f, ALICE);
	int64_t next = 0;
	int64_t cursor = BST_SEARCH_DEPTH_MAX - 10;
	memset(&fd, 0, sizeof fd);
	assert_int_equal(
	    bst_search(&c, "tamanoir", NULL, cursor, 50, collect, &fd, &next),
	    BST_SEARCH_OK);
	assert_int_equal(fd.n, 10);
	assert_int_equal(next, 0);
	assert_false(has(&fd, "post", old));
}

static void test_search_title_weighs_more_than_body(void **state)
{
	struct fx *f = *state;
	int64_t doc = add_document(f, "group", f->group[G_OPEN], 0, "Kangourou.pdf");
	add_post(f, f->user[BOB], 0,
		 "Une longue publication qui parle entre autres choses d'un kangourou",
		 NOW);
	struct found fd;
	assert_int_equal(search(f, BOB, "kangourou", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 2);
	char want[48];
	snprintf(want, sizeof want, "document:%lld", (long long)doc);
	assert_string_equal(fd.hit[0], want);
}

/* ---- what reaches a page ---- */

static void test_search_snippet_escapes_text_and_marks_matches(void **state)
{
	struct fx *f = *state;
	int64_t id =
	    add_post(f, f->user[BOB], 0,
		     "<script>alert(1)</script> <b>Hippopotame</b> & \"co\"", NOW);
	struct found fd;
	assert_int_equal(search(f, BOB, "hippopotame", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 1);
	assert_string_equal(
	    fd.html[0],
	    "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;<mark>Hippopotame</mark>"
	    "&lt;/b&gt; &amp; \"co\"");
	assert_string_equal(fd.snippet[0],
			    "<script>alert(1)</script> <b>Hippopotame</b> & \"co\"");
	char url[64];
	snprintf(url, sizeof url, "/posts/%lld", (long long)id);
	assert_string_equal(fd.url[0], url);
}

static void test_search_snippet_markers_always_balance(void **state)
{
	(void)state;
	bst_buf b;
	bst_buf_init(&b);
	bst_search_snippet_html(&b, "\x02"
				    "a\x01"
				    "b<\x01"
				    "c");
	assert_string_equal(bst_buf_str(&b), "a<mark>b&lt;c</mark>");
	bst_buf_reset(&b);
	bst_search_snippet_html(&b, "x\x03y\x7fz");
	assert_string_equal(bst_buf_str(&b), "x y z");
	bst_buf_reset(&b);
	bst_search_snippet_text(&b, "\x01"
				    "a\x02 & b");
	assert_string_equal(bst_buf_str(&b), "a & b");
	bst_buf_free(&b);
}

static void test_search_comment_links_to_its_publication(void **state)
{
	struct fx *f = *state;
	struct found fd;
	assert_int_equal(search(f, BOB, "bravo", NULL, &fd), BST_SEARCH_OK);
	assert_int_equal(fd.n, 1);
	char url[64];
	snprintf(url, sizeof url, "/posts/%lld#comment-%lld", (long long)f->post_feed,
		 (long long)f->comment_feed);
	assert_string_equal(fd.url[0], url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	    T(test_search_member_of_every_group_sees_their_content_but_nothing_deleted),
	    T(test_search_non_member_sees_feed_and_open_group_only),
	    T(test_search_secret_group_post_is_invisible_to_non_member_even_when_words_match),
	    T(test_search_invitation_or_request_is_not_membership),
	    T(test_search_platform_admin_sees_no_more_than_a_member),
	    T(test_search_documents_invisible_when_the_application_is_off),
	    T(test_search_people_only_when_active),
	    T(test_search_removed_membership_hides_again),
	    T(test_search_anonymous_is_refused),
	    T(test_search_eleve_finds_Eleve_and_the_other_way_round),
	    T(test_search_every_word_must_match),
	    T(test_search_fts5_syntax_is_taken_as_plain_words),
	    cmocka_unit_test(test_search_fts_query_quotes_every_word),
	    T(test_search_refuses_empty_long_and_broken_queries),
	    T(test_search_pages_newest_first_without_repeats),
	    T(test_search_cursor_is_bounded),
	    T(test_search_invisible_rows_do_not_use_up_the_ranking_window),
	    T(test_search_title_weighs_more_than_body),
	    T(test_search_snippet_escapes_text_and_marks_matches),
	    cmocka_unit_test(test_search_snippet_markers_always_balance),
	    T(test_search_comment_links_to_its_publication),
#undef T
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
