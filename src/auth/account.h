/* Accounts in closed mode: administrators (or the operator at the CLI)
 * create and invite; people activate through one-time links; open
 * registration only when an administrator switched it on, optionally for
 * some e-mail domains. Every change is audited. Thread-safe. */
#ifndef BST_AUTH_ACCOUNT_H
#define BST_AUTH_ACCOUNT_H
#include "tenant/context.h"

/* One-time link lifetimes (the defaults; OWASP Forgot Password
 * Cheat Sheet asks for short-lived reset tokens). */
#define BST_INVITE_TTL_MS (72LL * 3600 * 1000)
#define BST_RESET_TTL_MS (1LL * 3600 * 1000)
#define BST_LINK_MAX 600

enum bst_account_status {
	BST_ACC_OK = 0,
	BST_ACC_INVALID_EMAIL,
	BST_ACC_INVALID_NAME,
	BST_ACC_INVALID_ROLE,
	BST_ACC_EXISTS,
	BST_ACC_NOT_FOUND,
	BST_ACC_FORBIDDEN,
	BST_ACC_LAST_ADMIN,      /* would leave the platform without an administrator */
	BST_ACC_LINK_INVALID,    /* unknown, used or expired link */
	BST_ACC_CLOSED,          /* registration is closed */
	BST_ACC_DOMAIN,          /* registration is open to other domains only */
	BST_ACC_WEAK_PASSWORD,   /* see *detail */
	BST_ACC_WRONG_PASSWORD,
	BST_ACC_INVALID_LANG,
	BST_ACC_INVALID_SCOPE,   /* a token scope other than read or read-write */
	BST_ACC_INVALID_TOKEN,   /* a token name (1..100 bytes) or expiry out of range */
	BST_ACC_ERROR,           /* the store failed */
};

/* Checks the shape of an e-mail address (one @, a local part, a domain of
 * letters, digits, dots and dashes; at most BST_EMAIL_MAX bytes) and
 * lower-cases it into out: the one check every address Bastide keeps
 * goes through. */
bool bst_account_email_normalize(const char *in, char out[BST_EMAIL_MAX + 1]);

/* A stable code ("email_invalid") and an English msgid for people. */
const char *bst_account_code(enum bst_account_status s);
const char *bst_account_text(enum bst_account_status s);
/* The HTTP status an interface should answer with. */
int bst_account_http_status(enum bst_account_status s);

/* Creates an invited account and its invitation link (written to link),
 * and queues the invitation mail. Administrators and the operator only. */
enum bst_account_status bst_account_create(struct bst_ctx *ctx, const char *email,
					   const char *name, const char *role,
					   char link[BST_LINK_MAX]);
/* Demo and operator use: an active account with this password. */
enum bst_account_status bst_account_create_active(struct bst_ctx *ctx, const char *email,
						  const char *name, const char *role,
						  const char *password);
/* A new password-reset link for user_id (the account's old links stop
 * working), mailed to the user; written to link. */
enum bst_account_status bst_account_reset_link(struct bst_ctx *ctx, int64_t user_id,
					       char link[BST_LINK_MAX]);
/* Checks an invitation ("invite") or reset ("reset") link without using it. */
enum bst_account_status bst_account_link_check(struct bst_ctx *ctx, const char *purpose,
					       const char *token, struct bst_user_row *u);
/* Uses the link once: sets the password (and activates an invitation).
 * On BST_ACC_WEAK_PASSWORD *detail is the policy's msgid. */
enum bst_account_status bst_account_link_use(struct bst_ctx *ctx, const char *purpose,
					     const char *token, const char *password,
					     const char **detail);
enum bst_account_status bst_account_set_enabled(struct bst_ctx *ctx, int64_t user_id,
						bool enabled);
enum bst_account_status bst_account_set_role(struct bst_ctx *ctx, int64_t user_id,
					     const char *role);
enum bst_account_status bst_account_unlock(struct bst_ctx *ctx, int64_t user_id);
enum bst_account_status bst_account_reset_mfa(struct bst_ctx *ctx, int64_t user_id);
/* Open registration: an active account, signed in by the caller after. */
enum bst_account_status bst_account_register(struct bst_ctx *ctx, const char *email,
					     const char *name, const char *password,
					     const char **detail, int64_t *user_id);
enum bst_account_status bst_account_change_password(struct bst_ctx *ctx, const char *current,
						    const char *password, const char **detail);
enum bst_account_status bst_account_set_lang(struct bst_ctx *ctx, const char *lang);
/* Finds a user by e-mail (CLI). */
enum bst_account_status bst_account_find(struct bst_ctx *ctx, const char *email,
					 struct bst_user_row *u);
/* Settings changes by an administrator (registration, timeouts, policy). */
enum bst_account_status bst_settings_update(struct bst_ctx *ctx,
					    const struct bst_settings *next);

#endif
