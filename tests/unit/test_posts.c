/* Unit tests for the publications service (src/social/posts.c, comments.c,
 * reactions.c, feed.c, mentions.c) against a real platform in a temporary
 * installation: publishing rules per kind of group, mentions resolved only
 * for people who may read, versions and who sees them, soft deletion and
 * who still sees it, pins, one level of replies, idempotent reactions, the
 * home feed's composition and cursor pagination, the new-publication
 * count, the search index kept in step, audit events, and the documents
 * attached to publications (the group's library, open groups' for the
 * platform feed, never a personal space; shown to each reader only when
 * readable and live; gone with the Documents application). */
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
#include "db/q_documents.h"
#include "db/q_groups.h"
#include "db/queries.h"
#include "social/documents.h"
#include "social/posts.h"
#include "social/render_cache.h"
#include "tenant/context.h"
#include "tenant/install.h"
#include "tenant/platform.h"

#define NOW 1700000000000LL /* any fixed UTC instant, in ms */

struct fx {
	struct bst_test_platform t; /* dir, in, p, arena, cfg, base */
	/* people */
	int64_t admin, alice, bob, carol, dave, sam1, sam2, gone;
	/* groups: private (alice admin, dave member), secret (carol admin,
	 * alice member), open (bob admin) */
	int64_t priv, secret, open;
};

static int group_setup(void **state)
{
	(void)state;
	bst_log_set_level(BST_LOG_ERROR);
	return bst_crypto_init();
}

static int64_t add_user(struct fx *f, const char *email, const char *role,
			const char *status)
{
	int64_t id = 0;
	assert_int_equal(bst_q_user_insert(f->t.p->main, email, email, role, status, NULL,
					   NOW - 1000, &id),
			 BST_QS_ONE_RESULT);
	return id;
}

static int64_t add_group(struct fx *f, const char *name, const char *kind, int64_t admin)
{
	int64_t id = 0;
	assert_int_equal(
	    bst_q_group_insert(f->t.p->main, name, "", kind, admin, NOW - 500, &id),
	    BST_QS_ONE_RESULT);
	return id;
}

static void add_member(struct fx *f, int64_t group, int64_t user)
{
	assert_int_equal(bst_q_group_member_insert(f->t.p->main, group, user, "member",
						   "member", 0, NOW - 400),
			 BST_QS_ONE_RESULT);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	if (bst_test_platform_open(&f->t, "posts", NOW) != 0)
		return -1;
	f->admin = add_user(f, "boss@acme.example", "admin", "active");
	f->alice = add_user(f, "alice@acme.example", "member", "active");
	f->bob = add_user(f, "bob@acme.example", "member", "active");
	f->carol = add_user(f, "carol@acme.example", "member", "active");
	f->dave = add_user(f, "dave@acme.example", "member", "active");
	f->sam1 = add_user(f, "sam@acme.example", "member", "active");
	f->sam2 = add_user(f, "sam@other.example", "member", "active");
	f->gone = add_user(f, "gone@acme.example", "member", "disabled");
	f->priv = add_group(f, "Board", "private", f->alice);
	add_member(f, f->priv, f->dave);
	f->secret = add_group(f, "Skunkworks", "secret", f->carol);
	add_member(f, f->secret, f->alice);
	f->open = add_group(f, "Lunch", "open", f->bob);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int rc = bst_test_platform_close(&f->t);
	free(f);
	return rc;
}

/* A context acting as user id, at NOW + dt ms. */
static struct bst_ctx as(const struct fx *f, int64_t id, int64_t dt)
{
	struct bst_ctx c = f->t.base;
	c.now = NOW + dt;
	if (id) {
		c.actor = BST_ACTOR_USER;
		assert_int_equal(bst_q_user_by_id(f->t.p->main, id, &c.user),
				 BST_QS_ONE_RESULT);
	}
	return c;
}

static int64_t publish(struct fx *f, int64_t who, int64_t group, const char *body,
		       int64_t dt)
{
	struct bst_ctx c = as(f, who, dt);
	int64_t id = 0;
	assert_int_equal(bst_post_create(&c, group, body, &id), BST_POST_OK);
	assert_true(id > 0);
	return id;
}

static int64_t comment(struct fx *f, int64_t who, int64_t post, int64_t parent,
		       const char *body)
{
	struct bst_ctx c = as(f, who, 0);
	int64_t id = 0;
	assert_int_equal(bst_comment_create(&c, post, parent, body, &id), BST_POST_OK);
	assert_true(id > 0);
	return id;
}

