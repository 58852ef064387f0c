/* TOTP second factor (see totp.h): secrets, their base32 and otpauth://
 * forms, code generation and checking through liboath, and the enrolment QR
 * code as SVG through libqrencode. It owns the drift window and the replay
 * rule (a time step is accepted at most once); it never logs a secret or a
 * code. Thread-safe once bst_totp_init has returned. */
#include "auth/totp.h"

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/log.h"

/* RFC 6238 §4.1: T0, the Unix time to start counting steps from. */
#define TOTP_T0 0
/* ISO/IEC 18004 asks a quiet zone four modules wide on every side. */
#define QR_QUIET_ZONE 4

int bst_totp_init(void)
{
	int rc = oath_init();
	if (rc != OATH_OK) {
		bst_log_error("totp: oath_init failed: %s", oath_strerror(rc));
		return -1;
	}
	return 0;
}

void bst_totp_secret_new(uint8_t secret[BST_TOTP_SECRET_BYTES])
{
	bst_random(secret, BST_TOTP_SECRET_BYTES);
}

void bst_totp_secret_base32(const uint8_t secret[BST_TOTP_SECRET_BYTES], char out[40])
{
	char *enc = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (oath_base32_encode((const char *)secret, BST_TOTP_SECRET_BYTES, &enc, &len) !=
	    OATH_OK) {
		bst_log_error("totp: base32 encoding failed (out of memory)");
		return;
	}
	/* Authenticator apps expect no padding; 20 bytes need none anyway. */
	while (len > 0 && enc[len - 1] == '=')
		len--;
	if (len < 40) {
		memcpy(out, enc, len);
		out[len] = '\0';
	}
	sodium_memzero(enc, len);
	free(enc);
}

void bst_totp_uri(const char *issuer, const char *account,
                  const uint8_t secret[BST_TOTP_SECRET_BYTES], bst_buf *out)
{
	char b32[40];
	bst_totp_secret_base32(secret, b32);
	/* Key URI Format (google-authenticator wiki): label "issuer:account",
	 * each part percent-encoded, the colon literal. */
	bst_buf_puts(out, "otpauth://totp/");
	bst_html_url_arg(out, issuer);
	bst_buf_putc(out, ':');
	bst_html_url_arg(out, account);
	bst_buf_puts(out, "?secret=");
	bst_buf_puts(out, b32);
	bst_buf_puts(out, "&issuer=");
	bst_html_url_arg(out, issuer);
	bst_buf_printf(out, "&algorithm=SHA1&digits=%d&period=%d", BST_TOTP_DIGITS,
	               BST_TOTP_STEP_S);
	sodium_memzero(b32, sizeof b32);
}

/* The RFC 6238 time step that holds now_ms, or -1 before the epoch. */
static int64_t step_of(int64_t now_ms)
{
	if (now_ms < 0)
		return -1;
	return (now_ms / 1000 - TOTP_T0) / BST_TOTP_STEP_S;
}

static int code_at_step(const uint8_t secret[BST_TOTP_SECRET_BYTES], int64_t step,
                        char out[BST_TOTP_DIGITS + 1])
{
	time_t t = (time_t)(step * BST_TOTP_STEP_S + TOTP_T0);
	if (oath_totp_generate((const char *)secret, BST_TOTP_SECRET_BYTES, t,
	                       BST_TOTP_STEP_S, TOTP_T0, BST_TOTP_DIGITS,
	                       out) != OATH_OK) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int bst_totp_code(const uint8_t secret[BST_TOTP_SECRET_BYTES], int64_t now_ms,
                  char out[BST_TOTP_DIGITS + 1])
{
	out[0] = '\0';
	int64_t step = step_of(now_ms);
	if (step < 0)
		return -1;
	return code_at_step(secret, step, out);
}

/* Copies the digits of code into out, skipping spaces. False unless the
 * code is exactly BST_TOTP_DIGITS digits once spaces are gone. */
static bool normalise_code(const char *code, char out[BST_TOTP_DIGITS + 1])
{
	size_t n = 0;
	out[0] = '\0';
	for (; *code; code++) {
		if (*code == ' ')
			continue;
		if (*code < '0' || *code > '9' || n == BST_TOTP_DIGITS)
			return false;
		out[n++] = *code;
	}
	out[n] = '\0';
	return n == BST_TOTP_DIGITS;
}

bool bst_totp_verify(const uint8_t secret[BST_TOTP_SECRET_BYTES], const char *code,
                     int64_t now_ms, int64_t last_step, int64_t *step)
{
	char typed[BST_TOTP_DIGITS + 1];
	char expected[BST_TOTP_DIGITS + 1];
	int64_t matched = -1;
	int64_t now;
	if (step)
		*step = -1;
	if (!code || !normalise_code(code, typed))
		goto cleanup;
	now = step_of(now_ms);
	if (now < 0)
		goto cleanup;
	/* Every step of the window is computed and compared in constant time,
	 * so timing tells nothing about which one (if any) matched. We walk
	 * our own loop rather than oath_totp_validate* so the comparison goes
	 * through sodium_memcmp and used steps can be skipped. */
	for (int64_t s = now - BST_TOTP_WINDOW; s <= now + BST_TOTP_WINDOW; s++) {
		if (s < 0 || code_at_step(secret, s, expected) != 0)
			continue;
		bool same = sodium_memcmp(expected, typed, BST_TOTP_DIGITS) == 0;
		/* Replay: a step at or before the last accepted one is spent. */
		if (same && s > last_step)
			matched = s;
	}
	if (matched >= 0 && step)
		*step = matched;
cleanup:
	sodium_memzero(typed, sizeof typed);
	sodium_memzero(expected, sizeof expected);
	return matched >= 0;
}

int bst_qr_svg(const char *text, const char *label, bst_buf *out)
{
	if (!text)
		return -1;
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr) {
		bst_log_warn(
		    "totp: QR encoding failed (input too long or out of memory)");
		return -1;
	}
	int w = qr->width;
	int size = w + 2 * QR_QUIET_ZONE;
	/* Colours are attributes, not style: the CSP forbids inline styles. */
	bst_buf_printf(out,
	               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	               "role=\"img\" aria-label=\"",
	               size, size);
	bst_html_attr(out, label ? label : "");
	bst_buf_printf(out,
	               "\" shape-rendering=\"crispEdges\">"
	               "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	               "<path fill=\"#000\" d=\"",
	               size, size);
	/* One subpath per horizontal run of dark modules. */
	for (int y = 0; y < w; y++) {
		const unsigned char *row = qr->data + (size_t)y * (size_t)w;
		for (int x = 0; x < w;) {
			if (!(row[x] & 1)) {
				x++;
				continue;
			}
			int start = x;
			while (x < w && (row[x] & 1))
				x++;
			bst_buf_printf(out, "M%d %dh%dv1h-%dz", start + QR_QUIET_ZONE,
			               y + QR_QUIET_ZONE, x - start, x - start);
		}
	}
	bst_buf_puts(out, "\"/></svg>");
	QRcode_free(qr);
	return out->oom ? -1 : 0;
}
