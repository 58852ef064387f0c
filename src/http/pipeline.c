/* The request pipeline (see pipeline.h). */
#include "http/pipeline.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static.h"
#include "audit/access.h"
#include "api/api.h"
#include "audit/writer.h"
#include "auth/csrf.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "auth/token.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/i18n.h"
#include "core/log.h"
#include "social/apps.h"
#include "web/pages.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The direct peer is this machine (whatever X-Forwarded-For says). */
static bool peer_is_loopback(struct bst_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return false;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

static const char *client_address(struct bst_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char addr[INET6_ADDRSTRLEN] = "unknown";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, addr,
				  sizeof addr);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
				  sizeof addr);
	}
	/* X-Forwarded-For and -Proto count only when the peer is a trusted
	 * proxy: then the last XFF entry is the address that proxy saw, and a
	 * proxy that terminated TLS says so (cookies then keep their __Host-
	 * prefix and Secure flag, and the CSRF origin check its scheme). */
	const struct bst_config *cfg = r->srv->config;
	for (size_t i = 0; i < cfg->n_trusted_proxies; i++) {
		if (strcmp(cfg->trusted_proxies[i], addr) != 0)
			continue;
		const char *proto = bst_req_header(r, "X-Forwarded-Proto");
		if (proto && strcasecmp(proto, "https") == 0)
			r->https = true;
		const char *xff = bst_req_header(r, "X-Forwarded-For");
		if (!xff)
			break;
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		unsigned char tmp[16];
		if (inet_pton(AF_INET, last, tmp) == 1 || inet_pton(AF_INET6, last, tmp) == 1)
			return bst_arena_strdup(r->arena, last);
		break;
	}
	return bst_arena_strdup(r->arena, addr);
}

bool bst_req_rate_ok(struct bst_req *r, const char *action)
{
	char key[160];
	snprintf(key, sizeof key, "%s|%s|%s", action, r->ctx.platform->slug, r->ctx.client_addr);
	return bst_throttle_allow(r->srv->throttle, key, r->ctx.now);
}

static bool is_state_changing(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	       strcmp(method, "OPTIONS") != 0;
}

/* What a streaming route says of a file too large (router.h), or NULL. */
static const char *route_too_large(struct bst_req *r)
{
	const struct bst_stream_ops *ops = r->route ? r->route->stream : NULL;
	return ops && ops->too_large ? ops->too_large(r) : NULL;
}

/* Parses query, cookies and (with_body) the body; answers 400/413 itself
 * on failure. */
static bool parse_input(struct bst_req *r, bool with_body)
{
	const char *q = strchr(r->raw_uri, '?');
	int rc = q ? bst_parse_urlencoded(r->arena, q + 1, strlen(q + 1), &r->query)
		   : BST_PARSE_OK;
	if (rc != BST_PARSE_OK) {
		bst_reply_error(r, rc == BST_PARSE_TOO_LARGE ? 413 : 400, "bad_query",
				_("The address of this request is malformed."));
		return false;
	}
	const char *cookie = bst_req_header(r, "Cookie");
	if (cookie && bst_parse_cookies(r->arena, cookie, strlen(cookie), &r->cookies) !=
			      BST_PARSE_OK) {
		bst_reply_error(r, 400, "bad_cookie",
				_("Your browser sent a malformed cookie. Delete this site's "
				  "cookies and try again."));
		return false;
	}
	if (r->body_too_large) {
		const char *why = route_too_large(r);
		bst_reply_error(r, 413, "body_too_large",
				why ? why : _("This request is larger than the server accepts."));
		return false;
	}
	if (!with_body || !is_state_changing(r->method) || r->body.len == 0)
		return true;
	const char *ct = bst_req_header(r, "Content-Type");
	if (!ct)
		ct = "";
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		rc = bst_parse_urlencoded(r->arena, r->body.data, r->body.len, &r->form);
	else if (strncasecmp(ct, "multipart/form-data", 19) == 0)
		rc = bst_parse_multipart_form(r->arena, ct, r->body.data, r->body.len, &r->form);
	else if (strncasecmp(ct, "application/json", 16) == 0) {
		char err[256];
		if (bst_parse_json(r->body.data, r->body.len, &r->json, err, sizeof err) !=
		    BST_PARSE_OK) {
			bst_reply_error(r, 400, "bad_json", err);
			return false;
		}
		rc = BST_PARSE_OK;
	} else {
		bst_reply_error(r, 415, "unsupported_media_type",
				_("This kind of request body is not accepted here."));
		return false;
	}
	if (rc != BST_PARSE_OK) {
		bst_reply_error(r, rc == BST_PARSE_TOO_LARGE ? 413 : 400, "bad_form",
				_("The submitted form is malformed."));
		return false;
	}
	return true;
}

