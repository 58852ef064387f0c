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

#endif