static int one_int(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

/* Notifications of kind for user (any post when post is 0). */
static int64_t notifications(struct fx *f, int64_t user, const char *kind, int64_t post)
{
	int64_t n = -1;
	assert_int_equal(
	    bst_db_exec(f->t.p->main,
			"SELECT count(*) FROM notifications WHERE user_id = $1"
			" AND kind = $2 AND ($3 = 0 OR post_id = $3)",
			(struct bst_qp[]){BST_QP_INT(user), BST_QP_TEXT(kind),
					  BST_QP_INT(post), BST_QP_END},
			one_int, &n),
	    BST_QS_ONE_RESULT);
	return n;
}

static int64_t indexed(struct fx *f, const char *kind, int64_t ref)
{
	int64_t n = -1;
	assert_int_equal(
	    bst_db_exec(f->t.p->main,
			"SELECT count(*) FROM search_index WHERE kind = $1 AND ref = $2",
			(struct bst_qp[]){BST_QP_TEXT(kind), BST_QP_INT(ref), BST_QP_END},
			one_int, &n),
	    BST_QS_ONE_RESULT);
	return n;
}

static int64_t audited(struct fx *f, const char *event, const char *target)
{
	int64_t n = -1;
	assert_int_equal(
	    bst_db_exec(
		f->t.p->audit,
		"SELECT count(*) FROM events WHERE event = $1 AND target = $2",
		(struct bst_qp[]){BST_QP_TEXT(event), BST_QP_TEXT(target), BST_QP_END},
		one_int, &n),
	    BST_QS_ONE_RESULT);
	return n;
}

/* ---- feeds collected into arrays ---- */

struct ids {
	int64_t v[64];
	int n;
};

static void each_id(void *cls, const struct bst_post *p)
{
	struct ids *l = cls;
	if (l->n < 64)
		l->v[l->n++] = p->row.id;
}

static struct ids feed(struct fx *f, int64_t who, int64_t which, int64_t before,
		       int limit, bool without_pins)
{
	struct bst_ctx c = as(f, who, 0);
	struct ids l = {.n = 0};
	assert_int_equal(
	    bst_feed_list(&c, which, before, limit, without_pins, each_id, &l),
	    BST_POST_OK);
	return l;
}

static bool has(const struct ids *l, int64_t id)
{
	for (int i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return true;
	return false;
}

/* ---- publishing ---- */

static void
test_posts_platform_feed_publication_is_read_by_every_active_user(void **state)
{
	struct fx *f = *state;
	int64_t id = publish(f, f->alice, 0, "Hello **everyone**", 0);
	struct bst_ctx c = as(f, f->bob, 0);
	struct bst_post p;
	assert_int_equal(bst_post_get(&c, id, &p), BST_POST_OK);
	assert_string_equal(p.row.body, "Hello **everyone**");
	assert_int_equal(p.row.author_id, f->alice);
	assert_int_equal(p.row.group_id, 0);
	assert_true(p.can_take_part);
	assert_false(p.can_edit);
	assert_false(p.can_delete);
	assert_false(p.can_pin);
	/* anonymous: nothing */
	struct bst_ctx anon = as(f, 0, 0);
	assert_int_equal(bst_post_get(&anon, id, &p), BST_POST_NOT_FOUND);
	int64_t ignored;
	assert_int_equal(bst_post_create(&anon, 0, "x", &ignored), BST_POST_FORBIDDEN);
	/* indexed for search with the Markdown text */
	assert_int_equal(indexed(f, "post", id), 1);
}

static void test_posts_body_must_be_nonempty_bounded_and_sane(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = as(f, f->alice, 0);
	int64_t id;
	assert_int_equal(bst_post_create(&c, 0, "", &id), BST_POST_EMPTY);
	assert_int_equal(bst_post_create(&c, 0, " \n\t ", &id), BST_POST_EMPTY);
	char *big = malloc(BST_POST_BODY_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', BST_POST_BODY_MAX + 1);
	big[BST_POST_BODY_MAX + 1] = '\0';
	assert_int_equal(bst_post_create(&c, 0, big, &id), BST_POST_TOO_LARGE);
	big[BST_POST_BODY_MAX] = '\0';
	assert_int_equal(bst_post_create(&c, 0, big, &id), BST_POST_OK);
	memset(big, '>', 200);
	big[200] = '\0';
	assert_int_equal(bst_post_create(&c, 0, big, &id), BST_POST_TOO_DEEP);
	assert_int_equal(id, 0);
	free(big);
	assert_int_equal(bst_post_http_status(BST_POST_TOO_LARGE), 413);
	assert_string_equal(bst_post_code(BST_POST_TOO_DEEP), "text_too_deep");
}

static void test_posts_group_publishing_needs_membership(void **state)
{
	struct fx *f = *state;
	int64_t id;
	struct bst_ctx bob = as(f, f->bob, 0);
	/* private: bob sees the group but may not publish */
	assert_int_equal(bst_post_create(&bob, f->priv, "hi", &id), BST_POST_FORBIDDEN);
	/* secret: as if it did not exist */
	assert_int_equal(bst_post_create(&bob, f->secret, "hi", &id),
			 BST_POST_GROUP_NOT_FOUND);
	assert_int_equal(bst_post_create(&bob, 99999, "hi", &id),
			 BST_POST_GROUP_NOT_FOUND);
	/* open: members publish; others read but do not publish */
	struct bst_ctx alice = as(f, f->alice, 0);
	assert_int_equal(bst_post_create(&alice, f->open, "hi", &id), BST_POST_FORBIDDEN);
	int64_t lunch = publish(f, f->bob, f->open, "Pizza?", 0);
	struct bst_post p;
	assert_int_equal(bst_post_get(&alice, lunch, &p), BST_POST_OK);
	assert_false(p.can_take_part);
	/* members publish in private and secret groups */
	int64_t board = publish(f, f->dave, f->priv, "Budget", 0);
	int64_t skunk = publish(f, f->alice, f->secret, "Prototype", 0);
	assert_int_equal(bst_post_get(&bob, board, &p), BST_POST_NOT_FOUND);
	assert_int_equal(bst_post_get(&bob, skunk, &p), BST_POST_NOT_FOUND);
	struct bst_ctx dave = as(f, f->dave, 0);
	assert_int_equal(bst_post_get(&dave, skunk, &p), BST_POST_NOT_FOUND);
	assert_int_equal(bst_post_get(&alice, board, &p), BST_POST_OK);
	assert_string_equal(p.row.group_name, "Board");
	/* the platform administrator manages the private group, not the
	 * secret one he is not in */
	struct bst_ctx boss = as(f, f->admin, 0);
	assert_int_equal(bst_post_get(&boss, skunk, &p), BST_POST_NOT_FOUND);
}

/* ---- mentions ---- */

static void test_posts_mentions_resolve_only_for_readers_and_notify_them(void **state)
{
	struct fx *f = *state;
	/* bob is not in the private group: not mentioned, not notified */
	int64_t id = publish(f, f->alice, f->priv,
			     "Ping @dave and @Bob, also @sam and @gone "
			     "and @nobody `@carol`",
			     0);
	assert_int_equal(notifications(f, f->dave, "mention", id), 1);
	assert_int_equal(notifications(f, f->bob, "mention", 0), 0);
	/* two users share "sam": neither resolves */
	assert_int_equal(notifications(f, f->sam1, "mention", 0), 0);
	assert_int_equal(notifications(f, f->sam2, "mention", 0), 0);
	assert_int_equal(notifications(f, f->gone, "mention", 0), 0);
	assert_int_equal(notifications(f, f->carol, "mention", 0), 0);
	/* the rendered text links the resolved mention only */
	struct bst_ctx dave = as(f, f->dave, 0);
	struct bst_post p;
	assert_int_equal(bst_post_get(&dave, id, &p), BST_POST_OK);
	bst_buf b;
	bst_buf_init(&b);
	bst_post_render(&dave, &p.row, &b);
	char want[64];
	snprintf(want, sizeof want, "<a href=\"/people/%lld\">@dave</a>",
		 (long long)f->dave);
	assert_non_null(strstr(bst_buf_str(&b), want));
	assert_null(strstr(bst_buf_str(&b), "people/" /* bob */ "0"));
	assert_non_null(strstr(bst_buf_str(&b), "@Bob"));
	assert_null(strstr(bst_buf_str(&b), ">@Bob</a>"));
	bst_buf_free(&b);
}

static void test_posts_mention_in_secret_group_does_not_reach_outsiders(void **state)
{
	struct fx *f = *state;
	int64_t id = publish(f, f->alice, f->secret, "@carol @dave @boss look", 0);
	assert_int_equal(notifications(f, f->carol, "mention", id), 1);
	assert_int_equal(notifications(f, f->dave, "mention", 0), 0);
	/* a platform administrator who is not a member is no exception */
	assert_int_equal(notifications(f, f->admin, "mention", 0), 0);
	/* a comment there mentioning an outsider: still nothing */
	comment(f, f->carol, id, 0, "cc @dave");
	assert_int_equal(notifications(f, f->dave, "mention", 0), 0);
}

static void test_posts_edit_notifies_only_newly_mentioned(void **state)
{
	struct fx *f = *state;
	int64_t id = publish(f, f->alice, 0, "Hi @bob", 0);
	assert_int_equal(notifications(f, f->bob, "mention", id), 1);
	struct bst_ctx alice = as(f, f->alice, 1000);
	assert_int_equal(bst_post_edit(&alice, id, "Hi @bob and @carol"), BST_POST_OK);
	assert_int_equal(notifications(f, f->bob, "mention", id), 1);
	assert_int_equal(notifications(f, f->carol, "mention", id), 1);
	/* nobody is told of their own mention */
	assert_int_equal(bst_post_edit(&alice, id, "Hi @alice"), BST_POST_OK);
	assert_int_equal(notifications(f, f->alice, "mention", 0), 0);
}

/* ---- versions ---- */

struct versions {
	char bodies[8][64];
	int n;
};

static void each_version(void *cls, const struct bst_version_row *v)
{
	struct versions *l = cls;
	if (l->n < 8)
		snprintf(l->bodies[l->n++], sizeof l->bodies[0], "%s", v->body);
}

static void test_posts_edit_keeps_versions_for_author_and_admins_only(void **state)
{
	struct fx *f = *state;
	int64_t id = publish(f, f->alice, 0, "first", 0);
	struct bst_ctx alice = as(f, f->alice, 1000);
	assert_int_equal(bst_post_edit(&alice, id, "second"), BST_POST_OK);
	alice.now += 1000;
	assert_int_equal(bst_post_edit(&alice, id, "third"), BST_POST_OK);
	/* the same text again makes no version */
	assert_int_equal(bst_post_edit(&alice, id, "third"), BST_POST_OK);
	struct bst_post p;
	assert_int_equal(bst_post_get(&alice, id, &p), BST_POST_OK);
	assert_string_equal(p.row.body, "third");
	assert_int_equal(p.row.edited_ms, NOW + 2000);
	struct versions v = {.n = 0};
	assert_int_equal(bst_post_versions(&alice, id, each_version, &v), BST_POST_OK);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.bodies[0], "second");
	assert_string_equal(v.bodies[1], "first");
	struct bst_ctx boss = as(f, f->admin, 0);
	v.n = 0;
	assert_int_equal(bst_post_versions(&boss, id, each_version, &v), BST_POST_OK);
	assert_int_equal(v.n, 2);
	struct bst_ctx bob = as(f, f->bob, 0);
	assert_int_equal(bst_post_versions(&bob, id, each_version, &v),
			 BST_POST_FORBIDDEN);
	/* nobody but the author edits, not even an administrator */
	assert_int_equal(bst_post_edit(&bob, id, "hacked"), BST_POST_FORBIDDEN);
	assert_int_equal(bst_post_edit(&boss, id, "moderated"), BST_POST_FORBIDDEN);
	assert_int_equal(bst_post_edit(&alice, id, ""), BST_POST_EMPTY);
	char target[32];
	snprintf(target, sizeof target, "post:%lld", (long long)id);
	assert_int_equal(audited(f, "post.edit", target), 2);
}

static void test_posts_comment_edit_keeps_versions(void **state)
{
	struct fx *f = *state;
	int64_t post = publish(f, f->alice, 0, "topic", 0);
	int64_t cid = comment(f, f->bob, post, 0, "my first take");
	struct bst_ctx bob = as(f, f->bob, 1000);
	assert_int_equal(bst_comment_edit(&bob, cid, "my second take"), BST_POST_OK);
	struct versions v = {.n = 0};
	assert_int_equal(bst_comment_versions(&bob, cid, each_version, &v), BST_POST_OK);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.bodies[0], "my first take");
	struct bst_ctx alice = as(f, f->alice, 0);
	assert_int_equal(bst_comment_versions(&alice, cid, each_version, &v),
			 BST_POST_FORBIDDEN);
	assert_int_equal(bst_comment_edit(&alice, cid, "x"), BST_POST_FORBIDDEN);
	struct bst_comment c;
	assert_int_equal(bst_comment_get(&alice, post, cid, &c), BST_POST_OK);
	assert_string_equal(c.row.body, "my second take");
	assert_int_equal(bst_comment_get(&alice, post + 1000, cid, &c),
			 BST_POST_NOT_FOUND);
}

/* ---- soft deletion ---- */

static void test_posts_soft_delete_hides_from_all_but_platform_admins(void **state)
{
	struct fx *f = *state;
	int64_t id = publish(f, f->bob, 0, "regrettable", 0);
	int64_t cid = comment(f, f->alice, id, 0, "indeed");
	struct bst_ctx alice = as(f, f->alice, 0);
	assert_int_equal(bst_post_delete(&alice, id), BST_POST_FORBIDDEN);
	struct bst_ctx bob = as(f, f->bob, 5000);
	assert_int_equal(bst_post_delete(&bob, id), BST_POST_OK);
	struct bst_post p;
	assert_int_equal(bst_post_get(&alice, id, &p), BST_POST_NOT_FOUND);
	/* even the author no longer sees it */
	assert_int_equal(bst_post_get(&bob, id, &p), BST_POST_NOT_FOUND);
	assert_int_equal(bst_post_delete(&bob, id), BST_POST_NOT_FOUND);
	struct ids l = feed(f, f->alice, BST_FEED_HOME, 0, 20, false);
	assert_false(has(&l, id));
	/* the administrator sees it, marked deleted, and cannot change it */
	struct bst_ctx boss = as(f, f->admin, 0);
	assert_int_equal(bst_post_get(&boss, id, &p), BST_POST_OK);
	assert_int_equal(p.row.deleted_ms, NOW + 5000);
	assert_int_equal(p.row.deleted_by, f->bob);
	assert_false(p.can_edit || p.can_delete || p.can_pin || p.can_take_part);
	l = feed(f, f->admin, BST_FEED_HOME, 0, 20, false);
	assert_true(has(&l, id));
	assert_int_equal(bst_post_delete(&boss, id), BST_POST_DELETED);
	/* no more comments, and gone from search with its comments */
	int64_t ignored;
	assert_int_equal(bst_comment_create(&boss, id, 0, "late", &ignored),
			 BST_POST_DELETED);
	assert_int_equal(indexed(f, "post", id), 0);
	assert_int_equal(indexed(f, "comment", cid), 0);
	char target[32];
	snprintf(target, sizeof target, "post:%lld", (long long)id);
	assert_int_equal(audited(f, "post.delete", target), 1);
}

static void test_posts_moderators_delete_in_their_feed(void **state)
{
	struct fx *f = *state;
	/* the group administrator deletes a member's post in the group */
	int64_t id = publish(f, f->dave, f->priv, "off-topic", 0);
	struct bst_ctx alice = as(f, f->alice, 0);
	assert_int_equal(bst_post_delete(&alice, id), BST_POST_OK);
	/* but not on the platform feed */
	int64_t pub = publish(f, f->dave, 0, "public", 0);
	assert_int_equal(bst_post_delete(&alice, pub), BST_POST_FORBIDDEN);
	struct bst_ctx boss = as(f, f->admin, 0);
	assert_int_equal(bst_post_delete(&boss, pub), BST_POST_OK);
}

static void test_posts_deleted_comment_is_hidden_but_seen_by_admin(void **state)
{
	struct fx *f = *state;
	int64_t post = publish(f, f->alice, 0, "topic", 0);
	int64_t cid = comment(f, f->bob, post, 0, "oops");
	struct bst_ctx bob = as(f, f->bob, 0);
	assert_int_equal(bst_comment_delete(&bob, cid), BST_POST_OK);
	struct bst_comment c;
	struct bst_ctx alice = as(f, f->alice, 0);
	assert_int_equal(bst_comment_get(&alice, post, cid, &c), BST_POST_NOT_FOUND);
	struct bst_ctx boss = as(f, f->admin, 0);
	assert_int_equal(bst_comment_get(&boss, post, cid, &c), BST_POST_OK);
	assert_true(c.row.deleted_ms != 0);
	assert_int_equal(indexed(f, "comment", cid), 0);
	struct bst_post p;
	assert_int_equal(bst_post_get(&alice, post, &p), BST_POST_OK);
	assert_int_equal(p.row.comments, 0);
}

/* ---- pins ---- */

static void test_posts_pins_by_group_admins_and_platform_admins(void **state)
{
	struct fx *f = *state;
	int64_t a = publish(f, f->dave, f->priv, "rules", 0);
	int64_t b = publish(f, f->dave, f->priv, "news", 1);
	struct bst_ctx dave = as(f, f->dave, 0);
	assert_int_equal(bst_post_pin(&dave, a, true), BST_POST_FORBIDDEN);
	struct bst_ctx alice = as(f, f->alice, 10);
	assert_int_equal(bst_post_pin(&alice, a, true), BST_POST_OK);
	assert_int_equal(bst_post_pin(&alice, a, true), BST_POST_OK); /* idempotent */
	struct ids pins = {.n = 0};
	assert_int_equal(bst_feed_pins(&dave, f->priv, each_id, &pins), BST_POST_OK);
	assert_int_equal(pins.n, 1);
	assert_int_equal(pins.v[0], a);
	/* the stream leaves the pin out when asked */
	struct ids l = feed(f, f->dave, f->priv, 0, 20, true);
	assert_false(has(&l, a));
	assert_true(has(&l, b));
	l = feed(f, f->dave, f->priv, 0, 20, false);
	assert_true(has(&l, a));
	/* platform feed: platform administrators pin, group admins do not */
	int64_t p = publish(f, f->bob, 0, "welcome", 0);
	assert_int_equal(bst_post_pin(&alice, p, true), BST_POST_FORBIDDEN);
	struct bst_ctx boss = as(f, f->admin, 0);
	assert_int_equal(bst_post_pin(&boss, p, true), BST_POST_OK);
	pins.n = 0;
	assert_int_equal(bst_feed_pins(&dave, BST_FEED_HOME, each_id, &pins),
			 BST_POST_OK);
	assert_int_equal(pins.n, 1);
	assert_int_equal(pins.v[0], p);
	assert_int_equal(bst_post_pin(&boss, p, false), BST_POST_OK);
	pins.n = 0;
	assert_int_equal(bst_feed_pins(&dave, BST_FEED_HOME, each_id, &pins),
			 BST_POST_OK);
	assert_int_equal(pins.n, 0);
	char target[32];
	snprintf(target, sizeof target, "post:%lld", (long long)a);
	assert_int_equal(audited(f, "post.pin", target), 1);
	snprintf(target, sizeof target, "post:%lld", (long long)p);
	assert_int_equal(audited(f, "post.unpin", target), 1);
}

/* ---- comments ---- */

struct threads {
	int64_t id[16], parent[16];
	int n;
};

static void each_comment(void *cls, const struct bst_comment *c)
{
	struct threads *t = cls;
	if (t->n < 16) {
		t->id[t->n] = c->row.id;
		t->parent[t->n++] = c->row.parent_id;
	}
}

static void test_posts_replies_are_one_level_deep_and_notify(void **state)
{
	struct fx *f = *state;
	int64_t post = publish(f, f->alice, 0, "question", 0);
	int64_t c1 = comment(f, f->bob, post, 0, "answer");
	int64_t r1 = comment(f, f->carol, post, c1, "reply");
	int64_t r2 = comment(f, f->dave, post, r1, "reply to reply");
	int64_t c2 = comment(f, f->alice, post, 0, "thanks");
	struct bst_ctx alice = as(f, f->alice, 0);
	struct bst_comment c;
	assert_int_equal(bst_comment_get(&alice, post, r2, &c), BST_POST_OK);
	assert_int_equal(c.row.parent_id, c1);
	/* threaded order: each comment, then its replies */
	struct threads t = {.n = 0};
	assert_int_equal(bst_comment_list(&alice, post, true, 0, 100, each_comment, &t),
			 BST_POST_OK);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.id[0], c1);
	assert_int_equal(t.id[1], r1);
	assert_int_equal(t.id[2], r2);
	assert_int_equal(t.id[3], c2);
	/* notifications: the post's author of comments (not of her own), the
	 * comment's author of the reply, the reply's author of the reply to it */
	assert_int_equal(notifications(f, f->alice, "comment", post), 1);
	assert_int_equal(notifications(f, f->bob, "reply", post), 1);
	assert_int_equal(notifications(f, f->carol, "reply", post), 1);
	/* a reply to a comment of another post is refused */
	int64_t other = publish(f, f->alice, 0, "other", 0);
	struct bst_ctx bob = as(f, f->bob, 0);
	int64_t id;
	assert_int_equal(bst_comment_create(&bob, other, c1, "x", &id),
			 BST_POST_NOT_FOUND);
	struct bst_post p;
	assert_int_equal(bst_post_get(&alice, post, &p), BST_POST_OK);
	assert_int_equal(p.row.comments, 4);
}

