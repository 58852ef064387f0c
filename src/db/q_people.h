/* Queries of profiles and the people directory (q_profiles.c), avatars
 * (q_avatars.c), the notification list, its unread count and the mail
 * bookkeeping of notifications (q_notifications_list.c), and the
 * application switches' list and update (q_profiles.c, until they join
 * q_apps.c). Row structs are filled by value. Thread-safe as the store is. */
#ifndef BST_DB_Q_PEOPLE_H
#define BST_DB_Q_PEOPLE_H
#include <stdbool.h>
#include <stdint.h>

#include "db/queries.h"
#include "db/store.h"

/* Bytes of each profile field (the service checks; the store truncates). */
#define BST_PROFILE_TEXT_MAX 100  /* job title, department, location */
#define BST_PROFILE_PHONE_MAX 40
#define BST_PROFILE_BIO_MAX 4000  /* Markdown */

/* ---- q_profiles.c ---- */

struct bst_profile_row {
	int64_t id;
	char email[BST_EMAIL_MAX + 1];
	char name[BST_NAME_MAX + 1];
	char role[8];      /* "admin" | "member" */
	char status[12];   /* "invited" | "active" | "disabled" */
	char lang[4];      /* "" when unset */
	char job_title[BST_PROFILE_TEXT_MAX + 1];
	char department[BST_PROFILE_TEXT_MAX + 1];
	char location[BST_PROFILE_TEXT_MAX + 1];
	char phone[BST_PROFILE_PHONE_MAX + 1];
	char bio[BST_PROFILE_BIO_MAX + 1];
	char notify_mail[12]; /* "immediate" | "digest" | "off" */
	int64_t digest_sent_ms;
	int64_t created_ms;
	int64_t avatar_ms; /* when the avatar was set, 0 when there is none */
};

enum bst_qs bst_q_profile_get(bst_db *db, int64_t id, struct bst_profile_row *out);

/* The directory: NULL fields do not filter. search matches name, e-mail
 * and job title (case-insensitive for ASCII, a substring); department and
 * location match exactly. Only active accounts unless all_statuses. */
struct bst_q_profile_filter {
	const char *search;
	const char *department;
	const char *location;
	bool all_statuses;
};
/* Ordered by name then id; after (0: from the start) is the id of the last
 * row of the previous page. At most limit rows. */
enum bst_qs bst_q_profile_list(bst_db *db, const struct bst_q_profile_filter *f,
			       int64_t after, int limit,
			       void (*fn)(void *cls, const struct bst_profile_row *p), void *cls);

/* The profile fields an edit sets (every one of them). */
struct bst_q_profile_fields {
	const char *name, *job_title, *department, *location, *phone, *bio, *notify_mail;
};
enum bst_qs bst_q_profile_update(bst_db *db, int64_t id, const struct bst_q_profile_fields *f,
				 int64_t now);

/* The distinct non-empty departments ("department") or locations
 * ("location") of active accounts, sorted, at most limit. */
enum bst_qs bst_q_profile_values(bst_db *db, const char *column, int limit,
				 void (*fn)(void *cls, const char *value), void *cls);

/* Application switches: every row of apps. */
struct bst_app_row {
	char name[32];
	bool enabled;
	int64_t updated_ms;
	int64_t updated_by; /* 0: never changed, or by the operator */
};
enum bst_qs bst_q_apps_list(bst_db *db, void (*fn)(void *cls, const struct bst_app_row *a),
			    void *cls);
/* NO_RESULTS when there is no such application. by 0: the operator. */
enum bst_qs bst_q_app_set(bst_db *db, const char *name, bool enabled, int64_t by, int64_t now);

/* ---- q_avatars.c ---- */

struct bst_avatar_row {
	int64_t user_id;
	int64_t blob_id;         /* in the blob store (social/blobs.h) */
	int64_t size;            /* of the plaintext */
	char blake2b[65];        /* hex, of the plaintext */
	char content_type[32];
	int64_t width, height;
	int64_t updated_ms;
};
enum bst_qs bst_q_avatar_get(bst_db *db, int64_t user_id, struct bst_avatar_row *out);
/* Makes a->blob_id user a->user_id's avatar; *old_blob is the blob it
 * replaces (0: none), which the caller deletes once this committed. Run it
 * inside the transaction that records the new blob. */
