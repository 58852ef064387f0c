/* Every query Bastide runs, by resource. The SQL text is in the q_*.c file
 * named after the resource; services call these functions and never see
 * SQL. Row structs are filled by value (no pointers into the database).
 * Thread-safe as the store is. */
#ifndef BST_DB_QUERIES_H
#define BST_DB_QUERIES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/store.h"

#define BST_EMAIL_MAX 254 /* RFC 5321 path limit */
#define BST_NAME_MAX 200  /* bytes of a display name */

/* ---- control plane: q_platforms.c, q_keys.c, q_mail.c ---- */

struct bst_platform_row {
	int64_t id;
	char slug[48];
	char name[256];
	bool suspended;
	int64_t created_ms;
	int64_t destroy_after_ms; /* offboarding: destroyed then; 0 when not */
};

/* NO_RESULTS when a host name is already taken (nothing is written). */
enum bst_qs bst_q_platform_insert(bst_db *db, const char *slug, const char *name,
				  const char *const *hosts, size_t n_hosts, int64_t now);
enum bst_qs bst_q_platform_get(bst_db *db, const char *slug, struct bst_platform_row *out);
enum bst_qs bst_q_platform_each(bst_db *db,
				void (*fn)(void *cls, const struct bst_platform_row *row),
				void *cls);
enum bst_qs bst_q_hosts_each(bst_db *db, void (*fn)(void *cls, const char *host, int64_t id),
			     void *cls);
enum bst_qs bst_q_platform_hosts(bst_db *db, int64_t platform_id,
				 void (*fn)(void *cls, const char *host, int64_t id), void *cls);
/* Starts (destroy_after_ms > 0: the platform is suspended and destroyed
 * then) or cancels (0: resumed) the offboarding of slug. */
enum bst_qs bst_q_platform_set_offboarding(bst_db *db, const char *slug,
					   int64_t destroy_after_ms, int64_t now);
/* Platforms whose notice period ended by now. */
enum bst_qs bst_q_platforms_due(bst_db *db, int64_t now,
				void (*fn)(void *cls, const char *slug), void *cls);
/* Removes platform id's row, its host names (cascade) and every mail it
 * queued, in one transaction (the control database deletes securely). */
enum bst_qs bst_q_platform_delete(bst_db *db, int64_t id);
struct bst_destruction_row {
	int64_t id, created_ms;
	char slug[48];
	const char *report, *signature, *public_key; /* valid during the callback */
};
enum bst_qs bst_q_destruction_insert(bst_db *db, const char *slug, int64_t now,
				     const char *report, const char *signature,
				     const char *public_key, int64_t *id);
/* Reports, oldest first; of slug only unless NULL. */
enum bst_qs bst_q_destruction_each(bst_db *db, const char *slug,
				   void (*fn)(void *cls, const struct bst_destruction_row *r),
				   void *cls);
enum bst_qs bst_q_platform_set_status(bst_db *db, const char *slug, bool suspended,
				      int64_t now);

/* A platform's security contact (q_contacts.c): one per platform, gone
 * with the platform's row. */
#define BST_CONTACT_PHONE_MAX 40 /* as a profile's (BST_PROFILE_PHONE_MAX) */
struct bst_contact_row {
	char name[BST_NAME_MAX + 1];
	char email[BST_EMAIL_MAX + 1];
	char phone[BST_CONTACT_PHONE_MAX + 1]; /* "" when none */
	int64_t updated_ms;
};
enum bst_qs bst_q_contact_get(bst_db *db, int64_t platform_id, struct bst_contact_row *out);
/* Inserts or replaces; updated_ms from c. */
enum bst_qs bst_q_contact_put(bst_db *db, int64_t platform_id, const struct bst_contact_row *c);
/* The control database's change counter, or -1. */
int64_t bst_q_generation(bst_db *db);

enum bst_qs bst_q_key_insert(bst_db *db, const char *slug, const char *wrapped_hex,
			     int64_t now);
enum bst_qs bst_q_key_get(bst_db *db, const char *slug, char *wrapped_hex, size_t len);
enum bst_qs bst_q_key_delete(bst_db *db, const char *slug);

