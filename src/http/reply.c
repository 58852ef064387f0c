/* Replies: security headers on every response, cookies, redirects, and
 * the one error reply (HTML or JSON). */
#include "http/request.h"
#include "http/server.h"
#include "http/static.h"
#include "core/html.h"
#include "core/i18n.h"
#include "core/log.h"
#include "web/pages.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No inline script or style anywhere: scripts and styles come from /static
 * only (OWASP ASVS 14.4.3; CSP Level 3). */
#define CSP                                                                                  \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "     \
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "  \
	"base-uri 'none'"
/* One year, as HSTS preload lists expect. */
#define HSTS "max-age=31536000; includeSubDomains"

const char *bst_req_header(struct bst_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *bst_req_arg(struct bst_req *r, const char *name)
{
	const char *v = bst_kv_get(&r->form, name);
	if (!v && r->json) {
		json_t *j = json_object_get(r->json, name);
		if (json_is_string(j))
			v = json_string_value(j);
	}
	return v ? v : bst_kv_get(&r->query, name);
}

void bst_reply_header(struct bst_req *r, const char *name, const char *value)
{
	if (r->n_headers >= BST_MAX_EXTRA_HEADERS) {
		bst_log_error("http: too many extra headers on %s", r->path);
		return;
	}
	r->headers[r->n_headers].name = name;
	r->headers[r->n_headers].value = value;
	r->n_headers++;
}

void bst_reply_cookie(struct bst_req *r, const char *base_name, const char *value,
		      int64_t max_age_s)
{
	const char *prefix = r->https ? "__Host-" : "";
	const char *secure = r->https ? "; Secure" : "";
	const char *c;
	if (value)
		c = bst_arena_printf(r->arena, "%s%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
				     prefix, base_name, value, secure,
				     max_age_s ? bst_arena_printf(r->arena, "; Max-Age=%lld",
								  (long long)max_age_s)
					       : "");
	else
		c = bst_arena_printf(r->arena, "%s%s=; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=0",
				     prefix, base_name, secure);
	bst_reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, c);
}

static void add_security_headers(struct bst_req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* links carry one-time tokens: never let them leave through Referer.
	 * (not no-referrer: Chromium then sends "Origin: null" on same-site
	 * form posts, which the CSRF origin check must refuse) */
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Permissions-Policy",
				"camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
				"interest-cohort=()");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	if (r->https)
		MHD_add_response_header(resp, "Strict-Transport-Security", HSTS);
}

static void queue(struct bst_req *r, int status, struct MHD_Response *resp, uint64_t size,
		  const char *content_type, bool cacheable)
{
	if (!resp) {
		r->status = 500;
		return;
	}
	add_security_headers(r, resp);
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	if (!cacheable)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	for (int i = 0; i < r->n_headers; i++)
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	if (r->lang)
		MHD_add_response_header(resp, "Content-Language", r->lang);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Cookie, Accept-Language");
	if (MHD_queue_response(r->conn, (unsigned)status, resp) != MHD_YES)
		bst_log_warn("http: cannot queue the response to %s %s", r->method, r->path);
	MHD_destroy_response(resp);
	r->status = status;
	r->reply_bytes = strcmp(r->method ? r->method : "", "HEAD") == 0 ? 0 : size;
}

void bst_reply_html(struct bst_req *r, int status, bst_buf *body)
{
	if (body->oom) {
		bst_buf_free(body);
		bst_reply_text(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
		return;
	}
	size_t len = 0;
	char *data = bst_buf_steal(body, &len);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp)
		free(data);
	queue(r, status, resp, len, "text/html; charset=utf-8", false);
}

void bst_reply_json(struct bst_req *r, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text) {
		bst_reply_text(r, 500, "application/json", "{\"error\":{\"code\":\"internal\"}}", 29);
		return;
	}
	size_t len = strlen(text);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!resp)
		free(text);
	queue(r, status, resp, len, "application/json", false);
}

void bst_reply_text(struct bst_req *r, int status, const char *content_type, const void *data,
		    size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	queue(r, status, resp, len, content_type, false);
}

void bst_reply_static(struct bst_req *r, int status, const char *content_type,
		      const void *data, size_t len, const char *etag, bool immutable)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		status == 304 ? 0 : len, (void *)data, MHD_RESPMEM_PERSISTENT);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
					immutable ? "public, max-age=31536000, immutable"
						  : "public, max-age=300");
	}
	queue(r, status, resp, status == 304 ? 0 : len, content_type, true);
}

/* libmicrohttpd's reader protocol, with our names (request.h) */
_Static_assert(BST_READ_END == MHD_CONTENT_READER_END_OF_STREAM, "reader end");
_Static_assert(BST_READ_ERROR == MHD_CONTENT_READER_END_WITH_ERROR, "reader error");
/* Bytes asked of a reader at a time. */
#define STREAM_BLOCK (64 * 1024)

void bst_reply_stream(struct bst_req *r, int status, const char *content_type, uint64_t size,
		      bst_reply_reader read, void *cls, void (*free_cls)(void *cls))
{
	struct MHD_Response *resp =
		MHD_create_response_from_callback(size, STREAM_BLOCK, read, cls, free_cls);
	if (!resp && free_cls)
		free_cls(cls);
	queue(r, status, resp, size, content_type, false);
}

void bst_reply_redirect(struct bst_req *r, const char *location)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	queue(r, 303, resp, 0, NULL, false);
}

const char *bst_safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strchr(next, '\r') ||
	    strchr(next, '\n'))
		return "/";
	return next;
}

const char *bst_with_next(struct bst_req *r, const char *path, const char *next)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_buf_printf(&b, "%s?next=", path);
	bst_html_url_arg(&b, bst_safe_next(next));
	const char *out = bst_arena_strdup(r->arena, bst_buf_str(&b));
	bst_buf_free(&b);
	return out;
}

void bst_reply_error(struct bst_req *r, int status, const char *code, const char *message)
{
	if (r->is_api || !r->ctx.platform) {
		if (r->is_api) {
			bst_reply_json(r, status,
				       json_pack("{s{ss ss}}", "error", "code", code, "message",
						 message));
			return;
		}
		bst_reply_text(r, status, "text/plain; charset=utf-8", message, strlen(message));
		return;
	}
	bst_page_error(r, status, code, message);
}
