/* Signing in with e-mail and password, and the second factor that may
 * follow. The answer never tells whether an account exists: unknown
 * account, wrong password, disabled account, lock and per-account delay all
 * give BST_LOGIN_FAILED (the audit log has the precise reason).
 * Thread-safe. */
#ifndef BST_AUTH_LOGIN_H
#define BST_AUTH_LOGIN_H
#include "auth/session.h"
#include "auth/totp.h"

/* After this many failures within the window each further attempt waits
 * twice as long as the one before (1 s, 2 s, 4 s ... capped), and at
 * BST_LOGIN_LOCK_FAILURES the account locks until an administrator
 * unlocks it (OWASP ASVS 2.2.1; NIST SP 800-63B §5.2.2 allows at most 100). */
#define BST_LOGIN_FREE_FAILURES 5
#define BST_LOGIN_LOCK_FAILURES 20
#define BST_LOGIN_WINDOW_MS (60 * 60 * 1000)
#define BST_LOGIN_MAX_DELAY_MS (5 * 60 * 1000)

enum bst_login_result {
	BST_LOGIN_OK,         /* signed in */
	BST_LOGIN_MFA_VERIFY, /* password right; enter the second factor */
	BST_LOGIN_MFA_ENROL,  /* password right; policy asks to enrol one first */
	BST_LOGIN_FAILED,
	BST_LOGIN_ERROR,      /* the store failed */
};

/* On success starts a session (pending when a second factor follows) and
 * writes its cookie value and hash. */
enum bst_login_result bst_login_password(struct bst_ctx *ctx, const char *email,
					 const char *password,
					 char token[BST_TOKEN_CHARS + 1],
					 char hash_hex[BST_HASH_HEX]);
/* Does the platform's policy ask this user for a second factor? */
bool bst_login_mfa_required(const struct bst_ctx *ctx, const struct bst_user_row *u);
/* The re-authentication step for back-office actions: checks the password
 * of ctx's user and rotates the session. */
enum bst_login_result bst_login_reauth(struct bst_ctx *ctx, const char *password,
				       char token[BST_TOKEN_CHARS + 1],
				       char hash_hex[BST_HASH_HEX]);

/* Shared with the second factor, whose codes are guessable too: */
/* May this account try now? Sets *reason when not. */
bool bst_login_may_try(struct bst_ctx *ctx, const struct bst_user_row *u, const char **reason);
/* Counts a failure against user u; locks the account at the threshold. */
void bst_login_count_failure(struct bst_ctx *ctx, const struct bst_user_row *u);

/* Second factor, ctx being a pending session: a TOTP code or a recovery
 * code. On success the session becomes full and gets a new token. */
enum bst_login_result bst_mfa_verify(struct bst_ctx *ctx, const char *code,
				     char token[BST_TOKEN_CHARS + 1],
				     char hash_hex[BST_HASH_HEX]);
/* Enrolment: the secret being enrolled (made on first call, kept until
 * confirmed) for the QR code page. Returns 0 or -1. */
int bst_mfa_enrol_secret(struct bst_ctx *ctx, uint8_t secret[BST_TOTP_SECRET_BYTES]);
/* Confirms enrolment with a code from the app; fills fresh recovery codes.
 * A pending session becomes full (new token written). */
enum bst_login_result bst_mfa_enrol_confirm(struct bst_ctx *ctx, const char *code,
					    char codes[BST_RECOVERY_CODES][BST_RECOVERY_CHARS + 1],
					    char token[BST_TOKEN_CHARS + 1],
					    char hash_hex[BST_HASH_HEX]);
int64_t bst_mfa_recovery_left(struct bst_ctx *ctx);

#endif
