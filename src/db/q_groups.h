/* Queries of the groups feature: the groups table and group_members
 * (memberships, invitations and join requests). Visibility is decided by
 * the groups service (src/social/groups.c); the only policy written here
 * is the one that must be atomic with the write: a change that would leave
 * a group without an administrator changes nothing. Thread-safe as the
 * store is. */
#ifndef BST_DB_Q_GROUPS_H
#define BST_DB_Q_GROUPS_H
#include <stdbool.h>
#include <stdint.h>

#include "db/queries.h"
#include "db/store.h"

/* Sizes of the text fields of a group row: the limits of
 * src/social/groups.h (checked there on input) plus the terminator. */
#define BST_Q_GROUP_NAME_LEN (100 + 1)
#define BST_Q_GROUP_DESC_LEN (4000 + 1)

struct bst_group_row {
	int64_t id;
	char name[BST_Q_GROUP_NAME_LEN];
	char description[BST_Q_GROUP_DESC_LEN];
	char kind[8];
	int64_t created_by;
	int64_t created_ms;
	int64_t updated_ms;
	int64_t members;   /* rows with state 'member' */
	char my_state[12]; /* of the user asked about: "" when none */
	char my_role[8];
};

/* One group, with its member count and user_id's membership (user_id 0:
 * none). NO_RESULTS when it does not exist. */
enum bst_qs bst_q_group_get(bst_db *db, int64_t id, int64_t user_id,
			    struct bst_group_row *out);

/* Groups user_id may know of, ordered by id, id > after, at most limit:
 * every open and private group plus the secret ones where user_id is a
 * member or invitee; only those where user_id is a member when mine_only.
 * search (NULL: all) matches inside the name, case-insensitively. */
enum bst_qs bst_q_group_list(bst_db *db, int64_t user_id, const char *search,
			     bool mine_only, int64_t after, int limit,
			     void (*fn)(void *cls, const struct bst_group_row *g),
			     void *cls);

/* Inserts the group and its creator as its administrator, in one
 * transaction. NO_RESULTS (and *id 0) when the name is taken. */
enum bst_qs bst_q_group_insert(bst_db *db, const char *name, const char *description,
			       const char *kind, int64_t creator_id, int64_t now,
			       int64_t *id);
/* NO_RESULTS when the new name is taken by another group (or the group is
 * gone). */
enum bst_qs bst_q_group_update(bst_db *db, int64_t id, const char *name,
			       const char *description, const char *kind, int64_t now);

struct bst_group_member_row {
	int64_t user_id;
	char email[BST_EMAIL_MAX + 1];
	char name[BST_NAME_MAX + 1];
	char user_status[12]; /* the account's: "active", "disabled", "invited" */
	char role[8];         /* "admin" | "member" */
	char state[12];       /* "member" | "invited" | "requested" */
	int64_t invited_by;
	int64_t created_ms;
	int64_t updated_ms;
};

/* One membership row (any state). NO_RESULTS when none. */
enum bst_qs bst_q_group_member_get(bst_db *db, int64_t group_id, int64_t user_id,
				   struct bst_group_member_row *out);
/* Members of a group ordered by user id, user_id > after, at most limit;
 * with invitations and requests too when all_states. */
enum bst_qs bst_q_group_member_list(
    bst_db *db, int64_t group_id, bool all_states, int64_t after, int limit,
    void (*fn)(void *cls, const struct bst_group_member_row *m), void *cls);
/* Administrators (state member, role admin) of a group, for notices. */
enum bst_qs bst_q_group_admin_ids(bst_db *db, int64_t group_id,
				  void (*fn)(void *cls, int64_t user_id), void *cls);
/* Number of administrators of the group, or -1. */
int64_t bst_q_group_admin_count(bst_db *db, int64_t group_id);

/* A new row; NO_RESULTS when user_id already has one in the group. */
enum bst_qs bst_q_group_member_insert(bst_db *db, int64_t group_id, int64_t user_id,
				      const char *role, const char *state,
				      int64_t invited_by, int64_t now);
/* Moves a row from state `from` to `to` (role unchanged). NO_RESULTS when
 * there is no row in state `from`. */
enum bst_qs bst_q_group_member_set_state(bst_db *db, int64_t group_id, int64_t user_id,
					 const char *from, const char *to, int64_t now);
/* Sets the role of a member (state member). NO_RESULTS when there is no
 * such member, or when demoting them would leave the group without an
 * administrator (the caller tells which by reading the row again). */
enum bst_qs bst_q_group_member_set_role(bst_db *db, int64_t group_id, int64_t user_id,
					const char *role, int64_t now);
/* Deletes the row of user_id (in state `state`, or any when NULL).
 * NO_RESULTS when there is none, or when it is the group's last
 * administrator. */
enum bst_qs bst_q_group_member_delete(bst_db *db, int64_t group_id, int64_t user_id,
				      const char *state);

#endif
