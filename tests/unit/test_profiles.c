/* Unit tests for the profiles, avatars, notifications (list, count, mail,
 * digest), scheduler and meetings services, against a real platform in a
 * temporary installation. Group and publication rows that notifications
 * point at are written with plain SQL here: they are fixtures, not the
 * groups or posts services under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/q_people.h"
#include "db/q_social.h"
#include "ops/scheduler.h"
#include "social/meetings.h"
#include "social/notifications.h"
#include "social/notify.h"
#include "social/profiles.h"
#include "tenant/context.h"
#include "tenant/install.h"
#include "tenant/platform.h"

#define NOW 1700000000000LL /* any fixed UTC instant, in ms */
#define HOUR_MS (3600LL * 1000)

struct fx {
	struct bst_test_platform t; /* dir, in, p, arena, cfg, base */
	int64_t admin, alice, bob, carol;
};

static int group_setup(void **state)
{
	(void)state;
	bst_log_set_level(BST_LOG_ERROR);
	return bst_crypto_init();
}

static int64_t add_user(struct fx *f, const char *email, const char *name, const char *role,
			const char *status)
{
	int64_t id = 0;
	assert_int_equal(bst_q_user_insert(f->t.p->main, email, name, role, status, NULL,
					   NOW - 1000, &id),
			 BST_QS_ONE_RESULT);
	return id;
}