struct bst_mail_row {
	int64_t id;
	int64_t attempts;
	char recipient[BST_EMAIL_MAX + 1];
	char subject[256];
	const char *body; /* valid during the callback */
};
enum bst_qs bst_q_mail_enqueue(bst_db *db, int64_t platform_id, const char *to,
			       const char *subject, const char *body, int64_t now);
enum bst_qs bst_q_mail_due(bst_db *db, int64_t now, int limit,
			   void (*fn)(void *cls, const struct bst_mail_row *m), void *cls);
enum bst_qs bst_q_mail_sent(bst_db *db, int64_t id, int64_t now);
enum bst_qs bst_q_mail_retry(bst_db *db, int64_t id, int64_t next_ms, const char *error);
enum bst_qs bst_q_mail_failed(bst_db *db, int64_t id, int64_t now, const char *error);

/* ---- a platform: q_users.c, q_sessions.c, q_links.c, q_tokens.c,
 *      q_settings.c, q_throttle.c ---- */

struct bst_user_row {
	int64_t id;
	char email[BST_EMAIL_MAX + 1];
	char name[BST_NAME_MAX + 1];
	char role[8];    /* "admin" | "member" */
	char status[12]; /* "invited" | "active" | "disabled" */
	char password_hash[160];  /* "" when none */
	char lang[4];             /* "" when unset */
	char totp_secret[160];    /* encrypted, hex; "" when none */
	bool totp_enabled;
	int64_t totp_last_step;
	int64_t locked_ms; /* 0 when not locked */
	int64_t created_ms;
};

/* NO_RESULTS when the e-mail is taken (nothing is written, *id is 0). */
enum bst_qs bst_q_user_insert(bst_db *db, const char *email, const char *name,
			      const char *role, const char *status,
			      const char *password_hash, int64_t now, int64_t *id);
enum bst_qs bst_q_user_by_email(bst_db *db, const char *email, struct bst_user_row *out);
enum bst_qs bst_q_user_by_id(bst_db *db, int64_t id, struct bst_user_row *out);
/* Users whose e-mail or name contains search (NULL: all), ordered by id,
 * with id > after; at most limit rows. */
enum bst_qs bst_q_user_list(bst_db *db, const char *search, int64_t after, int limit,
			    void (*fn)(void *cls, const struct bst_user_row *u), void *cls);
enum bst_qs bst_q_user_set_status(bst_db *db, int64_t id, const char *status, int64_t now);
enum bst_qs bst_q_user_set_role(bst_db *db, int64_t id, const char *role, int64_t now);
/* Also activates an invited account. */
enum bst_qs bst_q_user_set_password(bst_db *db, int64_t id, const char *hash, int64_t now);
enum bst_qs bst_q_user_set_totp(bst_db *db, int64_t id, const char *secret_hex,
				bool enabled, int64_t now);
/* Moves the last used step forward only; ONE_RESULT if it did. */
enum bst_qs bst_q_user_set_totp_step(bst_db *db, int64_t id, int64_t step);
enum bst_qs bst_q_user_set_lang(bst_db *db, int64_t id, const char *lang, int64_t now);
enum bst_qs bst_q_user_set_locked(bst_db *db, int64_t id, int64_t locked_ms);
int64_t bst_q_user_count_active_admins(bst_db *db);

enum bst_qs bst_q_failure_add(bst_db *db, int64_t user_id, int64_t now);
int64_t bst_q_failure_count(bst_db *db, int64_t user_id, int64_t since);
enum bst_qs bst_q_failure_clear(bst_db *db, int64_t user_id);
/* Time of the user's last failure, 0 when none (q_throttle.c). */
int64_t bst_q_failure_last(bst_db *db, int64_t user_id);

struct bst_session_row {
	int64_t id;
	int64_t created_ms;
	int64_t last_seen_ms;
	int64_t auth_ms;
	bool mfa_pending;
	char client_addr[64];
	char user_agent[256];
	int64_t ended_ms;
	struct bst_user_row user;
};
enum bst_qs bst_q_session_insert(bst_db *db, const char *token_hash, int64_t user_id,
				 int64_t now, bool mfa_pending, const char *addr,
				 const char *user_agent, int64_t *id);
