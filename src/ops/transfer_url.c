/* The destination URL of a transfer, parsed strictly (src/ops/transfer.h).
 * The operator types it, but it ends up in libcurl's URL, in SFTP quote
 * commands and FTP RNFR/RNTO lines, and in the trail: so it is held to a
 * small alphabet rather than escaped, and whatever is not plainly a user,
 * a host, a port or a path is refused. Kept apart from libcurl so that
 * the fuzz target needs nothing else. */
#include "ops/transfer.h"

#include <stdio.h>
#include <string.h>

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A POSIX portable user name, as sshd and vsftpd accept them. */
static bool user_ok(const char *s, size_t n)
{
	if (n == 0 || n > BST_TRANSFER_USER_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

/* RFC 1123 host name (an IPv4 address is one), or a bracketed IPv6
 * address of hex digits, colons and dots. */
static bool host_ok(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '[') {
		if (s[n - 1] != ']' || n - 2 < 2 || n - 2 > 45)
			return false;
		for (size_t i = 1; i < n - 1; i++)
			if (!strchr("0123456789abcdefABCDEF:.", s[i]))
				return false;
		return memchr(s, ':', n) != NULL;
	}
	if (n == 0 || n > BST_TRANSFER_HOST_MAX)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (is_alnum(s[i]) || s[i] == '-') {
			if (label == 0 && s[i] == '-')
				return false;
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 && s[n - 1] != '-';
}

static bool port_ok(const char *s, size_t n, unsigned *port)
{
	if (n == 0 || n > 5 || s[0] == '0')
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = v;
	return true;
}

/* Characters of a path segment: no space, quote, '%', '?', '#', ';' or
 * control character, so that the path goes into a URL and a quote
 * command as it is. */
static bool seg_char(char c)
{
	return is_alnum(c) || strchr("._+=,@-", c);
}

/* "/seg/seg/name": segments of seg_char, none empty, "." or ".."; for
 * SFTP the first may be "~" (the user's home directory). */
static const char *path_error(const char *s, size_t n, enum bst_transfer_proto proto)
{
	if (n < 2 || s[0] != '/')
		return "the URL must name a file after the host: "
		       "sftp://user@host/path/name";
	if (n > BST_TRANSFER_PATH_MAX)
		return "the path of the URL is too long";
	size_t start = 1;
	for (size_t i = 1; i <= n; i++) {
		if (i < n && s[i] != '/')
			continue;
		size_t len = i - start;
		const char *seg = s + start;
		if (len == 0)
			return i == n ? "the URL must end with a file name, not '/'"
				      : "the path of the URL has an empty segment ('//')";
		if ((len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return "the path of the URL may not hold '.' or '..' segments";
		if (len == 1 && seg[0] == '~') {
			if (start != 1 || proto != BST_TRANSFER_SFTP)
				return "'~' (the home directory) may only begin an "
				       "sftp:// path";
			if (i == n)
				return "the URL must end with a file name, not '~'";
		} else {
			for (size_t k = 0; k < len; k++)
				if (!seg_char(seg[k]))
					return "the path of the URL may hold only "
					       "letters, digits and . _ + = , @ - "
					       "(no spaces, quotes or %-escapes)";
		}
		if (i == n && len > BST_TRANSFER_NAME_MAX)
			return "the file name in the URL is too long";
		start = i + 1;
	}
	return NULL;
}

int bst_transfer_parse_url(const char *url, struct bst_transfer_url *out, char *err,
			   size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *p;
	if (strncmp(url, "sftp://", 7) == 0) {
		out->proto = BST_TRANSFER_SFTP;
		out->port = 22;
		p = url + 7;
	} else if (strncmp(url, "ftps://", 7) == 0) {
		out->proto = BST_TRANSFER_FTPS;
		out->port = 21;
		p = url + 7;
	} else if (strncmp(url, "ftp://", 6) == 0) {
		snprintf(err, errlen,
			 "plain FTP is refused (the password and the archive would "
			 "cross in clear): use ftps:// (FTP with explicit TLS)");
		return -1;
	} else {
		snprintf(err, errlen,
			 "the destination must be an sftp:// or ftps:// URL");
		return -1;
	}
	const char *slash = strchr(p, '/');
	size_t auth_len = slash ? (size_t)(slash - p) : strlen(p);
	const char *at = memchr(p, '@', auth_len);
	if (!at) {
		snprintf(err, errlen, "the URL must name the user: %s://user@host/path",
			 out->proto == BST_TRANSFER_SFTP ? "sftp" : "ftps");
		return -1;
	}
	size_t ulen = (size_t)(at - p);
	if (memchr(p, ':', ulen)) {
		snprintf(err, errlen,
			 "no password in the URL: give it in a file "
			 "(--password-file), so that it reaches no log");
		return -1;
	}
	if (!user_ok(p, ulen)) {
		snprintf(err, errlen,
			 "the user name in the URL may hold only letters, digits "
			 "and . _ - (%d at most)",
			 BST_TRANSFER_USER_MAX);
		return -1;
	}
	const char *h = at + 1;
	const char *end = p + auth_len;
	const char *colon = NULL;
	if (h < end && *h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));
		if (rb && rb + 1 < end && rb[1] == ':')
			colon = rb + 1;
		else if (rb && rb + 1 != end)
			colon = end + 1; /* junk after the address: host_ok refuses */
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
	}
	size_t hlen = (size_t)((colon && colon <= end ? colon : end) - h);
	if (colon > end || !host_ok(h, hlen)) {
		snprintf(err, errlen,
			 "the host in the URL is not a host name or an IP address");
		return -1;
	}
	if (colon && !port_ok(colon + 1, (size_t)(end - colon - 1), &out->port)) {
		snprintf(err, errlen,
			 "the port in the URL must be a number from 1 to 65535");
		return -1;
	}
	const char *path = slash ? slash : "";
	const char *why = path_error(path, strlen(path), out->proto);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	memcpy(out->user, p, ulen);
	memcpy(out->host, h, hlen);
	memcpy(out->path, path, strlen(path) + 1);
	return 0;
}

void bst_transfer_url_format(const struct bst_transfer_url *u, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s://%s@%s:%u%s",
		 u->proto == BST_TRANSFER_SFTP ? "sftp" : "ftps", u->user, u->host,
		 u->port, u->path);
}
