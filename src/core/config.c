/* The configuration file (see config.h). */
#include "core/config.h"

#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bst_config_defaults(struct bst_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	c->threads = 0;
	c->max_connections = 4096;
	c->per_ip_connections = 256; /* one office behind one NAT address stays well below */
	c->timeout_s = 30;
	c->max_body = 1 << 20;
	c->max_header = 32 * 1024;
	c->login_rate_per_min = 30;
	snprintf(c->public_scheme, sizeof c->public_scheme, "http");
	c->audit_retention_days = BST_AUDIT_RETENTION_DEFAULT_DAYS;
	c->backup_hour = 2;
	c->backup_minute = 30;
	c->backup_daily = 7;
	c->backup_weekly = 4;
	c->backup_monthly = 12;
	c->backup_drill_days = 7;
}

const struct bst_target_conf *bst_config_target(const struct bst_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_targets; i++)
		if (strcmp(c->targets[i].name, name) == 0)
			return &c->targets[i];
	return NULL;
}

/* "target NAME": the target of that name, added on first sight; NULL for
 * a bad name or one too many. */
static struct bst_target_conf *target_of(struct bst_config *c, const char *section)
{
	const char *name = section + strlen("target ");
	size_t n = strlen(name);
	if (n == 0 || n > BST_TARGET_NAME_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return NULL;
	for (size_t i = 0; i < c->n_targets; i++)
		if (strcmp(c->targets[i].name, name) == 0)
			return &c->targets[i];
	if (c->n_targets == BST_MAX_BACKUP_TARGETS)
		return NULL;
	struct bst_target_conf *t = &c->targets[c->n_targets++];
	memcpy(t->name, name, n + 1);
	return t;
}

/* "HH:MM", 24-hour, UTC, quoted or not */
static int backup_time(struct bst_config *c, const char *v)
{
	unsigned h, m;
	char end, bare[8];
	size_t n = strlen(v);
	if (n == 7 && v[0] == '"' && v[6] == '"') {
		memcpy(bare, v + 1, 5);
		bare[5] = '\0';
		v = bare;
	}
	if (strlen(v) != 5 || sscanf(v, "%2u:%2u%c", &h, &m, &end) != 2 || h > 23 || m > 59)
		return -1;
	c->backup_hour = h;
	c->backup_minute = m;
	return 0;
}

struct load_state {
	struct bst_config *c;
	char *err;
	size_t errlen;
};

static int set_uint(const char *value, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(value, &end, 10);
	if (*value == '\0' || *end != '\0' || v > 1000000000ul)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Printable ASCII or UTF-8, no control characters: shown on pages. */
static bool line_text(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* An http(s) URL without spaces, quotes, query or fragment, to which a
 * room name is appended after a "/"; a trailing "/" is dropped; empty
 * means no server. */
static int meetings_url(struct bst_config *c, const char *v)
{
	if (!v[0]) {
		c->meetings_url[0] = '\0';
		return 0;
	}
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return -1;
	const char *host = strstr(v, "://") + 3;
	if (!*host || *host == '/')
		return -1;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"'<>`?#\\", *p))
			return -1;
	size_t n = strlen(v);
	while (n > 0 && v[n - 1] == '/')
		n--;
	if (n >= sizeof c->meetings_url)
		return -1;
	snprintf(c->meetings_url, sizeof c->meetings_url, "%.*s", (int)n, v);
	return 0;
}

#define COPY(dst, v) (snprintf((dst), sizeof(dst), "%s", (v)) < (int)sizeof(dst) ? 0 : -1)

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct load_state *st = user;
	struct bst_config *c = st->c;
	unsigned u = 0;
	int rc = -1;
#define IS(s, n) (strcmp(section, s) == 0 && strcmp(name, n) == 0)
	if (IS("server", "data"))
		rc = COPY(c->data_dir, value);
	else if (IS("server", "listen"))
		rc = COPY(c->listen, value);
	else if (IS("server", "tls_listen"))
		rc = COPY(c->tls_listen, value);
	else if (IS("server", "tls_cert"))
		rc = COPY(c->tls_cert, value);
	else if (IS("server", "tls_key"))
		rc = COPY(c->tls_key, value);
	else if (IS("server", "threads"))
		rc = set_uint(value, &c->threads);
	else if (IS("server", "max_connections"))
		rc = set_uint(value, &c->max_connections);
	else if (IS("server", "per_ip_connections"))
		rc = set_uint(value, &c->per_ip_connections);
	else if (IS("server", "timeout"))
		rc = set_uint(value, &c->timeout_s);
	else if (IS("server", "max_body")) {
		rc = set_uint(value, &u);
		c->max_body = u;
	} else if (IS("server", "max_header")) {
		rc = set_uint(value, &u);
		c->max_header = u;
	} else if (IS("server", "login_rate_per_minute"))
		rc = set_uint(value, &c->login_rate_per_min);
	else if (IS("server", "public_scheme")) {
		rc = (strcmp(value, "http") == 0 || strcmp(value, "https") == 0)
			     ? COPY(c->public_scheme, value)
			     : -1;
	} else if (IS("server", "public_port"))
		rc = set_uint(value, &c->public_port);
	else if (IS("server", "trusted_proxy")) {
		if (c->n_trusted_proxies < BST_MAX_TRUSTED_PROXIES)
			rc = COPY(c->trusted_proxies[c->n_trusted_proxies++], value);
	} else if (IS("smtp", "url"))
		rc = COPY(c->smtp_url, value);
	else if (IS("smtp", "user"))
		rc = COPY(c->smtp_user, value);
	else if (IS("smtp", "password"))
		rc = COPY(c->smtp_password, value);
	else if (IS("smtp", "from"))
		rc = COPY(c->smtp_from, value);
	else if (IS("meetings", "url"))
		rc = meetings_url(c, value);
	else if (IS("meetings", "provider"))
		rc = line_text(value) ? COPY(c->meetings_provider, value) : -1;
	else if (IS("meetings", "region"))
		rc = line_text(value) ? COPY(c->meetings_region, value) : -1;
	else if (IS("audit", "log_static")) {
		rc = strcmp(value, "true") == 0 || strcmp(value, "false") == 0 ? 0 : -1;
		c->audit_log_static = strcmp(value, "true") == 0;
	} else if (IS("audit", "retention_days")) {
		rc = set_uint(value, &c->audit_retention_days);
		if (rc == 0 && c->audit_retention_days < BST_AUDIT_RETENTION_MIN_DAYS) {
			if (!st->err[0])
				snprintf(st->err, st->errlen,
					 "[audit] retention_days is %u, below the floor of %d "
					 "days (six months) under which access traces may not "
					 "be kept",
					 c->audit_retention_days, BST_AUDIT_RETENTION_MIN_DAYS);
			rc = -1;
		}
	} else if (IS("audit", "syslog")) {
		/* the address itself is checked when forwarding starts (serve) */
		rc = line_text(value) && (value[0] == '\0' || strncmp(value, "udp://", 6) == 0 ||
					  strncmp(value, "unix:/", 6) == 0)
			 ? COPY(c->audit_syslog, value)
			 : -1;
	} else if (IS("documents", "max_file_mb")) {
		rc = set_uint(value, &c->doc_max_file_mb) != 0 || c->doc_max_file_mb < 1 ||
				     c->doc_max_file_mb > BST_CONFIG_FILE_MB_MAX
			     ? -1
			     : 0;
	} else if (IS("backup", "enabled")) {
		rc = strcmp(value, "true") == 0 || strcmp(value, "false") == 0 ? 0 : -1;
		c->backup_enabled = strcmp(value, "true") == 0;
	} else if (IS("backup", "time"))
		rc = backup_time(c, value);
	else if (IS("backup", "daily"))
		rc = set_uint(value, &c->backup_daily) != 0 || c->backup_daily < 1 ? -1 : 0;
	else if (IS("backup", "weekly"))
		rc = set_uint(value, &c->backup_weekly);
	else if (IS("backup", "monthly"))
		rc = set_uint(value, &c->backup_monthly);
	else if (IS("backup", "drill_days"))
		rc = set_uint(value, &c->backup_drill_days);
	else if (strncmp(section, "target ", 7) == 0) {
		struct bst_target_conf *t = target_of(c, section);
		if (!t) {
			if (!st->err[0])
				snprintf(st->err, st->errlen,
					 "[%s]: a target's name is 1 to %d of a-z 0-9 _ -, and there "
					 "are at most %d targets",
					 section, BST_TARGET_NAME_MAX, BST_MAX_BACKUP_TARGETS);
			return 0;
		}
		if (!line_text(value))
			rc = -1;
		else if (strcmp(name, "url") == 0)
			rc = COPY(t->url, value);
		else if (strcmp(name, "ssh_key") == 0)
			rc = COPY(t->ssh_key, value);
		else if (strcmp(name, "host_key_sha256") == 0)
			rc = COPY(t->host_key_sha256, value);
		else if (strcmp(name, "provider") == 0)
			rc = COPY(t->provider, value);
		else if (strcmp(name, "region") == 0)
			rc = COPY(t->region, value);
		else {
			if (!st->err[0])
				snprintf(st->err, st->errlen, "unknown setting [%s] %s", section,
					 name);
			return 0;
		}
	} else {
		/* inih goes on after an error but reports the first line: keep
		 * the first reason too */
		if (!st->err[0])
			snprintf(st->err, st->errlen, "unknown setting [%s] %s", section, name);
		return 0;
	}
#undef IS
	if (rc != 0) {
		if (!st->err[0])
			snprintf(st->err, st->errlen, "invalid value for [%s] %s", section, name);
		return 0;
	}
	return 1;
}

int bst_config_load(struct bst_config *c, const char *path, char *err, size_t errlen)
{
	struct load_state st = {c, err, errlen};
	err[0] = '\0';
	int line = ini_parse(path, on_entry, &st);
	if (line == -1) {
		snprintf(err, errlen, "cannot read configuration file %s", path);
		return -1;
	}
	if (line != 0) {
		char reason[256];
		snprintf(reason, sizeof reason, "%s", err[0] ? err : "syntax error");
		snprintf(err, errlen, "%s line %d: %s", path, line, reason);
		return -1;
	}
	for (size_t i = 0; i < c->n_targets; i++) {
		const struct bst_target_conf *t = &c->targets[i];
		const char *missing = !t->url[0]        ? "url"
				      : !t->provider[0] ? "provider"
				      : !t->region[0]   ? "region"
							: NULL;
		if (missing) {
			snprintf(err, errlen,
				 "%s: [target %s] needs %s (where the copies go, who hosts them "
				 "and in which region)",
				 path, t->name, missing);
			return -1;
		}
	}
	return 0;
}
