/* Unit tests for the groups service (src/social/groups.c, group_members.c)
 * against a real platform in a temporary installation: what each kind of
 * group lets people see and do, joining, requests, invitations, roles, the
 * rule that a group always keeps an administrator, the invisibility of
 * secret groups (access, get, list, counts, members), refusals of bad
 * names, notifications and the audit trail. */
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
#include "db/queries.h"
#include "db/store.h"
#include "social/groups.h"
#include "tenant/context.h"
#include "tenant/install.h"
#include "tenant/platform.h"

#define NOW 1700000000000LL /* any fixed UTC instant, in ms */

struct fx {
	struct bst_test_platform t; /* dir, in, p, arena, cfg, base */
	/* people of the platform */
	int64_t alice; /* creates the groups: their administrator */
	int64_t bob;   /* a member of the platform */
	int64_t carol; /* another */
	int64_t admin; /* a platform administrator */
	int64_t gone;  /* a disabled account */
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
	assert_true(id > 0);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	if (bst_test_platform_open(&f->t, "groups", NOW) != 0)
		return -1;
	f->alice = add_user(f, "alice@acme.example", "member", "active");
	f->bob = add_user(f, "bob@acme.example", "member", "active");
	f->carol = add_user(f, "carol@acme.example", "member", "active");
	f->admin = add_user(f, "root@acme.example", "admin", "active");
	f->gone = add_user(f, "gone@acme.example", "member", "disabled");
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int rc = bst_test_platform_close(&f->t);
	free(f);
	return rc;
}

/* A signed-in user's context, as the transport builds it. */
static struct bst_ctx as(struct fx *f, int64_t user_id)
{
	struct bst_ctx c = f->t.base;
	c.actor = BST_ACTOR_USER;
	assert_int_equal(bst_q_user_by_id(f->t.p->main, user_id, &c.user),
			 BST_QS_ONE_RESULT);
	c.session_id = 1;
	return c;
}

static int64_t make(struct fx *f, int64_t creator, const char *name, const char *kind)
{
	struct bst_ctx c = as(f, creator);
	int64_t id = 0;
	assert_int_equal(bst_group_create(&c, name, "About it.", kind, &id),
			 BST_GROUP_OK);
	assert_true(id > 0);
	return id;
}

static struct bst_group_access access_of(struct fx *f, int64_t user_id, int64_t group_id)
{
	struct bst_ctx c = as(f, user_id);
	struct bst_group_access a;
	assert_int_equal(bst_group_access(&c, group_id, &a), 0);
	return a;
}

/* Names of the groups user_id's list shows, "a,b," in id order. */
struct names {
	char text[512];
	int64_t total_members;
};

static void add_name(void *cls, const struct bst_group *g,
		     const struct bst_group_access *a)
{
	struct names *n = cls;
	assert_true(a->see);
	size_t len = strlen(n->text);
	snprintf(n->text + len, sizeof n->text - len, "%s,", g->name);
	n->total_members += g->members;
}

static struct names list_of(struct fx *f, int64_t user_id, const char *search, bool mine)
{
	struct bst_ctx c = as(f, user_id);
	struct names n = {"", 0};
	assert_int_equal(bst_group_list(&c, search, mine, 0, 100, add_name, &n),
			 BST_GROUP_OK);
	return n;
}

/* Members user_id sees, "email:state:role," in user id order. */
static void add_member(void *cls, const struct bst_group_member *m)
{
	char *text = cls;
	size_t len = strlen(text);
	snprintf(text + len, 512 - len, "%s:%s:%s,", m->email, m->state, m->role);
}

static enum bst_group_status members_of(struct fx *f, int64_t user_id, int64_t group_id,
					char text[512])
{
	struct bst_ctx c = as(f, user_id);
	text[0] = '\0';
	return bst_group_members(&c, group_id, 0, 100, add_member, text);
}

static void count_event(void *cls, const struct bst_event_row *e)
{
	(void)e;
	(*(int *)cls)++;
}

static int events(struct fx *f, const char *prefix)
{
	int n = 0;
	assert_true(bst_q_event_list(f->t.p->audit, prefix, 0, 100, count_event, &n) >= 0);
	return n;
}

static int count_note(void *cls, const bst_row *r)
{
	(void)r;
	(*(int *)cls)++;
	return 0;
}

