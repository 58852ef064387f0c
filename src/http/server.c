/* libmicrohttpd plumbing (see server.h): daemon options, the access
 * handler's three phases (new request, body pieces, final call), and the
 * completion callback that frees the request. What happens to a complete
 * request is in pipeline.c. */
#include "http/server.h"
#include "http/pipeline.h"
#include "http/request.h"
#include "http/upload.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long shutdown waits for requests in flight. */
#define DRAIN_TIMEOUT_MS 10000

/* GnuTLS priorities of the TLS listener: TLS 1.2 and 1.3 only, key
 * exchange with forward secrecy only (-RSA drops RSA key transport, which an
 * RSA certificate would otherwise allow) and AEAD ciphers only (no CBC, no
 * SHA-1 MAC): Mozilla's "intermediate" server profile, and ANSSI's TLS
 * guide (ANSSI-PA-035: R3 versions, R5 PFS, R6-R8 AEAD suites). */
#define TLS_PRIORITIES                                                                       \
	"SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA:-CIPHER-ALL:"        \
	"+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-GCM:-MAC-ALL:+AEAD"

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct bst_server *s = cls;
	struct bst_req *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->arena = bst_arena_new();
	r->raw_uri = bst_arena_strdup(r->arena, uri);
	r->conn = conn;
	r->srv = s;
	r->started_ms = bst_now_ms();
	bst_buf_init(&r->body);
	atomic_fetch_add(&s->in_flight, 1);
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct bst_server *s = cls;
	struct bst_req *r = *req_cls;
	if (!r)
		return;
	bst_pipeline_trace(r, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
	if (r->upload)
		bst_upload_abort(r); /* frees the parser; undoes an unfinished upload */
	if (r->json)
		json_decref(r->json);
	bst_buf_free(&r->body);
	bst_arena_free(r->arena);
	free(r);
	*req_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	struct bst_server *s = cls;
	struct bst_req *r = *req_cls;
	if (!r)
		return MHD_NO;
	if (!r->method) {
		/* First call: headers only. Returning here keeps keep-alive working. */
		r->method = bst_arena_strdup(r->arena, method);
		r->path = bst_arena_strdup(r->arena, url);
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (bst_upload_wanted(r)) {
			/* checked now, streamed later: never held whole */
			if (cl && strtoull(cl, NULL, 10) > BST_UPLOAD_BODY_MAX)
				r->body_too_large = true;
			else
				bst_upload_begin(r);
			return MHD_YES;
		}
		if (cl && strtoull(cl, NULL, 10) > s->config->max_body)
			r->body_too_large = true;
		return MHD_YES;
	}
	if (*upload_data_size && r->upload) {
		if (r->upload_bytes + *upload_data_size > BST_UPLOAD_BODY_MAX)
			r->stream_error = 413;
		r->upload_bytes += *upload_data_size;
		bst_upload_feed(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->body_too_large) {
			if (r->body.len + *upload_data_size > s->config->max_body) {
				r->body_too_large = true;
				bst_buf_free(&r->body);
			} else {
				bst_buf_append(&r->body, upload_data, *upload_data_size);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->status)
		return MHD_YES; /* already answered */
	if (r->upload)
		bst_upload_finish(r);
	bst_pipeline_run(r);
	return r->status ? MHD_YES : MHD_NO;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	char *data = NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size < (1 << 20)) {
		data = calloc(1, (size_t)st.st_size + 1);
		if (data && fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, char *err, size_t errlen)
{
	char host[64];
	unsigned port = 0;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host ||
	    sscanf(colon + 1, "%u", &port) != 1 || port > 65535) {
		snprintf(err, errlen, "invalid listen address '%s' (expected ADDR:PORT)", listen);
		return -1;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		snprintf(err, errlen, "invalid listen address '%s' (IPv4 address expected)",
			 listen);
		return -1;
	}
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	bst_log_warn("http: %s", line);
}

static struct MHD_Daemon *start_one(struct bst_server *s, const char *listen, bool tls,
				    char *err, size_t errlen)
{
	struct sockaddr_in sa;
	if (parse_listen(listen, &sa, err, errlen) != 0)
		return NULL;
	unsigned threads = s->config->threads;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
		flags |= MHD_USE_EPOLL;
	if (tls)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem opts[16];
	int n = 0;
#define OPT(o, v, p) opts[n++] = (struct MHD_OptionItem){(o), (intptr_t)(v), (p)}
	/* first, so that libmicrohttpd's warnings about later options reach it */
	OPT(MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL);
	OPT(MHD_OPTION_SOCK_ADDR, 0, &sa);
	OPT(MHD_OPTION_THREAD_POOL_SIZE, threads, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, s->config->max_connections, NULL);
	if (s->config->per_ip_connections)
		OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->config->per_ip_connections, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, s->config->timeout_s, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->config->max_header, NULL);
	OPT(MHD_OPTION_URI_LOG_CALLBACK, on_uri, s);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, s);
	if (tls) {
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key);
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, TLS_PRIORITIES);
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
						MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!d)
		snprintf(err, errlen, "cannot listen on %s (address in use, or not allowed?)",
			 listen);
	return d;
}

int bst_server_start(struct bst_server *s, char *err, size_t errlen)
{
	atomic_store(&s->in_flight, 0);
	s->throttle = bst_throttle_new(s->config->login_rate_per_min);
	s->registry = bst_registry_new(s->install);
	if (!s->throttle || !s->registry) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->http = start_one(s, s->config->listen, false, err, errlen);
	if (!s->http)
		return -1;
	if (s->config->tls_listen[0]) {
		s->tls_cert = slurp(s->config->tls_cert);
		s->tls_key = slurp(s->config->tls_key);
		if (!s->tls_cert || !s->tls_key) {
			snprintf(err, errlen, "cannot read the TLS certificate or key (%s, %s)",
				 s->config->tls_cert, s->config->tls_key);
			return -1;
		}
		s->https = start_one(s, s->config->tls_listen, true, err, errlen);
		if (!s->https)
			return -1;
	}
	return 0;
}

void bst_server_stop(struct bst_server *s)
{
	struct MHD_Daemon *ds[2] = {s->http, s->https};
	for (int i = 0; i < 2; i++)
		if (ds[i]) {
			MHD_socket fd = MHD_quiesce_daemon(ds[i]);
			if (fd != MHD_INVALID_SOCKET)
				close(fd);
		}
	int64_t deadline = bst_now_ms() + DRAIN_TIMEOUT_MS;
	while (atomic_load(&s->in_flight) > 0 && bst_now_ms() < deadline)
		usleep(10000);
	if (atomic_load(&s->in_flight) > 0)
		bst_log_warn("http: %d requests still open at shutdown",
			     atomic_load(&s->in_flight));
	for (int i = 0; i < 2; i++)
		if (ds[i])
			MHD_stop_daemon(ds[i]);
	s->http = s->https = NULL;
	bst_registry_free(s->registry);
	s->registry = NULL;
	bst_throttle_free(s->throttle);
	s->throttle = NULL;
	free(s->tls_cert);
	free(s->tls_key);
	s->tls_cert = s->tls_key = NULL;
}