static void test_posts_comment_needs_membership_in_group(void **state)
{
	struct fx *f = *state;
	int64_t lunch = publish(f, f->bob, f->open, "Pizza?", 0);
	struct bst_ctx alice = as(f, f->alice, 0);
	int64_t id;
	assert_int_equal(bst_comment_create(&alice, lunch, 0, "yes", &id),
			 BST_POST_FORBIDDEN);
	int64_t board = publish(f, f->alice, f->priv, "Budget", 0);
	struct bst_ctx bob = as(f, f->bob, 0);
	assert_int_equal(bst_comment_create(&bob, board, 0, "hi", &id),
			 BST_POST_NOT_FOUND);
	struct bst_ctx dave = as(f, f->dave, 0);
	assert_int_equal(bst_comment_create(&dave, board, 0, "ok", &id), BST_POST_OK);
}

/* ---- reactions ---- */

static void each_reaction(void *cls, const struct bst_reaction_row *r)
{
	struct ids *l = cls;
	if (l->n < 64)
		l->v[l->n++] = r->user_id;
}

static void test_posts_reactions_are_idempotent_with_who_reacted(void **state)
{
	struct fx *f = *state;
	int64_t post = publish(f, f->alice, 0, "like me", 0);
	struct bst_ctx bob = as(f, f->bob, 0);
	struct bst_ctx carol = as(f, f->carol, 0);
	bool changed;
	assert_int_equal(bst_reaction_set(&bob, "post", post, "like", true, &changed),
			 BST_POST_OK);
	assert_true(changed);
	assert_int_equal(bst_reaction_set(&bob, "post", post, "like", true, &changed),
			 BST_POST_OK);
	assert_false(changed);
	assert_int_equal(bst_reaction_set(&carol, "post", post, "like", true, &changed),
			 BST_POST_OK);
	struct bst_post p;
	assert_int_equal(bst_post_get(&bob, post, &p), BST_POST_OK);
	assert_int_equal(p.row.likes, 2);
	assert_true(p.row.liked);
	struct ids who = {.n = 0};
	assert_int_equal(
	    bst_reaction_list(&bob, "post", post, 0, 100, each_reaction, &who),
	    BST_POST_OK);
	assert_int_equal(who.n, 2);
	assert_int_equal(who.v[0], f->bob);
	assert_int_equal(who.v[1], f->carol);
	assert_int_equal(bst_reaction_set(&bob, "post", post, "like", false, &changed),
			 BST_POST_OK);
	assert_true(changed);
	assert_int_equal(bst_reaction_set(&bob, "post", post, "like", false, &changed),
			 BST_POST_OK);
	assert_false(changed);
	assert_int_equal(bst_post_get(&bob, post, &p), BST_POST_OK);
	assert_int_equal(p.row.likes, 1);
	assert_false(p.row.liked);
	assert_int_equal(bst_reaction_set(&bob, "post", post, "love", true, &changed),
			 BST_POST_INVALID);
	assert_int_equal(bst_reaction_set(&bob, "user", post, "like", true, &changed),
			 BST_POST_INVALID);
	/* comments too */
	int64_t cid = comment(f, f->carol, post, 0, "nice");
	assert_int_equal(bst_reaction_set(&bob, "comment", cid, "like", true, &changed),
			 BST_POST_OK);
	assert_true(changed);
	/* not on what one may not read */
	int64_t skunk = publish(f, f->alice, f->secret, "secret", 0);
	assert_int_equal(bst_reaction_set(&bob, "post", skunk, "like", true, &changed),
			 BST_POST_NOT_FOUND);
	assert_int_equal(
	    bst_reaction_list(&bob, "post", skunk, 0, 100, each_reaction, &who),
	    BST_POST_NOT_FOUND);
}

