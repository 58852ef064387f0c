/* Static assets (see static.h). */
#include "http/static.h"
#include "core/crypto.h"
#include "core/embedded.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_ASSETS 64

struct asset {
	const char *name;     /* "app.css" */
	char hashed[128];     /* "/static/app.1a2b3c4d.css" */
	char etag[24];        /* "\"1a2b3c4d5e6f7081\"" */
	const char *type;
	const unsigned char *data;
	size_t len;
};

static struct asset assets[MAX_ASSETS];
static size_t n_assets;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".ico") == 0)
		return "image/x-icon";
	if (strcmp(dot, ".woff2") == 0)
		return "font/woff2";
	return "application/octet-stream";
}

static void load(void)
{
	for (const struct bst_embedded_file *f = bst_embedded_files; f->path; f++) {
		if (strncmp(f->path, "static/", 7) != 0 || n_assets == MAX_ASSETS)
			continue;
		struct asset *a = &assets[n_assets++];
		a->name = f->path + 7;
		a->data = f->data;
		a->len = f->len;
		a->type = type_of(a->name);
		uint8_t h[BST_HASH_BYTES];
		char hex[2 * BST_HASH_BYTES + 1];
		bst_mac(NULL, 0, f->data, f->len, h);
		bst_hex(h, sizeof h, hex);
		hex[16] = '\0';
		snprintf(a->etag, sizeof a->etag, "\"%.16s\"", hex);
		const char *dot = strrchr(a->name, '.');
		size_t stem = dot ? (size_t)(dot - a->name) : strlen(a->name);
		snprintf(a->hashed, sizeof a->hashed, "/static/%.*s.%.8s%s", (int)stem, a->name,
			 hex, dot ? dot : "");
	}
}

const char *bst_static_url(const char *name)
{
	pthread_once(&once, load);
	for (size_t i = 0; i < n_assets; i++)
		if (strcmp(assets[i].name, name) == 0)
			return assets[i].hashed;
	return NULL;
}

void bst_static_serve(struct bst_req *r)
{
	pthread_once(&once, load);
	for (size_t i = 0; i < n_assets; i++) {
		struct asset *a = &assets[i];
		bool hashed = strcmp(r->path, a->hashed) == 0;
		if (!hashed && !(strncmp(r->path, "/static/", 8) == 0 &&
				 strcmp(r->path + 8, a->name) == 0))
			continue;
		const char *inm = bst_req_header(r, "If-None-Match");
		bool fresh = inm && strstr(inm, a->etag);
		bst_reply_static(r, fresh ? 304 : 200, a->type, a->data, a->len, a->etag, hashed);
		return;
	}
	bst_reply_text(r, 404, "text/plain; charset=utf-8", "404 Not Found\n", 14);
}