/* Notifications of kind for user_id (read straight from the table). */
static int notes(struct fx *f, int64_t user_id, const char *kind)
{
	int n = 0;
	assert_true(
	    bst_db_exec(
		f->t.p->main,
		"SELECT id FROM notifications WHERE user_id = $1 AND kind = $2",
		(struct bst_qp[]){BST_QP_INT(user_id), BST_QP_TEXT(kind), BST_QP_END},
		count_note, &n) >= 0);
	return n;
}

/* ---- creating ---- */

static void
test_groups_creator_becomes_administrator_and_creation_is_audited(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Marketing", "open");
	struct bst_group_access a = access_of(f, f->alice, g);
	assert_true(a.exists && a.see && a.read && a.write && a.manage);
	assert_true(a.member && a.admin);
	assert_string_equal(a.state, "member");
	assert_string_equal(a.kind, "open");
	struct bst_ctx c = as(f, f->alice);
	struct bst_group gr;
	assert_int_equal(bst_group_get(&c, g, &gr, NULL), 0);
	assert_string_equal(gr.name, "Marketing");
	assert_string_equal(gr.description, "About it.");
	assert_int_equal(gr.members, 1);
	assert_int_equal(gr.created_ms, NOW);
	assert_int_equal(events(f, "group.create"), 1);
}

static void test_groups_create_refuses_bad_names_kinds_and_duplicates(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = as(f, f->alice);
	int64_t id = 1;
	assert_int_equal(bst_group_create(&c, "", NULL, "open", &id),
			 BST_GROUP_INVALID_NAME);
	assert_int_equal(id, 0);
	assert_int_equal(bst_group_create(&c, "   ", NULL, "open", &id),
			 BST_GROUP_INVALID_NAME);
	assert_int_equal(bst_group_create(&c, NULL, NULL, "open", &id),
			 BST_GROUP_INVALID_NAME);
	/* right-to-left override, zero-width space, control, invalid UTF-8 */
	assert_int_equal(bst_group_create(&c,
					  "abc\xe2\x80\xae"
					  "fdp.exe",
					  NULL, "open", &id),
			 BST_GROUP_INVALID_NAME);
	assert_int_equal(bst_group_create(&c,
					  "a\xe2\x80\x8b"
					  "b",
					  NULL, "open", &id),
			 BST_GROUP_INVALID_NAME);
	assert_int_equal(bst_group_create(&c, "a\tb", NULL, "open", &id),
			 BST_GROUP_INVALID_NAME);
	assert_int_equal(bst_group_create(&c,
					  "a\xc0\xaf"
					  "b",
					  NULL, "open", &id),
			 BST_GROUP_INVALID_NAME);
	char long_name[BST_GROUP_NAME_MAX + 2];
	memset(long_name, 'x', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(bst_group_create(&c, long_name, NULL, "open", &id),
			 BST_GROUP_INVALID_NAME);
	long_name[BST_GROUP_NAME_MAX] = '\0';
	assert_int_equal(bst_group_create(&c, long_name, NULL, "open", &id),
			 BST_GROUP_OK);
	assert_int_equal(bst_group_create(&c, "Ok", NULL, "public", &id),
			 BST_GROUP_INVALID_KIND);
	assert_int_equal(bst_group_create(&c, "Ok", NULL, NULL, &id),
			 BST_GROUP_INVALID_KIND);
	assert_int_equal(bst_group_create(&c, "Ok", "x\x01y", "open", &id),
			 BST_GROUP_INVALID_DESCRIPTION);
	/* accents are fine, surrounding blanks are trimmed */
	assert_int_equal(
	    bst_group_create(&c, "  Équipe été  ", "Ligne 1\nLigne 2", "open", &id),
	    BST_GROUP_OK);
	struct bst_group g;
	assert_int_equal(bst_group_get(&c, id, &g, NULL), 0);
	assert_string_equal(g.name, "Équipe été");
	/* names are unique whatever their case among the groups people can
	 * see; secret groups stay out of it, so that a refused name never
	 * reveals one */
	assert_int_equal(bst_group_create(&c, "Team", NULL, "open", &id), BST_GROUP_OK);
	assert_int_equal(bst_group_create(&c, "team", NULL, "private", &id),
			 BST_GROUP_NAME_TAKEN);
	assert_int_equal(id, 0);
	assert_int_equal(bst_group_create(&c, "team", NULL, "secret", &id), BST_GROUP_OK);
	assert_int_equal(bst_group_create(&c, "TEAM", NULL, "secret", &id), BST_GROUP_OK);
	assert_int_equal(bst_group_http_status(BST_GROUP_NAME_TAKEN), 409);
	assert_string_equal(bst_group_code(BST_GROUP_INVALID_NAME), "group_name_invalid");
}

static void
test_groups_anonymous_disabled_and_read_only_tokens_may_not_create(void **state)
{
	struct fx *f = *state;
	int64_t id;
	struct bst_ctx anon = f->t.base;
	assert_int_equal(bst_group_create(&anon, "A", NULL, "open", &id),
			 BST_GROUP_FORBIDDEN);
	struct bst_ctx gone = as(f, f->gone);
	assert_int_equal(bst_group_create(&gone, "A", NULL, "open", &id),
			 BST_GROUP_FORBIDDEN);
	struct bst_ctx ro = as(f, f->alice);
	ro.via_token = true;
	ro.token_write = false;
	assert_int_equal(bst_group_create(&ro, "A", NULL, "open", &id),
			 BST_GROUP_FORBIDDEN);
	assert_int_equal(bst_group_list(&anon, NULL, false, 0, 10, add_name, NULL),
			 BST_GROUP_FORBIDDEN);
}

/* ---- what each kind lets people do ---- */

static void test_groups_open_group_is_readable_by_all_and_joined_at_once(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Open", "open");
	struct bst_group_access a = access_of(f, f->bob, g);
	assert_true(a.exists && a.see && a.read);
	assert_false(a.write || a.manage || a.member);
	struct bst_ctx bob = as(f, f->bob);
	bool requested = true;
	assert_int_equal(bst_group_join(&bob, g, &requested), BST_GROUP_OK);
	assert_false(requested);
	a = access_of(f, f->bob, g);
	assert_true(a.member && a.write);
	assert_false(a.admin || a.manage);
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_ALREADY);
	assert_int_equal(events(f, "group.join"), 1);
	char text[512];
	assert_int_equal(members_of(f, f->carol, g, text), BST_GROUP_OK);
	assert_string_equal(
	    text, "alice@acme.example:member:admin,bob@acme.example:member:member,");
}

