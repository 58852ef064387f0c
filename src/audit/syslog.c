/* Syslog forwarding (see syslog.h). */
#include "audit/syslog.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/q_audit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MESSAGE_MAX 8192
#define PRI_ACCESS 134 /* local0 (16) * 8 + info (6) */
#define PRI_EVENT 133  /* local0 * 8 + notice (5) */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int fd = -1;
static struct sockaddr_storage addr;
static socklen_t addr_len;
static char host[256];
static uint64_t dropped;

/* Parses target into sa; false when it is not one we take. */
static bool parse(const char *target, struct sockaddr_storage *sa, socklen_t *len, int *family)
{
	memset(sa, 0, sizeof *sa);
	if (strncmp(target, "unix:/", 6) == 0) {
		struct sockaddr_un *un = (struct sockaddr_un *)sa;
		const char *path = target + 5;
		if (strlen(path) >= sizeof un->sun_path)
			return false;
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, path, strlen(path) + 1);
		*len = (socklen_t)sizeof *un;
		*family = AF_UNIX;
		return true;
	}
	if (strncmp(target, "udp://", 6) != 0)
		return false;
	const char *h = target + 6;
	const char *colon = strrchr(h, ':');
	if (!colon || colon == h || (size_t)(colon - h) >= 64)
		return false;
	char name[64];
	memcpy(name, h, (size_t)(colon - h));
	name[colon - h] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return false;
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	if (strcmp(name, "localhost") == 0)
		strcpy(name, "127.0.0.1");
	if (inet_pton(AF_INET, name, &in->sin_addr) != 1)
		return false;
	*len = (socklen_t)sizeof *in;
	*family = AF_INET;
	return true;
}

bool bst_audit_syslog_target_valid(const char *target)
{
	struct sockaddr_storage sa;
	socklen_t len;
	int family;
	return target && parse(target, &sa, &len, &family);
}

int bst_audit_syslog_open(const char *target, char *err, size_t errlen)
{
	if (!target || !target[0])
		return 0;
	struct sockaddr_storage sa;
	socklen_t len;
	int family;
	if (!parse(target, &sa, &len, &family)) {
		snprintf(err, errlen, "[audit] syslog: %s is neither udp://ADDRESS:PORT nor unix:/PATH",
			 target);
		return -1;
	}
	int s = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0) {
		snprintf(err, errlen, "[audit] syslog: cannot make a socket: %s", strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&lock);
	if (fd >= 0)
		close(fd);
	fd = s;
	addr = sa;
	addr_len = len;
	if (gethostname(host, sizeof host) != 0 || !host[0])
		strcpy(host, "-");
	host[sizeof host - 1] = '\0';
	for (char *p = host; *p; p++) /* PRINTUSASCII, no spaces */
		if (*p <= ' ' || *p > '~')
			*p = '_';
	pthread_mutex_unlock(&lock);
	bst_log_info("audit: forwarding the trail to syslog at %s", target);
	return 0;
}

void bst_audit_syslog_close(void)
{
	pthread_mutex_lock(&lock);
	if (fd >= 0)
		close(fd);
	fd = -1;
	pthread_mutex_unlock(&lock);
}

uint64_t bst_audit_syslog_dropped(void)
{
	return __atomic_load_n(&dropped, __ATOMIC_RELAXED);
}

static json_t *entry_json(const char *slug, const struct bst_trail_entry *e)
{
	char at[40];
	bst_time_format_iso(e->at_ms, at, sizeof at);
	bool event = e->kind == BST_TRAIL_EVENT;
	json_t *j = json_pack("{ss sI ss ss sI ss ss ss}", "platform", slug, "seq",
			      (json_int_t)e->seq, "at", at, "kind", event ? "event" : "access",
			      "user_id", (json_int_t)e->user_id, "actor", e->actor ? e->actor : "",
			      "client_addr", e->client_addr ? e->client_addr : "", "user_agent",
			      e->user_agent ? e->user_agent : "");
	if (!j)
		return NULL;
	if (event) {
		json_object_set_new(j, "event", json_string(e->event ? e->event : ""));
		json_object_set_new(j, "target", json_string(e->target ? e->target : ""));
		json_t *d = e->details ? json_loads(e->details, 0, NULL) : NULL;
		json_object_set_new(j, "details", d ? d : json_object());
	} else {
		json_object_set_new(j, "session_ref", json_string(e->session_ref ? e->session_ref : ""));
		json_object_set_new(j, "method", json_string(e->method ? e->method : ""));
		json_object_set_new(j, "path", json_string(e->path ? e->path : ""));
		json_object_set_new(j, "status", json_integer(e->status));
		json_object_set_new(j, "bytes", json_integer(e->bytes));
		json_object_set_new(j, "duration_ms", json_integer(e->duration_ms));
	}
	return j;
}

void bst_audit_syslog_send(const char *slug, struct bst_trail_entry *const *e, size_t n)
{
	if (__atomic_load_n(&fd, __ATOMIC_RELAXED) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		json_t *j = entry_json(slug, e[i]);
		char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
		json_decref(j);
		char msg[MESSAGE_MAX];
		char at[40];
		bst_time_format_iso(e[i]->at_ms, at, sizeof at);
		bool event = e[i]->kind == BST_TRAIL_EVENT;
		pthread_mutex_lock(&lock);
		int len = text ? snprintf(msg, sizeof msg, "<%d>1 %s %s bastide %ld %s - %s",
					  event ? PRI_EVENT : PRI_ACCESS, at, host, (long)getpid(),
					  event ? "event" : "access", text)
			       : -1;
		bool sent = len > 0 && len < (int)sizeof msg && fd >= 0 &&
			    sendto(fd, msg, (size_t)len, MSG_NOSIGNAL, (struct sockaddr *)&addr,
				   addr_len) == (ssize_t)len;
		pthread_mutex_unlock(&lock);
		free(text);
		if (!sent && __atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED) % 1000 == 1)
			bst_log_warn("audit: syslog messages dropped: %llu so far",
				     (unsigned long long)bst_audit_syslog_dropped());
	}
}
