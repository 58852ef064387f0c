/* Access-log filters (see filter.h). */
#include "audit/filter.h"
#include "core/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code;
	const char *text;
	int http;
} statuses[] = {
	[BST_ALOG_OK] = {"ok", N_("Done."), 200},
	[BST_ALOG_BAD_USER] = {"user_invalid", N_("To filter on a person, give their e-mail address."), 400},
	[BST_ALOG_BAD_ADDR] = {"address_invalid", N_("This is not a network address (IPv4 or IPv6)."), 400},
	[BST_ALOG_BAD_WHAT] = {"what_invalid", N_("Give an event name such as auth.login, or a path starting with /."), 400},
	[BST_ALOG_BAD_STATUS] = {"status_invalid", N_("Choose a status class: 2xx, 3xx, 4xx or 5xx."), 400},
	[BST_ALOG_BAD_DATE] = {"date_invalid", N_("Give dates as YYYY-MM-DD (UTC)."), 400},
	[BST_ALOG_BAD_RANGE] = {"range_invalid", N_("The start date is after the end date."), 400},
	[BST_ALOG_BAD_CURSOR] = {"bad_cursor", N_("This page address is not valid."), 400},
	[BST_ALOG_FORBIDDEN] = {"forbidden", N_("The access log is for the platform's administrators."), 403},
	[BST_ALOG_NOT_FOUND] = {"entry_not_found", N_("There is no such entry in the access log: it may have passed the retention period."), 404},
	[BST_ALOG_ERROR] = {"internal", N_("Something went wrong on our side."), 500},
};

const char *bst_alog_code(enum bst_alog_status s)
{
	return statuses[s].code;
}

const char *bst_alog_text(enum bst_alog_status s)
{
	return statuses[s].text;
}

int bst_alog_http_status(enum bst_alog_status s)
{
	return statuses[s].http;
}

static bool empty(const char *s)
{
	return !s || !s[0];
}

/* n decimal digits exactly, as a number. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool bst_audit_date_parse(const char *s, int64_t *ms)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return false;
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return false;
	/* days since 1970-01-01 (Howard Hinnant's days_from_civil) */
	int64_t yy = m <= 2 ? y - 1 : y;
	int64_t era = yy / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	*ms = days * 86400000LL;
	return true;
}

void bst_audit_cursor_format(int64_t seq, int64_t at_ms, char out[48])
{
	snprintf(out, 48, "%lld.%lld", (long long)seq, (long long)at_ms);
}

/* A positive decimal number of at most 18 digits, up to end. */
static bool number(const char *s, const char *end, int64_t *out)
{
	if (s == end || end - s > 18)
		return false;
	int64_t v = 0;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static bool email_ok(const char *s, char *out, size_t outlen)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 3 || n >= outlen || !at || at == s || !at[1] || strchr(at + 1, '@'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f)
			return false;
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	return true;
}

/* Digits, hex letters, dots and colons: IPv4 and IPv6 (and "cli", which
 * the CLI's events carry, and "scheduler"'s letters, all within
 * alphanumerics). */
static bool addr_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > BST_AUDIT_ADDR_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != ':')
			return false;
	return true;
}

/* An event name prefix: lower-case letters, digits, '.', '_'. A path
 * prefix: '/' then printable ASCII (stored paths are cleaned to it, and
 * percent-encoding covers the rest). */
static bool what_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > BST_AUDIT_WHAT_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (s[0] == '/' ? (c <= ' ' || c >= 0x7f)
				: !(islower(c) || isdigit(c) || c == '.' || c == '_'))
			return false;
	}
	return true;
}

enum bst_alog_status bst_audit_filter_parse(const struct bst_audit_filter_args *a,
					    struct bst_audit_query *q)
{
	memset(q, 0, sizeof *q);
	if (!empty(a->user)) {
		if (!email_ok(a->user, q->email, sizeof q->email))
			return BST_ALOG_BAD_USER;
		q->f.target = q->email;
	}
	if (!empty(a->addr)) {
		if (!addr_ok(a->addr))
			return BST_ALOG_BAD_ADDR;
		q->f.client_addr = a->addr;
	}
	if (!empty(a->what)) {
		if (!what_ok(a->what))
			return BST_ALOG_BAD_WHAT;
		if (a->what[0] == '/')
			q->f.path_prefix = a->what;
		else
			q->f.event_prefix = a->what;
	}
	if (!empty(a->status)) {
		const char *s = a->status;
		if (strlen(s) != 3 || s[0] < '2' || s[0] > '5' || (s[1] != 'x' && s[1] != 'X') ||
		    (s[2] != 'x' && s[2] != 'X'))
			return BST_ALOG_BAD_STATUS;
		q->f.status_class = s[0] - '0';
	}
	if (!empty(a->from) && !bst_audit_date_parse(a->from, &q->f.from_ms))
		return BST_ALOG_BAD_DATE;
	if (!empty(a->to)) {
		if (!bst_audit_date_parse(a->to, &q->f.to_ms))
			return BST_ALOG_BAD_DATE;
		q->f.to_ms += 86400000LL; /* the whole last day */
	}
	if (q->f.from_ms && q->f.to_ms && q->f.from_ms >= q->f.to_ms)
		return BST_ALOG_BAD_RANGE;
	if (!empty(a->cursor)) {
		const char *dot = strchr(a->cursor, '.');
		if (!dot || !number(a->cursor, dot, &q->f.before) ||
		    !number(dot + 1, dot + 1 + strlen(dot + 1), &q->f.before_at_ms) ||
		    q->f.before == 0)
			return BST_ALOG_BAD_CURSOR;
	}
	return BST_ALOG_OK;
}