static void
test_groups_private_group_join_is_a_request_approved_by_its_admin(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Private", "private");
	struct bst_group_access a = access_of(f, f->bob, g);
	assert_true(a.exists && a.see);
	assert_false(a.read || a.write || a.manage);
	char text[512];
	assert_int_equal(members_of(f, f->bob, g, text), BST_GROUP_FORBIDDEN);

	struct bst_ctx bob = as(f, f->bob);
	bool requested = false;
	assert_int_equal(bst_group_join(&bob, g, &requested), BST_GROUP_OK);
	assert_true(requested);
	a = access_of(f, f->bob, g);
	assert_string_equal(a.state, "requested");
	assert_false(a.member || a.read);
	assert_int_equal(notes(f, f->alice, "join_request"), 1);
	assert_int_equal(events(f, "group.request"), 1);

	/* the admin sees the request; members would not */
	assert_int_equal(members_of(f, f->alice, g, text), BST_GROUP_OK);
	assert_string_equal(
	    text, "alice@acme.example:member:admin,bob@acme.example:requested:member,");
	/* only managers approve */
	struct bst_ctx carol = as(f, f->carol);
	assert_int_equal(bst_group_approve(&carol, g, f->bob), BST_GROUP_FORBIDDEN);
	struct bst_ctx alice = as(f, f->alice);
	assert_int_equal(bst_group_approve(&alice, g, f->carol), BST_GROUP_NO_MEMBERSHIP);
	assert_int_equal(bst_group_approve(&alice, g, f->bob), BST_GROUP_OK);
	a = access_of(f, f->bob, g);
	assert_true(a.member && a.read && a.write);
	assert_int_equal(notes(f, f->bob, "join_approved"), 1);
	assert_int_equal(events(f, "group.approve"), 1);

	/* a refused request leaves nothing behind */
	assert_int_equal(bst_group_join(&carol, g, &requested), BST_GROUP_OK);
	assert_int_equal(bst_group_refuse(&alice, g, f->carol), BST_GROUP_OK);
	a = access_of(f, f->carol, g);
	assert_string_equal(a.state, "");
	assert_int_equal(events(f, "group.refuse"), 1);
}

