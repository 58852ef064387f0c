/* Profiles and the people directory: display name, job title, department,
 * location, phone, a short biography (Markdown), the notification mail
 * preference, and the avatar. Everyone signed in on a platform sees the
 * profiles of its active accounts; people edit their own, platform
 * administrators any. Avatars are typed by their content (libmagic, then
 * the image header must agree), limited in bytes and pixels, and stored
 * encrypted with the platform key (avatars.c). Every change is audited and
 * kept in the search index. Names and single-line fields refuse control
 * characters and the invisible or direction-changing characters that make
 * one name pass for another. Thread-safe. */
#ifndef BST_SOCIAL_PROFILES_H
#define BST_SOCIAL_PROFILES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/q_people.h"
#include "tenant/context.h"

/* Avatars: 2 MiB is far above what a 1024 x 1024 photograph needs; 16 px
 * is the smallest size that still shows a face in a list. */
#define BST_AVATAR_MAX_BYTES (2u * 1024 * 1024)
#define BST_AVATAR_MAX_PX 1024
#define BST_AVATAR_MIN_PX 16

enum bst_profile_status {
	BST_PROFILE_OK = 0,
	BST_PROFILE_NOT_FOUND,      /* no such account, or not one ctx may see */
	BST_PROFILE_FORBIDDEN,
	BST_PROFILE_INVALID_NAME,
	BST_PROFILE_INVALID_TEXT,   /* job title, department or location */
	BST_PROFILE_INVALID_PHONE,
	BST_PROFILE_INVALID_BIO,
	BST_PROFILE_INVALID_NOTIFY, /* not immediate, digest or off */
	BST_PROFILE_AVATAR_TOO_LARGE,
	BST_PROFILE_AVATAR_TYPE,    /* not PNG, JPEG, GIF or WebP by content */
	BST_PROFILE_AVATAR_SIZE,    /* pixel dimensions out of bounds */
	BST_PROFILE_NO_AVATAR,
	BST_PROFILE_ERROR,          /* the store or the disk failed */
};

/* A stable code ("profile_not_found"), an English msgid, an HTTP status. */
const char *bst_profile_code(enum bst_profile_status s);
const char *bst_profile_text(enum bst_profile_status s);
int bst_profile_http_status(enum bst_profile_status s);

/* The profile of user_id as ctx may see it: active accounts for everyone
 * signed in; any account for platform administrators. */
enum bst_profile_status bst_profile_get(struct bst_ctx *ctx, int64_t user_id,
					struct bst_profile_row *out);
/* May ctx edit user_id's profile? (self, or a platform administrator) */
bool bst_profile_may_edit(const struct bst_ctx *ctx, int64_t user_id);
/* Puts user_id in the search index when the account is active, takes it
 * out otherwise: account services call it when an account becomes active
 * or stops being so. Returns 0 or -1. */
int bst_profile_index(struct bst_ctx *ctx, int64_t user_id);

/* An edit: NULL fields keep their value. */
struct bst_profile_edit {
	const char *name, *job_title, *department, *location, *phone, *bio, *notify_mail;
};
/* Validates every field given, then writes them at once. On an invalid
 * field, *field (may be NULL) names it ("name", "job_title", ...). */
enum bst_profile_status bst_profile_update(struct bst_ctx *ctx, int64_t user_id,
					   const struct bst_profile_edit *e, const char **field);

/* The directory, as bst_q_profile_list (administrators also see invited
 * and disabled accounts when f->all_statuses). */
enum bst_profile_status bst_profile_list(struct bst_ctx *ctx, struct bst_q_profile_filter *f,
					 int64_t after, int limit,
					 void (*fn)(void *cls, const struct bst_profile_row *p),
					 void *cls);
/* Filter values for the directory: "department" or "location". */
#define BST_PROFILE_FACETS_MAX 200
enum bst_profile_status bst_profile_facets(struct bst_ctx *ctx, const char *column,
					   void (*fn)(void *cls, const char *value), void *cls);

/* Is s acceptable as a one-line profile text of at most max bytes? (valid
 * UTF-8, no control, invisible or bidirectional-override characters) */
bool bst_profile_text_valid(const char *s, size_t max);
/* Is s acceptable as a phone number? At most BST_PROFILE_PHONE_MAX bytes
 * of digits (two at least), spaces and + ( ) - . /; "" is. */
bool bst_profile_phone_valid(const char *s);

/* ---- avatars.c ---- */

/* Sets user_id's avatar from an upload of len bytes. */
enum bst_profile_status bst_avatar_put(struct bst_ctx *ctx, int64_t user_id, const void *data,
				       size_t len);
enum bst_profile_status bst_avatar_delete(struct bst_ctx *ctx, int64_t user_id);

/* An avatar to serve: its bytes (malloc'd, the caller frees data), its
 * sniffed type and an entity tag (quoted, for ETag). */
struct bst_avatar {
	void *data;
	size_t len;
	char content_type[32];
	char etag[40];
	int64_t updated_ms;
};
/* Fills *out when user_id has an avatar ctx may see. With if_none_match
 * equal to the current tag, answers OK without reading the file (data
 * NULL): the caller replies 304. */
enum bst_profile_status bst_avatar_get(struct bst_ctx *ctx, int64_t user_id,
				       const char *if_none_match, struct bst_avatar *out);

#endif
