/* Groups: open (any member of the platform may join), private (visible;
 * joining needs a group administrator's approval or an invitation), secret
 * (invisible to non-members everywhere: lists, search, API, notifications,
 * counts). Roles: group administrator, member; a group always keeps at
 * least one administrator. This header is also where every other service
 * asks what a person may do with a group (bst_group_access). Thread-safe. */
#ifndef BST_SOCIAL_GROUPS_H
#define BST_SOCIAL_GROUPS_H
#include <stdbool.h>
#include <stdint.h>

#include "tenant/context.h"

#define BST_GROUP_NAME_MAX 100   /* bytes */
#define BST_GROUP_DESC_MAX 4000  /* bytes of Markdown */

/* What ctx's actor is to a group. */
struct bst_group_access {
	bool exists;      /* false also for a secret group ctx may not know of */
	int64_t id;
	char kind[8];     /* "open" | "private" | "secret" */
	char state[12];   /* "member" | "invited" | "requested" | "" (none) */
	bool member;      /* state == member */
	bool admin;       /* member with role admin */
	bool see;         /* may know it exists: open/private to every active
			     user of the platform; secret to members and invitees */
	bool read;        /* may read its feed, members and library: open to
			     everyone signed in, private and secret to members */
	bool write;       /* may publish and upload: members */
	bool manage;      /* may invite, approve, remove, promote, edit: group
			     administrators (platform administrators too, except
			     for secret groups they are not in) */
};

/* A group as people see it. */
struct bst_group {
	int64_t id;
	char name[BST_GROUP_NAME_MAX + 1];
	char description[BST_GROUP_DESC_MAX + 1];
	char kind[8];
	int64_t members;   /* members with state "member" */
	int64_t created_ms;
};

/* The group if ctx may see it (access.see): 0; -1 when it does not exist
 * for ctx or the store failed (*a says which: a->exists). a may be NULL. */
int bst_group_get(struct bst_ctx *ctx, int64_t group_id, struct bst_group *g,
		  struct bst_group_access *a);

/* Fills *a for group_id. Returns 0, or -1 when the store failed. A group
 * ctx may not see reads as not existing (a->exists false). */
int bst_group_access(struct bst_ctx *ctx, int64_t group_id, struct bst_group_access *a);

/* Outcomes of the group service, with a stable code, a sentence for
 * people (an English msgid) and the HTTP status interfaces answer with. */
enum bst_group_status {
	BST_GROUP_OK = 0,
	BST_GROUP_NOT_FOUND,       /* also: a secret group ctx may not know of */
	BST_GROUP_FORBIDDEN,
	BST_GROUP_INVALID_NAME,
	BST_GROUP_INVALID_DESCRIPTION,
	BST_GROUP_INVALID_KIND,
	BST_GROUP_INVALID_ROLE,
	BST_GROUP_NAME_TAKEN,
	BST_GROUP_LAST_ADMIN,      /* would leave the group without an administrator */
	BST_GROUP_USER_NOT_FOUND,  /* no active user of the platform with that address */
	BST_GROUP_NO_MEMBERSHIP,   /* no such member, invitation or request */
	BST_GROUP_ALREADY,         /* already a member, invited or requested */
	BST_GROUP_ERROR,           /* the store failed */
};
const char *bst_group_code(enum bst_group_status s);
const char *bst_group_text(enum bst_group_status s);
int bst_group_http_status(enum bst_group_status s);

/* Page sizes of the lists below. */
#define BST_GROUP_LIST_MAX 100

/* Creates a group; ctx's user (an active user of the platform) becomes its
 * administrator. *id is the new group's (0 on failure). Audited
 * (group.create). */
enum bst_group_status bst_group_create(struct bst_ctx *ctx, const char *name,
				       const char *description, const char *kind,
				       int64_t *id);
/* Changes name, description and kind (NULL: unchanged). Those who may
 * manage the group. Audited (group.update, with the kind change). */
enum bst_group_status bst_group_update(struct bst_ctx *ctx, int64_t group_id,
				       const char *name, const char *description,
				       const char *kind);