static const char *cookie_value(struct bst_req *r, const char *base)
{
	char name[64];
	snprintf(name, sizeof name, "%s%s", r->https ? "__Host-" : "", base);
	return bst_kv_get(&r->cookies, name);
}

static void authenticate(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	const char *authz = bst_req_header(r, "Authorization");
	if (r->is_api && authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		if (bst_pat_authenticate(c, authz + 7))
			return;
		c->actor = BST_ACTOR_ANONYMOUS;
		return;
	}
	const char *tok = cookie_value(r, BST_SESSION_COOKIE);
	if (!tok)
		return;
	switch (bst_session_resolve(c, tok, r->session_token_hash)) {
	case BST_SESSION_OK:
		break;
	case BST_SESSION_MFA_PENDING:
		r->mfa_pending = true;
		break;
	case BST_SESSION_EXPIRED:
		bst_reply_cookie(r, BST_SESSION_COOKIE, NULL, 0);
		break;
	case BST_SESSION_NONE:
		break;
	}
}

/* The CSRF binding of this request: the session, else the pre-session
 * cookie. */
const char *bst_req_csrf_binding(struct bst_req *r);
const char *bst_req_csrf_binding(struct bst_req *r)
{
	if (r->session_token_hash[0])
		return r->session_token_hash;
	return cookie_value(r, BST_PRE_COOKIE);
}

bool bst_pipeline_csrf_ok(struct bst_req *r)
{
	if (r->ctx.via_token)
		return true; /* bearer tokens are not sent by browsers on their own */
	if (!bst_csrf_origin_ok(bst_req_header(r, "Origin"), bst_req_header(r, "Sec-Fetch-Site"),
				r->ctx.base_url))
		return false;
	/* An API call carrying no cookie at all holds no ambient authority a
	 * forged request could borrow (e.g. registering): no token needed. */
	if (r->is_api && r->cookies.n == 0 && r->ctx.actor == BST_ACTOR_ANONYMOUS)
		return true;
	const char *sent = r->is_api ? bst_req_header(r, BST_CSRF_HEADER)
				     : bst_kv_get(&r->form, BST_CSRF_FIELD);
	if (!sent && r->is_api)
		sent = bst_kv_get(&r->form, BST_CSRF_FIELD);
	return bst_csrf_valid(r->ctx.platform->key, bst_req_csrf_binding(r), sent);
}

static const char *base_url(struct bst_req *r)
{
	const char *host = bst_req_header(r, "Host");
	const char *scheme = r->https ? "https" : "http";
	return bst_arena_printf(r->arena, "%s://%s", scheme, host ? host : r->host);
}