/* ---- feeds ---- */

static void test_posts_home_feed_is_platform_plus_my_groups_newest_first(void **state)
{
	struct fx *f = *state;
	int64_t p1 = publish(f, f->bob, 0, "platform 1", 0);
	int64_t g1 = publish(f, f->dave, f->priv, "board 1", 1);
	int64_t s1 = publish(f, f->carol, f->secret, "skunk 1", 2);
	int64_t o1 = publish(f, f->bob, f->open, "lunch 1", 3);
	int64_t p2 = publish(f, f->carol, 0, "platform 2", 4);
	/* alice: member of priv and secret, not of open */
	struct ids l = feed(f, f->alice, BST_FEED_HOME, 0, 20, false);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0], p2);
	assert_int_equal(l.v[1], s1);
	assert_int_equal(l.v[2], g1);
	assert_int_equal(l.v[3], p1);
	assert_false(has(&l, o1));
	/* bob: the platform feed and his open group */
	l = feed(f, f->bob, BST_FEED_HOME, 0, 20, false);
	assert_int_equal(l.n, 3);
	assert_false(has(&l, g1));
	assert_false(has(&l, s1));
	/* the platform administrator is no member of the secret group */
	l = feed(f, f->admin, BST_FEED_HOME, 0, 20, false);
	assert_false(has(&l, s1));
	/* one group's feed, for readers only */
	l = feed(f, f->alice, f->open, 0, 20, false);
	assert_int_equal(l.n, 1);
	struct bst_ctx bob = as(f, f->bob, 0);
	struct ids none = {.n = 0};
	assert_int_equal(bst_feed_list(&bob, f->secret, 0, 20, false, each_id, &none),
			 BST_POST_GROUP_NOT_FOUND);
	assert_int_equal(bst_feed_list(&bob, f->priv, 0, 20, false, each_id, &none),
			 BST_POST_FORBIDDEN);
	assert_int_equal(none.n, 0);
}