enum bst_qs bst_q_avatar_set(bst_db *db, const struct bst_avatar_row *a, int64_t *old_blob);
/* Removes user_id's avatar; *old_blob as above. NO_RESULTS when none. */
enum bst_qs bst_q_avatar_delete(bst_db *db, int64_t user_id, int64_t *old_blob);

/* ---- q_notifications_list.c ----
 * A notification is visible to its recipient while what it is about still
 * exists and the recipient may still read it (the rules of
 * social/groups.h, applied in SQL so that lists page and counts count
 * exactly what is shown): a publication or comment not deleted, in the
 * platform-wide feed or in a group that is open or that the recipient is a
 * member of; an invitation or approval about a group the recipient may
 * still see; a join request about a group the recipient may still see.
 * Every query below returns visible notifications only. */

struct bst_notification_row {
	int64_t id;
	int64_t user_id;
	char kind[20];
	int64_t actor_id;                   /* 0: none, or deleted */
	char actor_name[BST_NAME_MAX + 1];  /* "" then */
	int64_t group_id;                   /* of the notification, else of its post */
	char group_name[101];
	char group_kind[8];
	int64_t post_id, comment_id;        /* 0: none */
	int64_t created_ms, read_ms, mailed_ms;
};

/* Newest first, id < before (0: from the newest); unread_only skips read
 * ones. At most limit rows. */
enum bst_qs bst_q_notification_list(bst_db *db, int64_t user_id, int64_t before,
				    bool unread_only, int limit,
				    void (*fn)(void *cls, const struct bst_notification_row *n),
				    void *cls);
enum bst_qs bst_q_notification_get(bst_db *db, int64_t user_id, int64_t id,
				   struct bst_notification_row *out);
/* Unread visible notifications, counted up to cap (the bell shows "cap-1+"
 * beyond): -1 on error. */
int64_t bst_q_notification_unread(bst_db *db, int64_t user_id, int64_t cap);
/* ONE_RESULT when it was unread. */
enum bst_qs bst_q_notification_read(bst_db *db, int64_t user_id, int64_t id, int64_t now);
/* Every unread notification with id <= upto (0: all). */
enum bst_qs bst_q_notification_read_all(bst_db *db, int64_t user_id, int64_t upto, int64_t now);

/* Mail bookkeeping. claim: marks one notification mailed, atomically:
 * ONE_RESULT for exactly one caller; unclaim undoes it after a failure. */
enum bst_qs bst_q_notification_claim_mail(bst_db *db, int64_t id, int64_t now);
enum bst_qs bst_q_notification_unclaim_mail(bst_db *db, int64_t id);
/* Visible, unread and unmailed notifications created at or after since, of
 * active users who want them immediately; oldest first, at most limit. */
enum bst_qs bst_q_notification_mail_due(bst_db *db, int64_t since, int limit,
					void (*fn)(void *cls,
						   const struct bst_notification_row *n),
					void *cls);
/* Active users wanting a daily digest, whose last one was sent at or
 * before sent_before, and who have a visible unread unmailed notification;
 * at most limit, by id. */
enum bst_qs bst_q_digest_due(bst_db *db, int64_t sent_before, int limit,
			     void (*fn)(void *cls, int64_t user_id), void *cls);
/* A user's visible unread unmailed notifications, oldest first. */
enum bst_qs bst_q_digest_items(bst_db *db, int64_t user_id, int limit,
			       void (*fn)(void *cls, const struct bst_notification_row *n),
			       void *cls);
/* After a digest went out: its notifications (unread, unmailed, id <=
 * upto) are mailed, and the user's digest_sent_ms is now. */
enum bst_qs bst_q_digest_sent(bst_db *db, int64_t user_id, int64_t upto, int64_t now);

#endif