static bool enforce_route(struct bst_req *r)
{
	unsigned f = r->route->flags;
	struct bst_ctx *c = &r->ctx;
	bool signed_in = c->actor == BST_ACTOR_USER;
	if (r->mfa_pending && !(f & BST_R_MFA_STEP) && (f & (BST_R_AUTH | BST_R_ADMIN))) {
		if (r->is_api) {
			bst_reply_error(r, 401, "second_factor_required",
					_("Finish signing in with your second factor first."));
		} else {
			bst_reply_redirect(r, "/login/2fa");
		}
		return false;
	}
	if ((f & (BST_R_AUTH | BST_R_ADMIN | BST_R_MFA_STEP)) && !signed_in) {
		if (r->is_api) {
			bst_reply_error(r, 401, "unauthenticated", _("Please sign in."));
		} else {
			bst_reply_redirect(r, bst_with_next(r, "/login", r->path));
		}
		return false;
	}
	if ((f & BST_R_MFA_STEP) && !(f & BST_R_AUTH) && !r->mfa_pending && signed_in &&
	    !r->is_api) {
		bst_reply_redirect(r, "/");
		return false;
	}
	if ((f & BST_R_ADMIN) && !bst_ctx_is_admin(c)) {
		bst_reply_error(r, 403, "forbidden",
				_("This page is for the platform's administrators."));
		return false;
	}
	if ((f & BST_R_WRITE) && c->via_token && !c->token_write) {
		bst_reply_error(r, 403, "insufficient_scope",
				_("This token may only read; this request needs a read-write token."));
		return false;
	}
	if ((f & BST_R_REAUTH) && !c->via_token &&
	    c->now - c->session_auth_ms > BST_REAUTH_S * 1000LL) {
		if (r->is_api) {
			bst_reply_error(r, 401, "reauthentication_required",
					_("Please confirm your password first."));
		} else {
			bst_reply_redirect(r, bst_with_next(r, "/reauth", r->path));
		}
		return false;
	}
	return true;
}

bool bst_pipeline_prepare(struct bst_req *r, bool with_body)
{
	struct bst_server *s = r->srv;
	struct bst_ctx *c = &r->ctx;
	/* only TLS connections have a protocol version */
	r->https = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_PROTOCOL) != NULL;
	r->is_api = strncmp(r->path, "/api/", 5) == 0;
	c->install = s->install;
	c->config = s->config;
	c->arena = r->arena;
	c->now = bst_now_ms();
	c->client_addr = client_address(r);
	c->user_agent = bst_req_header(r, "User-Agent");
	r->lang = "en";
	bst_i18n_use(r->lang);

	/* Host → platform: unknown hosts get 421, never a default platform */
	const char *host = bst_req_header(r, "Host");
	bst_registry_poll(s->registry);
	if (!host || bst_host_normalize(host, r->host, sizeof r->host) != 0 ||
	    !(c->platform = bst_registry_resolve(s->registry, r->host))) {
		/* the operator's health report: see src/api/health.c */
		bool operator = strcmp(r->method, "GET") == 0 && peer_is_loopback(r) &&
				!bst_req_header(r, "X-Forwarded-For");
		if (operator && strcmp(r->path, "/health") == 0) {
			bst_api_health(r);
			return false;
		}
		/* the operator's "Backups" page: see src/web/operator_backups.c */
		if (operator && (strcmp(r->path, "/operator/backups") == 0 ||
				 strcmp(r->path, "/operator/backups.json") == 0)) {
			bst_web_operator_backups(r, r->path[17] == '.');
			return false;
		}
		static const char msg[] =
			"421 Misdirected Request: no platform is served at this address.\n";
		bst_reply_text(r, 421, "text/plain; charset=utf-8", msg, sizeof msg - 1);
		return false;
	}
	c->base_url = base_url(r);

	char scratch[512];
	bool other_method = false;
	r->route = bst_route_find(r->method, r->path, r->params, scratch, sizeof scratch,
				  &other_method);
	/* copy path parameters into the arena: scratch dies with this frame */
	for (int i = 0; i < BST_MAX_PATH_PARAMS; i++)
		if (r->params[i])
			r->params[i] = bst_arena_strdup(r->arena, r->params[i]);
	if (r->route && (r->route->flags & BST_R_STATIC)) {
		r->route->handler(r);
		return false;
	}
	if (atomic_load(&c->platform->suspended)) {
		bst_page_maintenance(r);
		return false;
	}
	if (bst_platform_settings(c->platform, &c->settings, c->now) != 0) {
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return false;
	}
	/* the visitor's language for errors found before we know who it is */
	r->lang = bst_i18n_pick(NULL, bst_req_header(r, "Accept-Language"),
				c->settings.default_lang);
	bst_i18n_use(r->lang);
	if (!parse_input(r, with_body))
		return false;
	authenticate(r);
	if (r->status)
		return false;
	r->lang = bst_i18n_pick(c->actor == BST_ACTOR_USER ? c->user.lang : NULL,
				bst_req_header(r, "Accept-Language"), c->settings.default_lang);
	bst_i18n_use(r->lang);
	if (!r->route) {
		if (other_method) {
			bst_reply_header(r, "Allow", bst_route_allowed(r->path, r->arena));
			bst_reply_error(r, 405, "method_not_allowed",
					_("This address does not accept this method."));
		}
		else
			bst_reply_error(r, 404, "not_found", _("There is nothing at this address."));
		return false;
	}
	if (r->route->app && !bst_app_enabled(c, r->route->app)) {
		bst_reply_error(r, 404, "not_found", _("There is nothing at this address."));
		return false;
	}
	if (!enforce_route(r))
		return false;
	r->prepared = true;
	return true;
}