static void test_groups_requester_may_withdraw(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Private", "private");
	struct bst_ctx bob = as(f, f->bob);
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_OK);
	assert_int_equal(bst_group_leave(&bob, g), BST_GROUP_OK);
	assert_string_equal(access_of(f, f->bob, g).state, "");
	assert_int_equal(bst_group_leave(&bob, g), BST_GROUP_NO_MEMBERSHIP);
}

static void test_groups_invitation_accept_and_decline(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Private", "private");
	struct bst_ctx alice = as(f, f->alice);
	int64_t who = 0;
	assert_int_equal(bst_group_invite(&alice, g, "BOB@acme.example", &who),
			 BST_GROUP_OK);
	assert_int_equal(who, f->bob);
	assert_int_equal(notes(f, f->bob, "group_invitation"), 1);
	assert_int_equal(bst_group_invite(&alice, g, "bob@acme.example", NULL),
			 BST_GROUP_ALREADY);
	assert_string_equal(access_of(f, f->bob, g).state, "invited");
	struct bst_ctx bob = as(f, f->bob);
	assert_int_equal(bst_group_accept(&bob, g), BST_GROUP_OK);
	assert_true(access_of(f, f->bob, g).member);
	assert_int_equal(bst_group_accept(&bob, g), BST_GROUP_ALREADY);

	assert_int_equal(bst_group_invite_user(&alice, g, f->carol), BST_GROUP_OK);
	struct bst_ctx carol = as(f, f->carol);
	assert_int_equal(bst_group_decline(&carol, g), BST_GROUP_OK);
	assert_string_equal(access_of(f, f->carol, g).state, "");
	assert_int_equal(bst_group_decline(&carol, g), BST_GROUP_NO_MEMBERSHIP);
	assert_int_equal(events(f, "group.invite"), 2);
	assert_int_equal(events(f, "group.accept"), 1);
	assert_int_equal(events(f, "group.decline"), 1);
}

static void test_groups_invite_needs_an_active_user_and_a_manager(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Open", "open");
	struct bst_ctx alice = as(f, f->alice);
	assert_int_equal(bst_group_invite(&alice, g, "nobody@acme.example", NULL),
			 BST_GROUP_USER_NOT_FOUND);
	assert_int_equal(bst_group_invite(&alice, g, "gone@acme.example", NULL),
			 BST_GROUP_USER_NOT_FOUND);
	assert_int_equal(bst_group_invite(&alice, g, "", NULL), BST_GROUP_USER_NOT_FOUND);
	assert_int_equal(bst_group_invite_user(&alice, g, 999999),
			 BST_GROUP_USER_NOT_FOUND);
	struct bst_ctx bob = as(f, f->bob);
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_OK);
	/* a member who is not an administrator may not invite */
	assert_int_equal(bst_group_invite(&bob, g, "carol@acme.example", NULL),
			 BST_GROUP_FORBIDDEN);
	assert_int_equal(notes(f, f->carol, "group_invitation"), 0);
}

static void test_groups_inviting_a_requester_approves_the_request(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Private", "private");
	struct bst_ctx bob = as(f, f->bob);
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_OK);
	struct bst_ctx alice = as(f, f->alice);
	assert_int_equal(bst_group_invite(&alice, g, "bob@acme.example", NULL),
			 BST_GROUP_OK);
	assert_true(access_of(f, f->bob, g).member);
}

/* ---- the last administrator ---- */