/* ctx's user joins: an open group at once; a private group by a request
 * to its administrators (*requested true), unless ctx may manage it; an
 * invitation is accepted. A secret group without an invitation: NOT_FOUND.
 * requested may be NULL. Audited (group.join or group.request). */
enum bst_group_status bst_group_join(struct bst_ctx *ctx, int64_t group_id, bool *requested);
/* ctx's user leaves (or withdraws a request, or declines an invitation);
 * refused for the last administrator. Audited (group.leave). */
enum bst_group_status bst_group_leave(struct bst_ctx *ctx, int64_t group_id);
/* Invites an active user of the platform, by e-mail address or id; a
 * pending request of theirs is approved instead. *user_id is theirs (may
 * be NULL). Managers only. Notifies them. Audited (group.invite). */
enum bst_group_status bst_group_invite(struct bst_ctx *ctx, int64_t group_id,
				       const char *email, int64_t *user_id);
enum bst_group_status bst_group_invite_user(struct bst_ctx *ctx, int64_t group_id,
					    int64_t user_id);
/* ctx's user answers an invitation. Audited (group.accept, group.decline). */
enum bst_group_status bst_group_accept(struct bst_ctx *ctx, int64_t group_id);
enum bst_group_status bst_group_decline(struct bst_ctx *ctx, int64_t group_id);
/* Managers answer a join request; approval notifies the requester.
 * Audited (group.approve, group.refuse). */
enum bst_group_status bst_group_approve(struct bst_ctx *ctx, int64_t group_id,
					int64_t user_id);
enum bst_group_status bst_group_refuse(struct bst_ctx *ctx, int64_t group_id,
				       int64_t user_id);
/* Managers remove a member, an invitation or a request; refused for the
 * last administrator. Audited (group.remove). */
enum bst_group_status bst_group_remove(struct bst_ctx *ctx, int64_t group_id,
				       int64_t user_id);
/* Managers set a member's role, "admin" or "member"; never leaves the group
 * without an administrator. Audited (group.role). */
enum bst_group_status bst_group_set_role(struct bst_ctx *ctx, int64_t group_id,
					 int64_t user_id, const char *role);

/* Groups ctx may see (never a secret group ctx is not in or invited to),
 * ordered by id, id > after, at most limit (1..BST_GROUP_LIST_MAX): those
 * whose name contains search (NULL or "": all); only the groups ctx's user
 * is a member of when mine_only. fn gets each group and ctx's access to
 * it, valid during the call. Anonymous: FORBIDDEN. */
enum bst_group_status bst_group_list(struct bst_ctx *ctx, const char *search, bool mine_only,
				     int64_t after, int limit,
				     void (*fn)(void *cls, const struct bst_group *g,
						const struct bst_group_access *a),
				     void *cls);

/* A person in a group. */
struct bst_group_member {
	int64_t user_id;
	char email[BST_EMAIL_MAX + 1];
	char name[BST_NAME_MAX + 1];
	char role[8];    /* "admin" | "member" */
	char state[12];  /* "member" | "invited" | "requested" */
	int64_t since_ms;
};

/* Members of a group, ordered by user id, user_id > after, at most limit
 * (1..BST_GROUP_LIST_MAX). Those who may read or manage the group;
 * managers also get invitations and requests. NOT_FOUND when ctx may not see the group,
 * FORBIDDEN when ctx may see but not read it. */
enum bst_group_status bst_group_members(struct bst_ctx *ctx, int64_t group_id, int64_t after,
					int limit,
					void (*fn)(void *cls, const struct bst_group_member *m),
					void *cls);

/* One person's membership as ctx may know it: a member of a group ctx may
 * read; an invitation or a request to managers and to the person
 * concerned (NO_MEMBERSHIP to others). NOT_FOUND when ctx may not see the
 * group. */
enum bst_group_status bst_group_member_get(struct bst_ctx *ctx, int64_t group_id,
					   int64_t user_id, struct bst_group_member *m);

#endif