/* A session that has not ended, with its user. */
enum bst_qs bst_q_session_get(bst_db *db, const char *token_hash, struct bst_session_row *out);
enum bst_qs bst_q_session_touch(bst_db *db, int64_t id, int64_t now);
/* New token for the same session (after a privilege change). */
enum bst_qs bst_q_session_rotate(bst_db *db, int64_t id, const char *new_hash, int64_t now,
				 bool mfa_pending, int64_t auth_ms);
enum bst_qs bst_q_session_end(bst_db *db, int64_t id, int64_t user_id, int64_t now);
/* Ends every session of a user except keep_id (0: all). */
enum bst_qs bst_q_session_end_user(bst_db *db, int64_t user_id, int64_t keep_id, int64_t now);
enum bst_qs bst_q_session_list(bst_db *db, int64_t user_id,
			       void (*fn)(void *cls, const struct bst_session_row *s), void *cls);

enum bst_qs bst_q_link_insert(bst_db *db, int64_t user_id, const char *purpose,
			      const char *token_hash, int64_t now, int64_t expires_ms);
/* Unused, unexpired link: its user. */
enum bst_qs bst_q_link_peek(bst_db *db, const char *token_hash, const char *purpose,
			    int64_t now, int64_t *user_id);
/* Marks it used, atomically: ONE_RESULT for exactly one caller. */
enum bst_qs bst_q_link_consume(bst_db *db, const char *token_hash, const char *purpose,
			       int64_t now, int64_t *user_id);
/* Expires every unused link of a user for purpose (a new one replaces them). */
enum bst_qs bst_q_link_revoke_user(bst_db *db, int64_t user_id, const char *purpose,
				   int64_t now);

enum bst_qs bst_q_recovery_replace(bst_db *db, int64_t user_id, const char *const *hashes,
				   size_t n);
enum bst_qs bst_q_recovery_use(bst_db *db, int64_t user_id, const char *hash, int64_t now);
int64_t bst_q_recovery_remaining(bst_db *db, int64_t user_id);

struct bst_token_row {
	int64_t id;
	int64_t user_id;
	char name[128];
	char scope[12];
	int64_t created_ms;
	int64_t expires_ms;   /* 0: never */
	int64_t last_used_ms; /* 0: never */
	int64_t revoked_ms;   /* 0: live */
	char email[BST_EMAIL_MAX + 1];
};
enum bst_qs bst_q_token_insert(bst_db *db, int64_t user_id, const char *name,
			       const char *token_hash, const char *scope, int64_t now,
			       int64_t expires_ms, int64_t *id);
/* A live (unrevoked, unexpired) token and its active user. */
enum bst_qs bst_q_token_auth(bst_db *db, const char *token_hash, int64_t now,
			     struct bst_token_row *tok, struct bst_user_row *user);
enum bst_qs bst_q_token_touch(bst_db *db, int64_t id, int64_t now);
/* user_id 0: every user's tokens. */
enum bst_qs bst_q_token_list(bst_db *db, int64_t user_id,
			     void (*fn)(void *cls, const struct bst_token_row *t), void *cls);
/* user_id 0: any owner. */
enum bst_qs bst_q_token_revoke(bst_db *db, int64_t id, int64_t user_id, int64_t now);

struct bst_settings {
	char registration[8]; /* "closed" | "open" */
	char registration_domains[512];
	int64_t idle_timeout_s;
	int64_t absolute_timeout_s;
	char mfa_policy[12];  /* "none" | "admins" | "everyone" */
	char default_lang[4];
	bool demo;
};
enum bst_qs bst_q_settings_get(bst_db *db, struct bst_settings *out);
enum bst_qs bst_q_settings_put(bst_db *db, const struct bst_settings *s, int64_t now);

/* ---- a platform's audit database: q_events.c ---- */

struct bst_event_row {
	int64_t id;
	int64_t at_ms;
	int64_t actor_id;
	const char *actor, *client_addr, *event, *target, *details; /* during callback */
};
/* Newest first, id < before (0: from the newest), at most limit. */
enum bst_qs bst_q_event_list(bst_db *db, const char *event_prefix, int64_t before,
			     int limit, void (*fn)(void *cls, const struct bst_event_row *e),
			     void *cls);

#endif