void bst_pipeline_run(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	if (!r->prepared && !bst_pipeline_prepare(r, true))
		return;
	if (r->upload && r->stream_error && !r->status) {
		const char *why = r->stream_error == 413 ? route_too_large(r) : NULL;
		bst_reply_error(r, r->stream_error, "upload_refused",
				why ? why
				: r->stream_error == 413
					? _("This file is larger than this platform accepts.")
				: r->stream_error == 403
					? _("This form expired or came from another site. Go "
					    "back, reload the page and try again.")
					: _("The upload could not be read: it is malformed or "
					    "was interrupted."));
		return;
	}
	if (r->status)
		return;
	if (is_state_changing(r->method) && !bst_pipeline_csrf_ok(r)) {
		bst_log_warn("platform %s: CSRF check failed for %s %s from %s", c->platform->slug,
			     r->method, r->path, c->client_addr);
		bst_reply_error(r, 403, "csrf_failed",
				_("This form expired or came from another site. Go back, reload "
				  "the page and try again."));
		return;
	}
	r->handled = true;
	r->route->handler(r);
	if (!r->status) {
		bst_log_error("handler for %s %s did not answer", r->method, r->path);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
	}
}

void bst_pipeline_trace(struct bst_req *r, bool completed)
{
#ifdef BST_BENCH_NO_TRAIL
	/* a benchmark's build, measuring the trail's cost: no entry at all */
	(void)r, (void)completed;
	return;
#endif
	const struct bst_ctx *c = &r->ctx;
	if (!c->platform || !r->status)
		return; /* not a platform's (421), or never answered */
	if (r->route && (r->route->flags & BST_R_STATIC) && !r->srv->config->audit_log_static)
		return;
	char path[BST_AUDIT_PATH_MAX + 1], ua[BST_AUDIT_UA_MAX + 1], method[16];
	char session_ref[BST_AUDIT_SESSION_REF_HEX + 1];
	bst_audit_scrub_uri(r->raw_uri, path, sizeof path);
	bst_audit_clean(c->user_agent, BST_AUDIT_UA_MAX, ua, sizeof ua);
	bst_audit_clean(r->method, sizeof method - 1, method, sizeof method);
	bst_audit_session_ref(c->platform->key, r->session_token_hash, session_ref);
	int64_t now = bst_now_ms();
	struct bst_trail_entry e = {
		.at_ms = r->started_ms,
		.kind = BST_TRAIL_ACCESS,
		.user_id = c->actor == BST_ACTOR_USER ? c->user.id : 0,
		.session_ref = session_ref,
		.client_addr = c->client_addr,
		.method = method,
		.path = path,
		.status = r->status,
		/* an interrupted transfer: how much left is unknown */
		.bytes = completed ? (int64_t)r->reply_bytes : -1,
		.duration_ms = now > r->started_ms ? now - r->started_ms : 0,
		.user_agent = ua,
	};
	bst_audit_enqueue(c->platform->slug, &e);
}
