/* Second factor: TOTP (RFC 6238) through liboath, the otpauth:// enrolment
 * URI and its QR code (libqrencode, rendered as SVG), and single-use
 * recovery codes. Thread-safe after bst_totp_init. */
#ifndef BST_AUTH_TOTP_H
#define BST_AUTH_TOTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/crypto.h"

/* RFC 4226 §4 asks at least 128 bits of shared secret, recommends 160. */
#define BST_TOTP_SECRET_BYTES 20
#define BST_TOTP_DIGITS 6
#define BST_TOTP_STEP_S 30
/* Accept one step either side for clock drift (RFC 6238 §5.2). */
#define BST_TOTP_WINDOW 1
#define BST_RECOVERY_CODES 10
/* "xxxx-xxxx-xxxx-xxxx": 16 base32 characters = 80 bits */
#define BST_RECOVERY_CHARS 19

int bst_totp_init(void);
void bst_totp_secret_new(uint8_t secret[BST_TOTP_SECRET_BYTES]);
/* RFC 4648 base32 without padding, for people and authenticator apps. */
void bst_totp_secret_base32(const uint8_t secret[BST_TOTP_SECRET_BYTES], char out[40]);
/* otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
 * with issuer and account percent-encoded. */
void bst_totp_uri(const char *issuer, const char *account,
		  const uint8_t secret[BST_TOTP_SECRET_BYTES], bst_buf *out);
/* The code valid at now_ms (for tests and the enrolment page's self-check). */
int bst_totp_code(const uint8_t secret[BST_TOTP_SECRET_BYTES], int64_t now_ms,
		  char out[BST_TOTP_DIGITS + 1]);
/* Checks code (spaces ignored) within the window around now_ms. A code whose
 * time step is <= last_step was already used and is refused (replay).
 * On success returns true and sets *step to the matched time step. */
bool bst_totp_verify(const uint8_t secret[BST_TOTP_SECRET_BYTES], const char *code,
		     int64_t now_ms, int64_t last_step, int64_t *step);

/* QR code of text as a standalone SVG (black modules, 4-module quiet
 * zone), with role="img" and the given accessible label. Returns 0 or -1. */
int bst_qr_svg(const char *text, const char *label, bst_buf *out);

/* Fills codes with BST_RECOVERY_CODES fresh codes and hashes with their
 * bst_recovery_hash values (what the database stores). */
void bst_recovery_codes_new(char codes[BST_RECOVERY_CODES][BST_RECOVERY_CHARS + 1],
			    uint8_t hashes[BST_RECOVERY_CODES][BST_HASH_BYTES]);
/* Hash of a code as typed: case, spaces and dashes are ignored.
 * Returns -1 if what was typed cannot be a recovery code. */
int bst_recovery_hash(const char *typed, uint8_t out[BST_HASH_BYTES]);

#endif