static void test_posts_feed_cursor_pagination_walks_every_post_once(void **state)
{
	struct fx *f = *state;
	int64_t ids[25];
	for (int i = 0; i < 25; i++)
		ids[i] = publish(f, i % 2 && i % 3 ? f->bob : f->dave,
				 i % 3 ? 0 : f->priv, "post", i);
	struct ids page = feed(f, f->alice, BST_FEED_HOME, 0, 10, false);
	int seen = 0;
	int64_t expect = 24;
	while (page.n > 0) {
		for (int i = 0; i < page.n; i++, expect--)
			assert_int_equal(page.v[i], ids[expect]);
		seen += page.n;
		page = feed(f, f->alice, BST_FEED_HOME, page.v[page.n - 1], 10, false);
	}
	assert_int_equal(seen, 25);
	/* a non-member of the group sees the platform posts only */
	page = feed(f, f->bob, BST_FEED_HOME, 0, 100, false);
	assert_int_equal(page.n, 16);
}

static void test_posts_new_publication_count(void **state)
{
	struct fx *f = *state;
	int64_t first = publish(f, f->bob, 0, "one", 0);
	publish(f, f->bob, 0, "two", 1);
	publish(f, f->alice, 0, "mine", 2);          /* not counted for alice */
	publish(f, f->carol, f->secret, "skunk", 3); /* alice is a member */
	publish(f, f->bob, f->open, "lunch", 4);     /* not alice's group */
	int64_t n = -1;
	struct bst_ctx alice = as(f, f->alice, 0);
	assert_int_equal(bst_feed_count_new(&alice, BST_FEED_HOME, first, &n),
			 BST_POST_OK);
	assert_int_equal(n, 2);
	struct bst_ctx dave = as(f, f->dave, 0);
	assert_int_equal(bst_feed_count_new(&dave, BST_FEED_HOME, first, &n),
			 BST_POST_OK);
	assert_int_equal(n, 2); /* two and mine; nothing of the secret group */
	assert_int_equal(bst_feed_count_new(&dave, f->secret, 0, &n),
			 BST_POST_GROUP_NOT_FOUND);
	assert_int_equal(n, 0);
	assert_int_equal(bst_feed_count_new(&dave, 0, 0, &n), BST_POST_OK);
	assert_int_equal(n, 3); /* the platform feed: one, two, mine */
}

/* ---- attached documents ---- */

/* A live document named name in (owner, owner_id)'s library, with one
 * version of size bytes (no file: these tests never open it). */
static int64_t add_document(struct fx *f, const char *owner, int64_t owner_id,
			    const char *name, int64_t by, int64_t size)
{
	static int blobs;
	char blob[40];
	snprintf(blob, sizeof blob, "%032d", ++blobs);
	int64_t blob_id = 0, id = 0, number = 0;
	assert_int_equal(
	    bst_q_blob_insert(f->t.p->main, blob, size, "00", NOW - 300, &blob_id),
	    BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_document_insert(f->t.p->main, owner, owner_id, 0, name, by,
					       NOW - 300, &id),
			 BST_QS_ONE_RESULT);
	assert_int_equal(bst_q_document_version_add(f->t.p->main, id, blob_id, size,
						    "application/pdf", by, NOW - 300,
						    &number),
			 BST_QS_ONE_RESULT);
	return id;
}

static void exec_sql(struct fx *f, const char *sql)
{
	assert_true(bst_db_exec(f->t.p->main, sql, NULL, NULL, NULL) >= 0);
}

struct docs {
	int64_t v[16];
	char names[16][BST_Q_DOC_NAME_LEN];
	int n;
};

static void each_doc(void *cls, const struct bst_document_row *d)
{
	struct docs *l = cls;
	if (l->n < 16) {
		snprintf(l->names[l->n], sizeof l->names[0], "%s", d->name);
		l->v[l->n++] = d->id;
	}
}

/* The attachments of post id as who sees them (-1 when who may not read
 * the post). */