static void sql(struct fx *f, const char *stmt, const struct bst_qp *params)
{
	assert_true(bst_db_exec(f->t.p->main, stmt, params, NULL, NULL) >= 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	if (bst_test_platform_open(&f->t, "profiles", NOW) != 0)
		return -1;
	f->admin = add_user(f, "admin@acme.example", "Zoé Admin", "admin", "active");
	f->alice = add_user(f, "alice@acme.example", "Alice Martin", "member", "active");
	f->bob = add_user(f, "bob@acme.example", "Bob Durand", "member", "active");
	f->carol = add_user(f, "carol@acme.example", "Carol Invited", "member", "invited");
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int rc = bst_test_platform_close(&f->t);
	free(f);
	return rc;
}

/* A request context of user id (0: the operator) at instant now. */
static struct bst_ctx as(struct fx *f, int64_t id, int64_t now)
{
	struct bst_ctx c = f->t.base;
	c.now = now;
	if (id) {
		c.actor = BST_ACTOR_USER;
		assert_int_equal(bst_q_user_by_id(f->t.p->main, id, &c.user), BST_QS_ONE_RESULT);
	}
	return c;
}

static int one_int(void *cls, const bst_row *r)
{
	*(int64_t *)cls = bst_row_int(r, 0);
	return 1;
}

/* ---- profiles ---- */

static void test_profile_owner_edits_fields_and_they_are_indexed(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = as(f, f->alice, NOW);
	struct bst_profile_edit e = {NULL, "Chef de projet", "Informatique", "Lyon",
				     "+33 4 72 00 00 00", "J'aime **Markdown**.", "digest"};
	const char *field = "x";
	assert_int_equal(bst_profile_update(&c, f->alice, &e, &field), BST_PROFILE_OK);
	assert_null(field);
	struct bst_profile_row p;
	assert_int_equal(bst_profile_get(&c, f->alice, &p), BST_PROFILE_OK);
	assert_string_equal(p.name, "Alice Martin");
	assert_string_equal(p.job_title, "Chef de projet");
	assert_string_equal(p.department, "Informatique");
	assert_string_equal(p.location, "Lyon");
	assert_string_equal(p.phone, "+33 4 72 00 00 00");
	assert_string_equal(p.notify_mail, "digest");
	int64_t n = -1;
	struct bst_qp q[] = {BST_QP_INT(f->alice), BST_QP_END};
	assert_int_equal(bst_db_exec(f->t.p->main,
				     "SELECT count(*) FROM search_index WHERE kind = 'user' AND ref = $1"
				     " AND body LIKE '%Informatique%'",
				     q, one_int, &n),
			 BST_QS_ONE_RESULT);
	assert_int_equal(n, 1);
}

static void test_profile_member_may_not_edit_someone_else_but_admin_may(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = as(f, f->bob, NOW);
	struct bst_profile_edit e = {.job_title = "Pirate"};
	assert_int_equal(bst_profile_update(&c, f->alice, &e, NULL), BST_PROFILE_FORBIDDEN);
	struct bst_ctx a = as(f, f->admin, NOW);
	assert_int_equal(bst_profile_update(&a, f->alice, &e, NULL), BST_PROFILE_OK);
	struct bst_profile_row p;
	assert_int_equal(bst_profile_get(&c, f->alice, &p), BST_PROFILE_OK);
	assert_string_equal(p.job_title, "Pirate");
}

static void test_profile_refuses_unicode_tricks_and_control_characters(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = as(f, f->alice, NOW);
	static const struct {
		struct bst_profile_edit e;
		enum bst_profile_status st;
		const char *field;
	} bad[] = {
		{{.name = "Alice\xe2\x80\xae" "nimda"}, BST_PROFILE_INVALID_NAME, "name"}, /* RLO */
		{{.name = "Ad\xe2\x80\x8bmin"}, BST_PROFILE_INVALID_NAME, "name"},        /* ZWSP */
		{{.name = "   "}, BST_PROFILE_INVALID_NAME, "name"},
		{{.name = "Bad\xc3"}, BST_PROFILE_INVALID_NAME, "name"},                  /* UTF-8 */
		{{.job_title = "a\tb"}, BST_PROFILE_INVALID_TEXT, "job_title"},
		{{.department = "\xef\xbb\xbfIT"}, BST_PROFILE_INVALID_TEXT, "department"}, /* BOM */
		{{.location = "x\xe2\x81\xa6y"}, BST_PROFILE_INVALID_TEXT, "location"},   /* LRI */
		{{.phone = "06 12 34 56 78; DROP"}, BST_PROFILE_INVALID_PHONE, "phone"},
		{{.bio = "hello \xe2\x80\xae world"}, BST_PROFILE_INVALID_BIO, "bio"},
		{{.bio = "nul\x01"}, BST_PROFILE_INVALID_BIO, "bio"},
		{{.notify_mail = "weekly"}, BST_PROFILE_INVALID_NOTIFY, "notify_mail"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *field = NULL;
		assert_int_equal(bst_profile_update(&c, f->alice, &bad[i].e, &field), bad[i].st);
		assert_string_equal(field, bad[i].field);
	}
	/* Persian needs ZWNJ; a multi-line biography keeps its newlines */
	struct bst_profile_edit ok = {.name = "\xd9\x85\xe2\x80\x8c\xd8\xa7",
				      .bio = "line 1\nline 2\n\n- item"};
	assert_int_equal(bst_profile_update(&c, f->alice, &ok, NULL), BST_PROFILE_OK);
	char long_title[BST_PROFILE_TEXT_MAX + 2];
	memset(long_title, 'x', sizeof long_title - 1);
	long_title[sizeof long_title - 1] = '\0';
	struct bst_profile_edit e = {.job_title = long_title};
	assert_int_equal(bst_profile_update(&c, f->alice, &e, NULL), BST_PROFILE_INVALID_TEXT);
}

struct names {
	char v[8][64];
	int n;
};

static void keep_name(void *cls, const struct bst_profile_row *p)
{
	struct names *n = cls;
	if (n->n < 8)
		snprintf(n->v[n->n++], sizeof n->v[0], "%.63s", p->name);
}

static void test_directory_filters_sorts_pages_and_hides_inactive(void **state)
{
	struct fx *f = *state;
	struct bst_ctx a = as(f, f->admin, NOW);
	struct bst_profile_edit e1 = {.job_title = "Comptable", .department = "Finance",
				      .location = "Paris"};
	struct bst_profile_edit e2 = {.job_title = "Développeur", .department = "IT",
				      .location = "Paris"};
	assert_int_equal(bst_profile_update(&a, f->alice, &e1, NULL), BST_PROFILE_OK);
	assert_int_equal(bst_profile_update(&a, f->bob, &e2, NULL), BST_PROFILE_OK);
	assert_int_equal(bst_profile_update(&a, f->carol, &e2, NULL), BST_PROFILE_OK);

	struct bst_ctx c = as(f, f->bob, NOW);
	struct names n = {0};
	struct bst_q_profile_filter all = {0};
	assert_int_equal(bst_profile_list(&c, &all, 0, 10, keep_name, &n), BST_PROFILE_OK);
	assert_int_equal(n.n, 3); /* the invited account is not in a member's directory */
	assert_string_equal(n.v[0], "Alice Martin");
	assert_string_equal(n.v[1], "Bob Durand");
	assert_string_equal(n.v[2], "Zoé Admin");

	n.n = 0;
	struct bst_q_profile_filter paris_it = {NULL, "IT", "Paris", false};
	assert_int_equal(bst_profile_list(&c, &paris_it, 0, 10, keep_name, &n), BST_PROFILE_OK);
	assert_int_equal(n.n, 1);
	assert_string_equal(n.v[0], "Bob Durand");

	n.n = 0;
	struct bst_q_profile_filter by_title = {"comptable", NULL, NULL, false};
	assert_int_equal(bst_profile_list(&c, &by_title, 0, 10, keep_name, &n), BST_PROFILE_OK);
	assert_int_equal(n.n, 1);
	assert_string_equal(n.v[0], "Alice Martin");

	/* the cursor is the last id shown: the next page starts after it by name */
	n.n = 0;
	assert_int_equal(bst_profile_list(&c, &all, f->alice, 10, keep_name, &n), BST_PROFILE_OK);
	assert_int_equal(n.n, 2);
	assert_string_equal(n.v[0], "Bob Durand");

	/* an administrator may ask for every account */
	n.n = 0;
	struct bst_q_profile_filter everyone = {NULL, NULL, NULL, true};
	assert_int_equal(bst_profile_list(&a, &everyone, 0, 10, keep_name, &n), BST_PROFILE_OK);
	assert_int_equal(n.n, 4);
	n.n = 0;
	everyone.all_statuses = true;
	assert_int_equal(bst_profile_list(&c, &everyone, 0, 10, keep_name, &n), BST_PROFILE_OK);
	assert_int_equal(n.n, 3);

	struct bst_profile_row p;
	assert_int_equal(bst_profile_get(&c, f->carol, &p), BST_PROFILE_NOT_FOUND);
	assert_int_equal(bst_profile_get(&a, f->carol, &p), BST_PROFILE_OK);
}

/* ---- avatars ---- */

/* A PNG of w x h pixels whose tEXt chunk holds marker (CRCs are not
 * checked by libmagic or image.c). */
static size_t make_png(uint8_t *out, uint32_t w, uint32_t h, const char *marker)
{
	size_t n = 0;
	memcpy(out, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
	n = 16;
	const uint8_t dims[8] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h};
	memcpy(out + n, dims, 8);
	n += 8;
	memcpy(out + n, "\x08\x02\0\0\0\0\0\0\0", 9);
	n += 9;
	size_t ml = strlen(marker);
	const uint8_t len[4] = {0, 0, 0, (uint8_t)ml};
	memcpy(out + n, len, 4);
	memcpy(out + n + 4, "tEXt", 4);
	memcpy(out + n + 8, marker, ml);
	n += 8 + ml + 4;
	memcpy(out + n, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
	return n + 12;
}

static bool blobs_contain(struct fx *f, const char *marker)
{
	char dir[700];
	snprintf(dir, sizeof dir, "%s/platforms/acme/blobs", f->t.dir);
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[1000];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *fp = fopen(path, "rb");
		if (!fp)
			continue;
		static char buf[1 << 16];
		size_t got = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		found = memmem(buf, got, marker, strlen(marker)) != NULL;
	}
	closedir(d);
	return found;
}

static int count_blobs(struct fx *f)
{
	char dir[700];
	snprintf(dir, sizeof dir, "%s/platforms/acme/blobs", f->t.dir);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_avatar_round_trip_is_encrypted_typed_and_tagged(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = as(f, f->alice, NOW);
	uint8_t png[256];
	size_t len = make_png(png, 64, 48, "MARKER-avatar-plaintext");
	assert_int_equal(bst_avatar_put(&c, f->alice, png, len), BST_PROFILE_OK);
	assert_false(blobs_contain(f, "MARKER-avatar-plaintext"));
	assert_int_equal(count_blobs(f), 1);

	struct bst_ctx b = as(f, f->bob, NOW);
	struct bst_avatar a;
	assert_int_equal(bst_avatar_get(&b, f->alice, NULL, &a), BST_PROFILE_OK);
	assert_string_equal(a.content_type, "image/png");
	assert_int_equal(a.len, len);
	assert_memory_equal(a.data, png, len);
	assert_int_equal(strlen(a.etag), 34);
	char tag[40];
	snprintf(tag, sizeof tag, "%s", a.etag);
	free(a.data);
	assert_int_equal(bst_avatar_get(&b, f->alice, tag, &a), BST_PROFILE_OK);
	assert_null(a.data);

	/* a new picture replaces the old one, whose blob goes */
	len = make_png(png, 16, 16, "second");
	assert_int_equal(bst_avatar_put(&c, f->alice, png, len), BST_PROFILE_OK);
	assert_int_equal(count_blobs(f), 1);
	assert_int_equal(bst_avatar_get(&b, f->alice, tag, &a), BST_PROFILE_OK);
	assert_non_null(a.data);
	assert_memory_equal(a.data, png, len);
	free(a.data);

	assert_int_equal(bst_avatar_delete(&b, f->alice), BST_PROFILE_FORBIDDEN);
	assert_int_equal(bst_avatar_delete(&c, f->alice), BST_PROFILE_OK);
	assert_int_equal(count_blobs(f), 0);
	assert_int_equal(bst_avatar_get(&b, f->alice, NULL, &a), BST_PROFILE_NO_AVATAR);
}

static void test_avatar_refuses_wrong_type_size_and_dimensions(void **state)
{
	struct fx *f = *state;
	struct bst_ctx c = as(f, f->alice, NOW);
	uint8_t png[256];
	size_t len = make_png(png, 8, 8, "x");
	assert_int_equal(bst_avatar_put(&c, f->alice, png, len), BST_PROFILE_AVATAR_SIZE);
	len = make_png(png, 1025, 20, "x");
	assert_int_equal(bst_avatar_put(&c, f->alice, png, len), BST_PROFILE_AVATAR_SIZE);
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" "
				  "height=\"64\"><script>alert(1)</script></svg>";
	assert_int_equal(bst_avatar_put(&c, f->alice, svg, sizeof svg - 1), BST_PROFILE_AVATAR_TYPE);
	assert_int_equal(bst_avatar_put(&c, f->alice, "", 0), BST_PROFILE_AVATAR_TYPE);
	/* a GIF header glued to a PNG: libmagic and the parser disagree */
	len = make_png(png, 64, 64, "x");
	memcpy(png, "GIF89a", 6);
	assert_int_equal(bst_avatar_put(&c, f->alice, png, len), BST_PROFILE_AVATAR_TYPE);
	uint8_t *big = calloc(1, BST_AVATAR_MAX_BYTES + 1);
	assert_non_null(big);
	len = make_png(big, 64, 64, "x");
	assert_int_equal(bst_avatar_put(&c, f->alice, big, BST_AVATAR_MAX_BYTES + 1),
			 BST_PROFILE_AVATAR_TOO_LARGE);
	free(big);
	assert_int_equal(bst_avatar_put(&c, f->bob, png, len), BST_PROFILE_FORBIDDEN);
	assert_int_equal(count_blobs(f), 0);
}

/* ---- notifications ---- */

static int64_t add_group(struct fx *f, const char *name, const char *kind)
{
	sql(f, "INSERT INTO groups (name, kind, created_ms, updated_ms) VALUES ($1, $2, 0, 0)",
	    (struct bst_qp[]){BST_QP_TEXT(name), BST_QP_TEXT(kind), BST_QP_END});
	return bst_db_last_id();
}

static void add_member(struct fx *f, int64_t group, int64_t user, const char *state)
{
	sql(f,
	    "INSERT INTO group_members (group_id, user_id, state, created_ms, updated_ms)"
	    " VALUES ($1, $2, $3, 0, 0)",
	    (struct bst_qp[]){BST_QP_INT(group), BST_QP_INT(user), BST_QP_TEXT(state), BST_QP_END});
}

static int64_t add_post(struct fx *f, int64_t author, int64_t group)
{
	sql(f, "INSERT INTO posts (author_id, group_id, body, created_ms) VALUES ($1, $2, 'x', 0)",
	    (struct bst_qp[]){BST_QP_INT(author), group ? BST_QP_INT(group) : BST_QP_NULL,
			      BST_QP_END});
	return bst_db_last_id();
}

static int64_t notify(struct fx *f, int64_t actor, int64_t to, enum bst_notify_kind k,
		      int64_t group, int64_t post, int64_t now)
{
	struct bst_ctx c = as(f, actor, now);
	assert_int_equal(bst_notify(&c, to, k, group, post, 0), 0);
	return bst_db_last_id();
}

struct seen {
	int64_t ids[16];
	char text[16][200];
	int n;
};

static void keep_notification(void *cls, const struct bst_notification_row *n)
{
	struct seen *s = cls;
	if (s->n < 16) {
		s->ids[s->n] = n->id;
		snprintf(s->text[s->n], sizeof s->text[0], "%s", n->kind);
		s->n++;
	}
}

static void test_notifications_list_newest_first_count_and_mark_read(void **state)
{
	struct fx *f = *state;
	int64_t open = add_group(f, "Open", "open");
	int64_t post = add_post(f, f->alice, 0);
	int64_t n1 = notify(f, f->bob, f->alice, BST_NOTIFY_COMMENT, 0, post, NOW);
	int64_t n2 = notify(f, f->bob, f->alice, BST_NOTIFY_GROUP_INVITATION, open, 0, NOW + 1);
	int64_t n3 = notify(f, f->bob, f->alice, BST_NOTIFY_MENTION, 0, post, NOW + 2);
	struct bst_ctx c = as(f, f->alice, NOW + 10);
	assert_int_equal(bst_notifications_unread(&c), 3);
	struct seen s = {0};
	assert_int_equal(bst_notifications_list(&c, 0, false, 10, keep_notification, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], n3);
	assert_int_equal(s.ids[2], n1);
	s.n = 0;
	assert_int_equal(bst_notifications_list(&c, n3, false, 10, keep_notification, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], n2);

	assert_int_equal(bst_notifications_mark_read(&c, n2), 1);
	assert_int_equal(bst_notifications_mark_read(&c, n2), 0);
	assert_int_equal(bst_notifications_unread(&c), 2);
	/* someone else's notification cannot be marked */
	struct bst_ctx b = as(f, f->bob, NOW + 10);
	assert_int_equal(bst_notifications_mark_read(&b, n1), 0);
	assert_int_equal(bst_notifications_unread(&c), 2);
	assert_int_equal(bst_notifications_mark_all_read(&c, 0), 2);
	assert_int_equal(bst_notifications_unread(&c), 0);

	/* nobody is told of their own actions */
	int64_t before = bst_db_last_id();
	struct bst_ctx self = as(f, f->alice, NOW);
	assert_int_equal(bst_notify(&self, f->alice, BST_NOTIFY_COMMENT, 0, post, 0), 0);
	assert_int_equal(bst_db_last_id(), before);
}

static void test_notifications_of_secret_groups_vanish_with_membership(void **state)
{
	struct fx *f = *state;
	int64_t secret = add_group(f, "Secret", "secret");
	add_member(f, secret, f->bob, "member");
	add_member(f, secret, f->alice, "member");
	int64_t post = add_post(f, f->bob, secret);
	notify(f, f->bob, f->alice, BST_NOTIFY_MENTION, 0, post, NOW);
	int64_t other = add_post(f, f->bob, 0);
	notify(f, f->bob, f->alice, BST_NOTIFY_MENTION, 0, other, NOW + 1);
	struct bst_ctx c = as(f, f->alice, NOW + 10);
	assert_int_equal(bst_notifications_unread(&c), 2);

	sql(f, "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2",
	    (struct bst_qp[]){BST_QP_INT(secret), BST_QP_INT(f->alice), BST_QP_END});
	assert_int_equal(bst_notifications_unread(&c), 1);
	struct seen s = {0};
	assert_int_equal(bst_notifications_list(&c, 0, false, 10, keep_notification, &s), 0);
	assert_int_equal(s.n, 1);

	/* an invitation to a secret group shows while invited, not after */
	int64_t other_secret = add_group(f, "Other secret", "secret");
	add_member(f, other_secret, f->alice, "invited");
	notify(f, f->bob, f->alice, BST_NOTIFY_GROUP_INVITATION, other_secret, 0, NOW + 2);
	assert_int_equal(bst_notifications_unread(&c), 2);
	sql(f, "DELETE FROM group_members WHERE group_id = $1",
	    (struct bst_qp[]){BST_QP_INT(other_secret), BST_QP_END});
	assert_int_equal(bst_notifications_unread(&c), 1);

	/* a deleted publication takes its notifications with it */
	sql(f, "UPDATE posts SET deleted_ms = 1 WHERE id = $1",
	    (struct bst_qp[]){BST_QP_INT(other), BST_QP_END});
	assert_int_equal(bst_notifications_unread(&c), 0);
}

struct mails {
	char to[8][BST_EMAIL_MAX + 1];
	char subject[8][256];
	char body[8][2048];
	int64_t ids[8];
	int n;
};

static void keep_mail(void *cls, const struct bst_mail_row *m)
{
	struct mails *s = cls;
	if (s->n < 8) {
		snprintf(s->to[s->n], sizeof s->to[0], "%s", m->recipient);
		snprintf(s->subject[s->n], sizeof s->subject[0], "%s", m->subject);
		snprintf(s->body[s->n], sizeof s->body[0], "%s", m->body);
		s->ids[s->n] = m->id;
		s->n++;
	}
}

/* The mails queued since the last call (which are then marked sent). */
static struct mails queued(struct fx *f)
{
	struct mails s = {0};
	assert_true(bst_q_mail_due(f->t.in->control, NOW + 400 * 24 * HOUR_MS, 8, keep_mail, &s) >=
		    0);
	for (int i = 0; i < s.n; i++)
		assert_true(bst_q_mail_sent(f->t.in->control, s.ids[i], NOW) >= 0);
	return s;
}

static void set_notify(struct fx *f, int64_t user, const char *mode)
{
	struct bst_ctx c = as(f, user, NOW);
	struct bst_profile_edit e = {.notify_mail = mode};
	assert_int_equal(bst_profile_update(&c, user, &e, NULL), BST_PROFILE_OK);
}

static void test_notification_mail_immediate_once_and_digest_daily(void **state)
{
	struct fx *f = *state;
	set_notify(f, f->alice, "immediate");
	set_notify(f, f->bob, "digest");
	int64_t post = add_post(f, f->admin, 0);
	int64_t na = notify(f, f->admin, f->alice, BST_NOTIFY_MENTION, 0, post, NOW);
	struct bst_ctx c = as(f, f->admin, NOW);
	assert_int_equal(bst_notification_mail_now(&c, f->alice, na), 0);
	assert_int_equal(bst_notification_mail_now(&c, f->alice, na), 0); /* once */
	struct mails m = queued(f);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.to[0], "alice@acme.example");
	assert_non_null(strstr(m.subject[0], "Zoé Admin mentioned you in a publication."));
	char link[80];
	snprintf(link, sizeof link, "http://acme.localhost:8080/posts/%lld", (long long)post);
	assert_non_null(strstr(m.body[0], link));

	/* the digest: two notifications, one message; nothing more that day */
	notify(f, f->admin, f->bob, BST_NOTIFY_COMMENT, 0, post, NOW);
	notify(f, f->alice, f->bob, BST_NOTIFY_MENTION, 0, post, NOW + 1);
	bst_registry *reg = bst_registry_new(f->t.in);
	assert_non_null(reg);
	bst_notification_mail_run(f->t.in, reg, &f->t.cfg, NOW + 1000); /* Bob wants a digest */
	assert_int_equal(queued(f).n, 0);
	bst_digest_run(f->t.in, reg, &f->t.cfg, NOW + HOUR_MS);
	m = queued(f);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.to[0], "bob@acme.example");
	assert_non_null(strstr(m.subject[0], "2 notifications"));
	assert_non_null(strstr(m.body[0], "Zoé Admin commented on your publication."));
	assert_non_null(strstr(m.body[0], "Alice Martin mentioned you in a publication."));
	assert_non_null(strstr(m.body[0], "/notifications"));
	notify(f, f->admin, f->bob, BST_NOTIFY_COMMENT, 0, post, NOW + 2 * HOUR_MS);
	bst_digest_run(f->t.in, reg, &f->t.cfg, NOW + 3 * HOUR_MS);
	assert_int_equal(queued(f).n, 0);
	bst_digest_run(f->t.in, reg, &f->t.cfg, NOW + 26 * HOUR_MS);
	m = queued(f);
	assert_int_equal(m.n, 1);
	assert_non_null(strstr(m.subject[0], "1 notification"));
	/* a notification read in the app is not mailed */
	int64_t nr = notify(f, f->admin, f->alice, BST_NOTIFY_COMMENT, 0, post, NOW + 27 * HOUR_MS);
	struct bst_ctx alice = as(f, f->alice, NOW + 27 * HOUR_MS);
	assert_int_equal(bst_notifications_mark_read(&alice, nr), 1);
	bst_notification_mail_run(f->t.in, reg, &f->t.cfg, NOW + 27 * HOUR_MS + 1000);
	assert_int_equal(queued(f).n, 0);
	/* and an unread one is, by the sender's pass */
	notify(f, f->admin, f->alice, BST_NOTIFY_COMMENT, 0, post, NOW + 28 * HOUR_MS);
	bst_notification_mail_run(f->t.in, reg, &f->t.cfg, NOW + 28 * HOUR_MS + 1000);
	m = queued(f);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.to[0], "alice@acme.example");
	bst_registry_free(reg);
}