static void test_groups_last_admin_may_not_leave_nor_be_demoted_nor_removed(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Open", "open");
	struct bst_ctx alice = as(f, f->alice);
	struct bst_ctx bob = as(f, f->bob);
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_OK);

	assert_int_equal(bst_group_leave(&alice, g), BST_GROUP_LAST_ADMIN);
	assert_int_equal(bst_group_set_role(&alice, g, f->alice, "member"),
			 BST_GROUP_LAST_ADMIN);
	assert_int_equal(bst_group_remove(&alice, g, f->alice), BST_GROUP_LAST_ADMIN);
	assert_true(access_of(f, f->alice, g).admin);
	assert_string_equal(bst_group_code(BST_GROUP_LAST_ADMIN), "last_group_admin");

	/* once another administrator is named, the first may step down */
	assert_int_equal(bst_group_set_role(&alice, g, f->bob, "admin"), BST_GROUP_OK);
	assert_true(access_of(f, f->bob, g).admin);
	assert_int_equal(events(f, "group.role"), 1);
	assert_int_equal(bst_group_set_role(&alice, g, f->alice, "member"), BST_GROUP_OK);
	assert_false(access_of(f, f->alice, g).admin);
	/* and now bob is the last one */
	struct bst_ctx bob2 = as(f, f->bob);
	assert_int_equal(bst_group_leave(&bob2, g), BST_GROUP_LAST_ADMIN);
	assert_int_equal(bst_group_leave(&alice, g), BST_GROUP_OK);
	assert_int_equal(events(f, "group.leave"), 1);
	char text[512];
	assert_int_equal(members_of(f, f->bob, g, text), BST_GROUP_OK);
	assert_string_equal(text, "bob@acme.example:member:admin,");
}

static void test_groups_roles_and_removal_by_admins_only(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Open", "open");
	struct bst_ctx bob = as(f, f->bob);
	struct bst_ctx carol = as(f, f->carol);
	struct bst_ctx alice = as(f, f->alice);
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_OK);
	assert_int_equal(bst_group_join(&carol, g, NULL), BST_GROUP_OK);
	assert_int_equal(bst_group_set_role(&bob, g, f->bob, "admin"),
			 BST_GROUP_FORBIDDEN);
	assert_int_equal(bst_group_remove(&bob, g, f->carol), BST_GROUP_FORBIDDEN);
	assert_int_equal(bst_group_set_role(&alice, g, f->bob, "owner"),
			 BST_GROUP_INVALID_ROLE);
	assert_int_equal(bst_group_set_role(&alice, g, f->admin, "admin"),
			 BST_GROUP_NO_MEMBERSHIP);
	assert_int_equal(bst_group_remove(&alice, g, f->carol), BST_GROUP_OK);
	assert_int_equal(bst_group_remove(&alice, g, f->carol), BST_GROUP_NO_MEMBERSHIP);
	assert_false(access_of(f, f->carol, g).member);
	assert_int_equal(events(f, "group.remove"), 1);
	struct bst_group gr;
	assert_int_equal(bst_group_get(&alice, g, &gr, NULL), 0);
	assert_int_equal(gr.members, 2);
}

/* ---- secret groups ---- */

static void test_groups_secret_group_is_invisible_to_non_members(void **state)
{
	struct fx *f = *state;
	make(f, f->alice, "Board", "secret");
	int64_t open = make(f, f->alice, "Open", "open");
	int64_t g = make(f, f->alice, "Secret plans", "secret");
	(void)open;
	int64_t missing = g + 1000;

	/* access and get: exactly as a group that does not exist */
	for (int i = 0; i < 3; i++) {
		int64_t who = i == 0 ? f->bob : i == 1 ? f->admin : f->carol;
		struct bst_group_access a = access_of(f, who, g);
		struct bst_group_access none = access_of(f, who, missing);
		assert_memory_equal(&a, &none, sizeof a);
		assert_false(a.exists || a.see || a.read || a.write || a.manage);
		struct bst_ctx c = as(f, who);
		struct bst_group gr;
		assert_int_equal(bst_group_get(&c, g, &gr, &a), -1);
		assert_false(a.exists);
		assert_string_equal(gr.name, "");
	}
	/* lists, searches and counts */
	assert_string_equal(list_of(f, f->bob, NULL, false).text, "Open,");
	assert_string_equal(list_of(f, f->bob, "secret", false).text, "");
	assert_string_equal(list_of(f, f->admin, NULL, false).text, "Open,");
	assert_int_equal(list_of(f, f->bob, NULL, false).total_members, 1);
	assert_string_equal(list_of(f, f->alice, NULL, false).text,
			    "Board,Open,Secret plans,");
	/* members, joining, and every manager's action */
	char text[512];
	struct bst_ctx bob = as(f, f->bob);
	struct bst_ctx root = as(f, f->admin);
	assert_int_equal(members_of(f, f->bob, g, text), BST_GROUP_NOT_FOUND);
	assert_int_equal(members_of(f, f->admin, g, text), BST_GROUP_NOT_FOUND);
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_NOT_FOUND);
	assert_int_equal(bst_group_join(&root, g, NULL), BST_GROUP_NOT_FOUND);
	assert_int_equal(bst_group_invite(&root, g, "bob@acme.example", NULL),
			 BST_GROUP_NOT_FOUND);
	assert_int_equal(bst_group_update(&root, g, "Mine now", NULL, NULL),
			 BST_GROUP_NOT_FOUND);
	assert_int_equal(bst_group_remove(&root, g, f->alice), BST_GROUP_NOT_FOUND);
	assert_int_equal(bst_group_set_role(&root, g, f->alice, "member"),
			 BST_GROUP_NOT_FOUND);
	assert_int_equal(bst_group_leave(&bob, g), BST_GROUP_NOT_FOUND);
	struct bst_group_member m;
	assert_int_equal(bst_group_member_get(&bob, g, f->alice, &m),
			 BST_GROUP_NOT_FOUND);
	/* nothing was written, no one was told */
	assert_int_equal(events(f, "group.join"), 0);
	assert_int_equal(events(f, "group.request"), 0);
	assert_int_equal(notes(f, f->alice, "join_request"), 0);
}