static struct docs attachments_seen(struct fx *f, int64_t who, int64_t id)
{
	struct bst_ctx c = as(f, who, 0);
	struct docs l = {.n = 0};
	struct bst_post p;
	if (bst_post_get(&c, id, &p) != BST_POST_OK) {
		l.n = -1;
		return l;
	}
	assert_int_equal(bst_post_attachments(&c, &p.row, each_doc, &l), BST_POST_OK);
	return l;
}

static void each_choice(void *cls, const struct bst_document_row *d, const char *group)
{
	(void)group;
	each_doc(cls, d);
}

static void test_posts_attach_documents_of_the_group_library(void **state)
{
	struct fx *f = *state;
	int64_t minutes =
	    add_document(f, "group", f->priv, "Minutes.pdf", f->alice, 1234);
	int64_t budget = add_document(f, "group", f->priv, "budget.pdf", f->dave, 99);
	struct bst_ctx dave = as(f, f->dave, 0);
	int64_t id = 0;
	/* a repeated id counts once */
	assert_int_equal(bst_post_create_with(&dave, f->priv, "See the minutes",
					      (int64_t[]){minutes, budget, minutes}, 3,
					      &id),
			 BST_POST_OK);
	struct bst_post p;
	assert_int_equal(bst_post_get(&dave, id, &p), BST_POST_OK);
	assert_int_equal(p.row.attachments, 2);
	/* every reader of the publication sees them, by name */
	struct docs alice = attachments_seen(f, f->alice, id);
	assert_int_equal(alice.n, 2);
	assert_int_equal(alice.v[0], budget);
	assert_int_equal(alice.v[1], minutes);
	assert_string_equal(alice.names[1], "Minutes.pdf");
	/* the form offers the group's recent documents to its members only */
	struct docs offered = {.n = 0};
	assert_int_equal(bst_post_attach_choices(&dave, f->priv, each_choice, &offered),
			 BST_POST_OK);
	assert_int_equal(offered.n, 2);
	struct bst_ctx bob = as(f, f->bob, 0);
	offered.n = 0;
	assert_int_equal(bst_post_attach_choices(&bob, f->priv, each_choice, &offered),
			 BST_POST_OK);
	assert_int_equal(offered.n, 0);
	/* the platform feed may carry open groups' documents */
	int64_t menu = add_document(f, "group", f->open, "menu.pdf", f->bob, 10);
	assert_int_equal(
	    bst_post_create_with(&dave, 0, "Lunch menu", (int64_t[]){menu}, 1, &id),
	    BST_POST_OK);
	assert_int_equal(attachments_seen(f, f->carol, id).n, 1);
	offered.n = 0;
	assert_int_equal(
	    bst_post_attach_choices(&dave, BST_FEED_HOME, each_choice, &offered),
	    BST_POST_OK);
	assert_int_equal(offered.n, 1);
	assert_int_equal(offered.v[0], menu);
	/* ten at most */
	int64_t many[11];
	char name[16];
	for (int i = 0; i < 11; i++) {
		snprintf(name, sizeof name, "doc%d.pdf", i);
		many[i] = add_document(f, "group", f->priv, name, f->alice, 1);
	}
	assert_int_equal(bst_post_create_with(&dave, f->priv, "too many", many, 11, &id),
			 BST_POST_TOO_MANY_ATTACHMENTS);
	assert_int_equal(id, 0);
	assert_int_equal(bst_post_create_with(&dave, f->priv, "ten", many, 10, &id),
			 BST_POST_OK);
	assert_int_equal(attachments_seen(f, f->alice, id).n, 10);
	assert_int_equal(bst_post_http_status(BST_POST_TOO_MANY_ATTACHMENTS), 400);
}

static int64_t count_rows(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(bst_db_exec(f->t.p->main, sql, NULL, one_int, &n),
			 BST_QS_ONE_RESULT);
	return n;
}

static void test_posts_attachments_outside_the_rule_are_refused(void **state)
{
	struct fx *f = *state;
	int64_t secret_doc =
	    add_document(f, "group", f->secret, "plans.pdf", f->carol, 5);
	int64_t open_doc = add_document(f, "group", f->open, "menu.pdf", f->bob, 5);
	int64_t priv_doc = add_document(f, "group", f->priv, "board.pdf", f->alice, 5);
	int64_t own_doc = add_document(f, "user", f->alice, "mine.pdf", f->alice, 5);
	int64_t bobs_doc = add_document(f, "user", f->bob, "bob.pdf", f->bob, 5);
	int64_t gone_doc = add_document(f, "group", f->priv, "gone.pdf", f->alice, 5);
	struct bst_ctx alice = as(f, f->alice, 0);
	assert_int_equal(bst_doc_delete(&alice, gone_doc), BST_DOC_OK);
	int64_t posts_before = count_rows(f, "SELECT count(*) FROM posts");
	int64_t id = 0;
	struct {
		int64_t group, doc;
		enum bst_post_status st;
	} cases[] = {
	    /* another group's library, though alice may read it */
	    {f->priv, secret_doc, BST_POST_ATTACHMENT_ELSEWHERE},
	    {f->priv, open_doc, BST_POST_ATTACHMENT_ELSEWHERE},
	    /* a personal space: her own, or someone else's (unknown to her) */
	    {f->priv, own_doc, BST_POST_ATTACHMENT_ELSEWHERE},
	    {0, own_doc, BST_POST_ATTACHMENT_ELSEWHERE},
	    {f->priv, bobs_doc, BST_POST_ATTACHMENT_NOT_FOUND},
	    /* deleted, or nonexistent */
	    {f->priv, gone_doc, BST_POST_ATTACHMENT_NOT_FOUND},
	    {f->priv, 999999, BST_POST_ATTACHMENT_NOT_FOUND},
	    {f->priv, -3, BST_POST_ATTACHMENT_NOT_FOUND},
	    /* the platform feed: open groups only */
	    {0, secret_doc, BST_POST_ATTACHMENT_ELSEWHERE},
	    {0, priv_doc, BST_POST_ATTACHMENT_ELSEWHERE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(bst_post_create_with(&alice, cases[i].group, "x",
						      (int64_t[]){priv_doc, cases[i].doc},
						      2, &id),
				 cases[i].st);
		assert_int_equal(id, 0);
	}
	/* a document of a group one may not read reads as nonexistent */
	struct bst_ctx dave = as(f, f->dave, 0);
	assert_int_equal(
	    bst_post_create_with(&dave, f->priv, "x", (int64_t[]){secret_doc}, 1, &id),
	    BST_POST_ATTACHMENT_NOT_FOUND);
	/* nothing was written */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM posts"), posts_before);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM post_attachments"), 0);
	/* the same rule on edit, which then changes nothing */
	int64_t post = publish(f, f->alice, f->priv, "board news", 0);
	assert_int_equal(bst_post_edit_with(&alice, post, "board news, edited",
					    (int64_t[]){priv_doc, open_doc}, 2),
			 BST_POST_ATTACHMENT_ELSEWHERE);
	struct bst_post p;
	assert_int_equal(bst_post_get(&alice, post, &p), BST_POST_OK);
	assert_string_equal(p.row.body, "board news");
	assert_int_equal(p.row.attachments, 0);
	assert_int_equal(bst_post_http_status(BST_POST_ATTACHMENT_ELSEWHERE), 400);
	assert_int_equal(bst_post_http_status(BST_POST_ATTACHMENT_NOT_FOUND), 400);
}