/* ---- scheduler ---- */

static void count_run(void *cls, int64_t now)
{
	(*(int *)cls)++;
}

static void test_scheduler_runs_after_delay_then_every_interval_once_per_jump(void **state)
{
	struct bst_scheduler *s = bst_scheduler_new();
	int runs = 0;
	assert_int_equal(bst_scheduler_add(s, "count", 1000, HOUR_MS, count_run, &runs), 0);
	assert_int_equal(bst_scheduler_run_due(s, NOW), 0);
	assert_int_equal(bst_scheduler_run_due(s, NOW + 999), 0);
	assert_int_equal(bst_scheduler_run_due(s, NOW + 1000), 1);
	assert_int_equal(bst_scheduler_run_due(s, NOW + 2000), 0);
	/* the clock moves a day forward: one run, not twenty-four */
	assert_int_equal(bst_scheduler_run_due(s, NOW + 24 * HOUR_MS), 1);
	assert_int_equal(runs, 2);
	assert_int_equal(bst_scheduler_run_due(s, NOW + 25 * HOUR_MS), 1);
	bst_scheduler_stop(s);
	/* a started scheduler stops promptly */
	s = bst_scheduler_new();
	assert_int_equal(bst_scheduler_add(s, "count", 0, HOUR_MS, count_run, &runs), 0);
	assert_int_equal(bst_scheduler_start(s), 0);
	bst_scheduler_stop(s);
}