static void test_groups_secret_group_shows_to_invitees_and_members(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Secret", "secret");
	struct bst_ctx alice = as(f, f->alice);
	assert_int_equal(bst_group_invite(&alice, g, "bob@acme.example", NULL),
			 BST_GROUP_OK);
	struct bst_group_access a = access_of(f, f->bob, g);
	assert_true(a.exists && a.see);
	assert_false(a.read || a.member);
	assert_string_equal(list_of(f, f->bob, NULL, false).text, "Secret,");
	assert_string_equal(list_of(f, f->bob, NULL, true).text, "");
	char text[512];
	assert_int_equal(members_of(f, f->bob, g, text), BST_GROUP_FORBIDDEN);
	struct bst_ctx bob = as(f, f->bob);
	/* joining with an invitation accepts it */
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_OK);
	a = access_of(f, f->bob, g);
	assert_true(a.member && a.read && a.write);
	assert_string_equal(list_of(f, f->bob, NULL, true).text, "Secret,");
	assert_int_equal(members_of(f, f->bob, g, text), BST_GROUP_OK);
	assert_string_equal(
	    text, "alice@acme.example:member:admin,bob@acme.example:member:member,");
	/* a member who leaves loses sight of it */
	assert_int_equal(bst_group_leave(&bob, g), BST_GROUP_OK);
	assert_false(access_of(f, f->bob, g).see);
}

static void test_groups_private_request_then_secret_keeps_the_group_hidden(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Soon secret", "private");
	struct bst_ctx bob = as(f, f->bob);
	assert_int_equal(bst_group_join(&bob, g, NULL), BST_GROUP_OK);
	struct bst_ctx alice = as(f, f->alice);
	assert_int_equal(bst_group_update(&alice, g, NULL, NULL, "secret"), BST_GROUP_OK);
	/* a pending request does not make a secret group visible */
	assert_false(access_of(f, f->bob, g).see);
	assert_string_equal(list_of(f, f->bob, NULL, false).text, "");
	assert_int_equal(events(f, "group.update"), 1);
}

/* ---- platform administrators ---- */

static void test_groups_platform_admin_manages_open_and_private_groups(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "Private", "private");
	struct bst_group_access a = access_of(f, f->admin, g);
	assert_true(a.see && a.manage);
	/* managing is not reading its publications; the members list it gets */
	assert_false(a.read || a.member || a.write || a.admin);
	struct bst_ctx root = as(f, f->admin);
	assert_int_equal(bst_group_update(&root, g, "Renamed", "New text", NULL),
			 BST_GROUP_OK);
	assert_int_equal(bst_group_invite(&root, g, "carol@acme.example", NULL),
			 BST_GROUP_OK);
	char text[512];
	assert_int_equal(members_of(f, f->admin, g, text), BST_GROUP_OK);
	assert_string_equal(
	    text, "alice@acme.example:member:admin,carol@acme.example:invited:member,");
	/* its own join needs no one's approval */
	bool requested = true;
	assert_int_equal(bst_group_join(&root, g, &requested), BST_GROUP_OK);
	assert_false(requested);
	/* once a member of a secret group, like anyone */
	int64_t s = make(f, f->alice, "Secret", "secret");
	struct bst_ctx alice = as(f, f->alice);
	assert_int_equal(bst_group_invite_user(&alice, s, f->admin), BST_GROUP_OK);
	assert_int_equal(bst_group_accept(&root, s), BST_GROUP_OK);
	a = access_of(f, f->admin, s);
	assert_true(a.member && a.read);
	assert_false(a.manage);
}