static void test_posts_edit_changes_attachments_with_a_version_and_audit(void **state)
{
	struct fx *f = *state;
	int64_t a = add_document(f, "group", f->priv, "a.pdf", f->alice, 5);
	int64_t b = add_document(f, "group", f->priv, "b.pdf", f->alice, 5);
	struct bst_ctx alice = as(f, f->alice, 1000);
	int64_t id = 0;
	assert_int_equal(
	    bst_post_create_with(&alice, f->priv, "agenda", (int64_t[]){a}, 1, &id),
	    BST_POST_OK);
	/* the text unchanged (NULL), the list replaced */
	alice.now += 1000;
	assert_int_equal(bst_post_edit_with(&alice, id, NULL, (int64_t[]){b}, 1),
			 BST_POST_OK);
	struct docs seen = attachments_seen(f, f->dave, id);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.v[0], b);
	struct bst_post p;
	assert_int_equal(bst_post_get(&alice, id, &p), BST_POST_OK);
	assert_string_equal(p.row.body, "agenda");
	assert_int_equal(p.row.edited_ms, NOW + 2000);
	struct versions v = {.n = 0};
	assert_int_equal(bst_post_versions(&alice, id, each_version, &v), BST_POST_OK);
	assert_int_equal(v.n, 1);
	/* the same list again, or the text alone: no attachment change */
	assert_int_equal(bst_post_edit_with(&alice, id, NULL, (int64_t[]){b}, 1),
			 BST_POST_OK);
	assert_int_equal(bst_post_edit(&alice, id, "agenda v2"), BST_POST_OK);
	assert_int_equal(attachments_seen(f, f->dave, id).n, 1);
	/* an empty list detaches everything */
	assert_int_equal(bst_post_edit_with(&alice, id, NULL, (int64_t[]){0}, 0),
			 BST_POST_OK);
	assert_int_equal(attachments_seen(f, f->dave, id).n, 0);
	char target[32];
	snprintf(target, sizeof target, "post:%lld", (long long)id);
	assert_int_equal(audited(f, "post.edit", target), 3);
	int64_t n = -1;
	assert_int_equal(
	    bst_db_exec(
		f->t.p->audit,
		"SELECT count(*) FROM events WHERE event = 'post.edit' AND target = $1"
		" AND json_extract(details, '$.attachments_before') = json_array($2)"
		" AND json_extract(details, '$.attachments_after') = json_array($3)",
		(struct bst_qp[]){BST_QP_TEXT(target), BST_QP_INT(a), BST_QP_INT(b),
				  BST_QP_END},
		one_int, &n),
	    BST_QS_ONE_RESULT);
	assert_int_equal(n, 1);
	assert_int_equal(
	    bst_db_exec(
		f->t.p->audit,
		"SELECT count(*) FROM events WHERE event = 'post.edit' AND target = $1"
		" AND json_extract(details, '$.attachments_before') = json_array($2)"
		" AND json_extract(details, '$.attachments_after') = json_array()",
		(struct bst_qp[]){BST_QP_TEXT(target), BST_QP_INT(b), BST_QP_END},
		one_int, &n),
	    BST_QS_ONE_RESULT);
	assert_int_equal(n, 1);
}

static void test_posts_readers_see_only_attachments_they_may_read_now(void **state)
{
	struct fx *f = *state;
	int64_t menu = add_document(f, "group", f->open, "menu.pdf", f->bob, 5);
	int64_t rules = add_document(f, "group", f->open, "rules.pdf", f->bob, 5);
	struct bst_ctx bob = as(f, f->bob, 0);
	int64_t id = 0;
	assert_int_equal(
	    bst_post_create_with(&bob, 0, "Lunch", (int64_t[]){menu, rules}, 2, &id),
	    BST_POST_OK);
	assert_int_equal(attachments_seen(f, f->dave, id).n, 2);
	/* the group closes: outsiders no longer read its library */
	exec_sql(f, "UPDATE groups SET kind = 'private' WHERE name = 'Lunch'");
	assert_int_equal(attachments_seen(f, f->dave, id).n, 0);
	assert_int_equal(attachments_seen(f, f->bob, id).n, 2);
	exec_sql(f, "UPDATE groups SET kind = 'open' WHERE name = 'Lunch'");
	/* a deleted document drops out of the list, for everyone */
	assert_int_equal(bst_doc_delete(&bob, rules), BST_DOC_OK);
	struct docs seen = attachments_seen(f, f->dave, id);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.v[0], menu);
	assert_int_equal(attachments_seen(f, f->bob, id).n, 1);
	/* and comes back with its restoration */
	assert_int_equal(bst_doc_restore(&bob, rules), BST_DOC_OK);
	assert_int_equal(attachments_seen(f, f->dave, id).n, 2);
	/* an operator or anonymous reader gets no list */
	struct bst_ctx anon = as(f, 0, 0);
	struct bst_post p;
	assert_int_equal(bst_post_get(&bob, id, &p), BST_POST_OK);
	struct docs none = {.n = 0};
	assert_int_equal(bst_post_attachments(&anon, &p.row, each_doc, &none),
			 BST_POST_OK);
	assert_int_equal(none.n, 0);
}

static void test_posts_documents_off_hides_and_refuses_attachments(void **state)
{
	struct fx *f = *state;
	int64_t doc = add_document(f, "group", f->priv, "a.pdf", f->alice, 5);
	struct bst_ctx alice = as(f, f->alice, 0);
	int64_t id = 0;
	assert_int_equal(
	    bst_post_create_with(&alice, f->priv, "with", (int64_t[]){doc}, 1, &id),
	    BST_POST_OK);
	exec_sql(f, "UPDATE apps SET enabled = 0 WHERE name = 'documents'");
	assert_int_equal(attachments_seen(f, f->dave, id).n, 0);
	struct docs offered = {.n = 0};
	assert_int_equal(bst_post_attach_choices(&alice, f->priv, each_choice, &offered),
			 BST_POST_OK);
	assert_int_equal(offered.n, 0);
	int64_t other = 0;
	assert_int_equal(
	    bst_post_create_with(&alice, f->priv, "x", (int64_t[]){doc}, 1, &other),
	    BST_POST_ATTACHMENTS_OFF);
	assert_int_equal(other, 0);
	assert_int_equal(bst_post_edit_with(&alice, id, NULL, (int64_t[]){doc}, 1),
			 BST_POST_ATTACHMENTS_OFF);
	/* without attachments, publishing and editing go on; an empty list
	 * leaves the hidden attachments alone */
	assert_int_equal(
	    bst_post_create_with(&alice, f->priv, "x", (int64_t[]){0}, 0, &other),
	    BST_POST_OK);
	assert_int_equal(
	    bst_post_edit_with(&alice, id, "with, edited", (int64_t[]){0}, 0),
	    BST_POST_OK);
	/* they come back with the application */
	exec_sql(f, "UPDATE apps SET enabled = 1 WHERE name = 'documents'");
	assert_int_equal(attachments_seen(f, f->dave, id).n, 1);
}