/* ---- applications and meetings ---- */

struct meets {
	struct bst_meeting m[4];
	int n;
};

static void keep_meeting(void *cls, const struct bst_meeting *m)
{
	struct meets *s = cls;
	if (s->n < 4)
		s->m[s->n++] = *m;
}

static void test_meetings_need_configuration_switch_and_give_unguessable_rooms(void **state)
{
	struct fx *f = *state;
	struct bst_ctx member = as(f, f->alice, NOW);
	struct bst_ctx admin = as(f, f->admin, NOW);
	struct bst_meeting m;
	assert_int_equal(bst_app_switch(&member, "meetings", true), BST_APP_FORBIDDEN);
	assert_int_equal(bst_app_switch(&admin, "meetings", true), BST_APP_UNAVAILABLE);
	assert_int_equal(bst_app_switch(&admin, "chess", true), BST_APP_UNKNOWN);
	snprintf(f->t.cfg.meetings_url, sizeof f->t.cfg.meetings_url, "https://meet.example.org");
	snprintf(f->t.cfg.meetings_region, sizeof f->t.cfg.meetings_region, "EU (France)");
	struct bst_app_info info;
	assert_int_equal(bst_app_info_get(&member, "meetings", &info), BST_APP_OK);
	assert_false(info.enabled);
	assert_true(info.available);
	assert_string_equal(info.hosting, "EU (France)");
	assert_int_equal(bst_meeting_start(&member, "Daily", &m), BST_APP_OFF);
	assert_int_equal(bst_app_switch(&admin, "meetings", true), BST_APP_OK);
	assert_int_equal(bst_meeting_start(&member, "Daily", &m), BST_APP_OK);
	const char *room = m.url + strlen("https://meet.example.org/");
	assert_int_equal(strncmp(m.url, "https://meet.example.org/", 25), 0);
	assert_int_equal(strlen(room), 2 * BST_MEETING_ROOM_BYTES);
	assert_int_equal(strspn(room, "0123456789abcdef"), strlen(room));
	struct bst_meeting m2;
	struct bst_ctx later = as(f, f->bob, NOW + 1000);
	assert_int_equal(bst_meeting_start(&later, "", &m2), BST_APP_OK);
	assert_string_not_equal(m.url, m2.url);
	assert_string_equal(m2.title, "Meeting");
	assert_int_equal(bst_meeting_start(&later, "bad\xe2\x80\xaetitle", &m2),
			 BST_APP_INVALID_TITLE);
	struct meets s = {0};
	assert_int_equal(bst_meetings_list(&later, keep_meeting, &s), BST_APP_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.m[0].title, "Meeting"); /* newest first */
	s.n = 0;
	struct bst_ctx next_day = as(f, f->bob, NOW + 24 * HOUR_MS + 500);
	assert_int_equal(bst_meetings_list(&next_day, keep_meeting, &s), BST_APP_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(bst_app_switch(&admin, "meetings", false), BST_APP_OK);
	assert_int_equal(bst_meetings_list(&later, keep_meeting, &s), BST_APP_OFF);
}

static int load_config(struct fx *f, const char *text, struct bst_config *c)
{
	char path[128];
	snprintf(path, sizeof path, "%s/test.ini", f->t.dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	char err[600];
	bst_config_defaults(c);
	return bst_config_load(c, path, err, sizeof err);
}

static void test_meetings_config_takes_a_clean_url_and_one_line_texts(void **state)
{
	struct fx *f = *state;
	struct bst_config c;
	assert_int_equal(load_config(f,
				     "[meetings]\nurl = https://meet.example.org/\n"
				     "provider = Example SAS\nregion = EU (France)\n",
				     &c),
			 0);
	assert_string_equal(c.meetings_url, "https://meet.example.org");
	assert_string_equal(c.meetings_provider, "Example SAS");
	assert_string_equal(c.meetings_region, "EU (France)");
	static const char *const bad[] = {
		"[meetings]\nurl = ftp://meet.example.org\n",
		"[meetings]\nurl = https://\n",
		"[meetings]\nurl = https://meet.example.org/?room=\n",
		"[meetings]\nurl = https://meet.example.org/\"onmouseover\n",
		"[meetings]\nurl = javascript:alert(1)\n",
		"[meetings]\nroom = x\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(load_config(f, bad[i], &c), -1);
	assert_int_equal(load_config(f, "[meetings]\nurl =\n", &c), 0);
	assert_string_equal(c.meetings_url, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_profile_owner_edits_fields_and_they_are_indexed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_profile_member_may_not_edit_someone_else_but_admin_may, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_profile_refuses_unicode_tricks_and_control_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_filters_sorts_pages_and_hides_inactive,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_avatar_round_trip_is_encrypted_typed_and_tagged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_avatar_refuses_wrong_type_size_and_dimensions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_notifications_list_newest_first_count_and_mark_read, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_notifications_of_secret_groups_vanish_with_membership, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_notification_mail_immediate_once_and_digest_daily, setup, teardown),
		cmocka_unit_test(test_scheduler_runs_after_delay_then_every_interval_once_per_jump),
		cmocka_unit_test_setup_teardown(
			test_meetings_need_configuration_switch_and_give_unguessable_rooms, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_meetings_config_takes_a_clean_url_and_one_line_texts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