static void test_groups_update_checks_its_input_and_audits_the_kind(void **state)
{
	struct fx *f = *state;
	int64_t g = make(f, f->alice, "One", "open");
	make(f, f->alice, "Two", "open");
	struct bst_ctx alice = as(f, f->alice);
	struct bst_ctx bob = as(f, f->bob);
	assert_int_equal(bst_group_update(&bob, g, "X", NULL, NULL), BST_GROUP_FORBIDDEN);
	assert_int_equal(bst_group_update(&alice, g, "two", NULL, NULL),
			 BST_GROUP_NAME_TAKEN);
	assert_int_equal(bst_group_update(&alice, g, "", NULL, NULL),
			 BST_GROUP_INVALID_NAME);
	assert_int_equal(bst_group_update(&alice, g, NULL, NULL, "closed"),
			 BST_GROUP_INVALID_KIND);
	assert_int_equal(bst_group_update(&alice, g, "ONE", NULL, "private"),
			 BST_GROUP_OK);
	struct bst_group gr;
	assert_int_equal(bst_group_get(&alice, g, &gr, NULL), 0);
	assert_string_equal(gr.name, "ONE");
	assert_string_equal(gr.kind, "private");
	assert_string_equal(gr.description, "About it.");
	assert_int_equal(events(f, "group.update"), 1);
}

static void test_groups_list_pages_by_id_and_searches_names(void **state)
{
	struct fx *f = *state;
	char name[32];
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof name, "G%d_%%", i);
		make(f, f->alice, name, "open");
	}
	struct bst_ctx bob = as(f, f->bob);
	struct names n = {"", 0};
	assert_int_equal(bst_group_list(&bob, NULL, false, 0, 3, add_name, &n),
			 BST_GROUP_OK);
	assert_string_equal(n.text, "G0_%,G1_%,G2_%,");
	n.text[0] = '\0';
	assert_int_equal(bst_group_list(&bob, NULL, false, 3, 3, add_name, &n),
			 BST_GROUP_OK);
	assert_string_equal(n.text, "G3_%,G4_%,G5_%,");
	/* LIKE's wildcards are plain characters in a search */
	assert_string_equal(list_of(f, f->bob, "5_%", false).text, "G5_%,");
	assert_string_equal(list_of(f, f->bob, "g6", false).text, "G6_%,");
	assert_string_equal(list_of(f, f->bob, "x%", false).text, "");
	assert_string_equal(list_of(f, f->bob, NULL, true).text, "");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_groups_creator_becomes_administrator_and_creation_is_audited),
	    T(test_groups_create_refuses_bad_names_kinds_and_duplicates),
	    T(test_groups_anonymous_disabled_and_read_only_tokens_may_not_create),
	    T(test_groups_open_group_is_readable_by_all_and_joined_at_once),
	    T(test_groups_private_group_join_is_a_request_approved_by_its_admin),
	    T(test_groups_requester_may_withdraw),
	    T(test_groups_invitation_accept_and_decline),
	    T(test_groups_invite_needs_an_active_user_and_a_manager),
	    T(test_groups_inviting_a_requester_approves_the_request),
	    T(test_groups_last_admin_may_not_leave_nor_be_demoted_nor_removed),
	    T(test_groups_roles_and_removal_by_admins_only),
	    T(test_groups_secret_group_is_invisible_to_non_members),
	    T(test_groups_secret_group_shows_to_invitees_and_members),
	    T(test_groups_private_request_then_secret_keeps_the_group_hidden),
	    T(test_groups_platform_admin_manages_open_and_private_groups),
	    T(test_groups_update_checks_its_input_and_audits_the_kind),
	    T(test_groups_list_pages_by_id_and_searches_names),
	};
#undef T
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