/* ---- counts kept by triggers, snapshots, remembered renderings ---- */

static int64_t count_of(struct fx *f, const char *sql, int64_t id)
{
	int64_t n = -1;
	assert_true(bst_db_exec(f->t.p->main, sql,
				(struct bst_qp[]){BST_QP_INT(id), BST_QP_END}, one_int,
				&n) >= 0);
	return n;
}

/* The counts shown on a card are those a recount gives, after comments,
 * replies, deletions and likes come and go. */
static void test_posts_kept_counts_match_a_recount(void **state)
{
	struct fx *f = *state;
	int64_t post = publish(f, f->alice, 0, "count me", 0);
	int64_t c1 = comment(f, f->bob, post, 0, "one");
	comment(f, f->carol, post, c1, "a reply");
	int64_t c3 = comment(f, f->bob, post, 0, "three");
	struct bst_ctx bob = as(f, f->bob, 0);
	struct bst_ctx carol = as(f, f->carol, 0);
	assert_int_equal(bst_comment_delete(&bob, c3), BST_POST_OK);
	bool changed;
	assert_int_equal(bst_reaction_set(&bob, "post", post, "like", true, &changed),
			 BST_POST_OK);
	assert_int_equal(bst_reaction_set(&carol, "post", post, "like", true, &changed),
			 BST_POST_OK);
	assert_int_equal(bst_reaction_set(&bob, "post", post, "like", false, &changed),
			 BST_POST_OK);
	/* a like on a comment is not a like on the post */
	assert_int_equal(bst_reaction_set(&bob, "comment", c1, "like", true, &changed),
			 BST_POST_OK);
	struct bst_post p;
	assert_int_equal(bst_post_get(&bob, post, &p), BST_POST_OK);
	assert_int_equal(p.row.comments, 2);
	assert_int_equal(p.row.likes, 1);
	assert_int_equal(p.row.comments,
			 count_of(f,
				  "SELECT count(*) FROM comments WHERE post_id = $1"
				  " AND deleted_ms IS NULL",
				  post));
	assert_int_equal(p.row.likes,
			 count_of(f,
				  "SELECT count(*) FROM reactions WHERE target = 'post'"
				  " AND target_id = $1",
				  post));
	/* every group's member count is its members' rows */
	int64_t wrong =
	    count_of(f,
		     "SELECT count(*) FROM groups g WHERE $1 = 1 AND g.member_count <>"
		     " (SELECT count(*) FROM group_members m WHERE m.group_id = g.id"
		     " AND m.state = 'member')",
		     1);
	assert_int_equal(wrong, 0);
}

static enum bst_qs snapshot_reads(bst_db *db, void *cls)
{
	int64_t *n = cls;
	return bst_db_exec(db, "SELECT count(*) FROM posts", NULL, one_int, n);
}

static enum bst_qs snapshot_writes(bst_db *db, void *cls)
{
	return bst_db_exec(db, "DELETE FROM posts", NULL, NULL, NULL);
}

static enum bst_qs snapshot_transaction(bst_db *db, void *cls)
{
	return bst_db_transaction(db, snapshot_writes, NULL);
}

/* A snapshot reads, and refuses to write, even through a transaction. */
static void test_posts_snapshot_reads_and_refuses_writes(void **state)
{
	struct fx *f = *state;
	publish(f, f->alice, 0, "still here", 0);
	int64_t n = 0;
	assert_int_equal(bst_db_snapshot(f->t.p->main, snapshot_reads, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(bst_db_snapshot(f->t.p->main, snapshot_writes, NULL),
			 BST_QS_HARD_ERROR);
	assert_int_equal(bst_db_snapshot(f->t.p->main, snapshot_transaction, NULL),
			 BST_QS_HARD_ERROR);
	n = 0;
	assert_int_equal(
	    bst_db_exec(f->t.p->main, "SELECT count(*) FROM posts", NULL, one_int, &n),
	    1);
	assert_int_equal(n, 1);
	/* and the connection is usable for writes afterwards */
	publish(f, f->alice, 0, "and another", 0);
}

/* An edited text is rendered afresh, not served from memory. */
static void test_posts_rendering_follows_edits(void **state)
{
	struct fx *f = *state;
	int64_t post = publish(f, f->alice, 0, "first **words**", 0);
	struct bst_ctx alice = as(f, f->alice, 0);
	struct bst_post p;
	bst_buf b;
	bst_buf_init(&b);
	for (int i = 0; i < 2; i++) { /* rendered, then remembered */
		assert_int_equal(bst_post_get(&alice, post, &p), BST_POST_OK);
		bst_buf_reset(&b);
		bst_post_render(&alice, &p.row, &b);
		assert_non_null(strstr(bst_buf_str(&b), "<strong>words</strong>"));
	}
	assert_int_equal(bst_post_edit(&alice, post, "second *words*"), BST_POST_OK);
	assert_int_equal(bst_post_get(&alice, post, &p), BST_POST_OK);
	bst_buf_reset(&b);
	bst_post_render(&alice, &p.row, &b);
	assert_null(strstr(bst_buf_str(&b), "<strong>"));
	assert_non_null(strstr(bst_buf_str(&b), "<em>words</em>"));
	/* the same text on another platform or post is another entry */
	bst_render_cache_clear();
	bst_buf_reset(&b);
	bst_post_render(&alice, &p.row, &b);
	assert_non_null(strstr(bst_buf_str(&b), "<em>words</em>"));
	bst_buf_free(&b);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_posts_platform_feed_publication_is_read_by_every_active_user),
	    T(test_posts_body_must_be_nonempty_bounded_and_sane),
	    T(test_posts_group_publishing_needs_membership),
	    T(test_posts_mentions_resolve_only_for_readers_and_notify_them),
	    T(test_posts_mention_in_secret_group_does_not_reach_outsiders),
	    T(test_posts_edit_notifies_only_newly_mentioned),
	    T(test_posts_edit_keeps_versions_for_author_and_admins_only),
	    T(test_posts_comment_edit_keeps_versions),
	    T(test_posts_soft_delete_hides_from_all_but_platform_admins),
	    T(test_posts_moderators_delete_in_their_feed),
	    T(test_posts_deleted_comment_is_hidden_but_seen_by_admin),
	    T(test_posts_pins_by_group_admins_and_platform_admins),
	    T(test_posts_replies_are_one_level_deep_and_notify),
	    T(test_posts_comment_needs_membership_in_group),
	    T(test_posts_reactions_are_idempotent_with_who_reacted),
	    T(test_posts_home_feed_is_platform_plus_my_groups_newest_first),
	    T(test_posts_feed_cursor_pagination_walks_every_post_once),
	    T(test_posts_new_publication_count),
	    T(test_posts_attach_documents_of_the_group_library),
	    T(test_posts_attachments_outside_the_rule_are_refused),
	    T(test_posts_edit_changes_attachments_with_a_version_and_audit),
	    T(test_posts_readers_see_only_attachments_they_may_read_now),
	    T(test_posts_documents_off_hides_and_refuses_attachments),
	    T(test_posts_kept_counts_match_a_recount),
	    T(test_posts_snapshot_reads_and_refuses_writes),
	    T(test_posts_rendering_follows_edits),
	};
#undef T
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
