/* Access entries made safe (see access.h). */
#include "audit/access.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/utf8.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const link_prefixes[] = {"/activate/", "/reset/", "/invite/"};
static const char *const secret_words[] = {
    "token", "code",   "pass",  "key", "secret", "state", "session",   "auth",
    "sig",   "ticket", "nonce", "otp", "csrf",   "saml",  "credential"};

void bst_audit_clean(const char *in, size_t max, char *out, size_t outlen)
{
	size_t o = 0;
	if (max >= outlen)
		max = outlen - 1;
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t n = strlen((const char *)s);
	for (size_t i = 0; i < n;) {
		size_t len = bst_utf8_decode(s + i, n - i, NULL);
		if (len == 0 || (len == 1 && (s[i] < 0x20 || s[i] == 0x7f))) {
			if (o + 1 > max)
				break;
			out[o++] = '?';
			i += len ? len : 1;
			continue;
		}
		if (o + len > max)
			break;
		memcpy(out + o, s + i, len);
		o += len;
		i += len;
	}
	out[o] = '\0';
}

/* Does the (percent-encoded) argument name hold a secret word? */
static bool secret_name(const char *name, size_t len)
{
	char low[64];
	size_t n = 0;
	for (size_t i = 0; i < len && n < sizeof low - 1; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '%' && i + 2 < len && isxdigit((unsigned char)name[i + 1]) &&
		    isxdigit((unsigned char)name[i + 2])) {
			char hex[3] = {name[i + 1], name[i + 2], 0};
			c = (unsigned char)strtol(hex, NULL, 16);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		low[n++] = (char)tolower(c);
	}
	low[n] = '\0';
	if (len >= sizeof low)
		return true; /* a name that long is not one of ours: keep nothing */
	for (size_t i = 0; i < sizeof secret_words / sizeof *secret_words; i++)
		if (strstr(low, secret_words[i]))
			return true;
	return false;
}

void bst_audit_scrub_uri(const char *raw_uri, char *out, size_t outlen)
{
	bst_buf b;
	bst_buf_init(&b);
	const char *uri = raw_uri ? raw_uri : "";
	const char *q = strchr(uri, '?');
	size_t path_len = q ? (size_t)(q - uri) : strlen(uri);
	size_t done = 0;
	for (size_t i = 0; i < sizeof link_prefixes / sizeof *link_prefixes; i++) {
		size_t pl = strlen(link_prefixes[i]);
		if (path_len > pl && strncmp(uri, link_prefixes[i], pl) == 0) {
			const char *end = memchr(uri + pl, '/', path_len - pl);
			size_t seg_end = end ? (size_t)(end - uri) : path_len;
			bst_buf_append(&b, uri, pl);
			bst_buf_puts(&b, BST_AUDIT_REDACTED);
			done = seg_end;
			break;
		}
	}
	bst_buf_append(&b, uri + done, path_len - done);
	if (q) {
		bst_buf_putc(&b, '?');
		const char *arg = q + 1;
		while (*arg) {
			size_t len = strcspn(arg, "&;");
			const char *eq = memchr(arg, '=', len);
			size_t name_len = eq ? (size_t)(eq - arg) : len;
			if (eq && secret_name(arg, name_len)) {
				bst_buf_append(&b, arg, name_len + 1);
				bst_buf_puts(&b, BST_AUDIT_REDACTED);
			} else {
				bst_buf_append(&b, arg, len);
			}
			arg += len;
			if (*arg) {
				bst_buf_putc(&b, *arg);
				arg++;
			}
			if (b.len > BST_AUDIT_PATH_MAX)
				break;
		}
	}
	bst_audit_clean(b.oom ? "" : bst_buf_str(&b), BST_AUDIT_PATH_MAX, out, outlen);
	bst_buf_free(&b);
}

void bst_audit_session_ref(const uint8_t key[32], const char *token_hash,
			   char out[BST_AUDIT_SESSION_REF_HEX + 1])
{
	out[0] = '\0';
	if (!token_hash || !token_hash[0])
		return;
	static const char label[] = "bastide-trail-session:";
	char msg[sizeof label + 2 * BST_HASH_BYTES + 1];
	size_t n = strlen(token_hash);
	if (n > 2 * BST_HASH_BYTES)
		n = 2 * BST_HASH_BYTES;
	memcpy(msg, label, sizeof label - 1);
	memcpy(msg + sizeof label - 1, token_hash, n);
	uint8_t mac[BST_HASH_BYTES];
	bst_mac(key, 32, msg, sizeof label - 1 + n, mac);
	bst_hex(mac, BST_AUDIT_SESSION_REF_HEX / 2, out);
}
