/* Unit tests tying docs/openapi.yaml to the routing table of
 * src/http/routes.c: every /api/ route is described there (its pattern as
 * a key under "paths:", {param} kept as-is, its method as a key under it),
 * and every operation described there is a route. The YAML is read line by
 * line with the two-space indentation the document uses; no YAML library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

#define OPENAPI_PATH BST_SOURCE_ROOT "/docs/openapi.yaml"
#define MAX_OPS 256
#define LINE_MAX_LEN 1024

struct op {
	char path[256];
	char method[16]; /* lower case, as in the document */
};

struct doc {
	struct op ops[MAX_OPS];
	size_t n;
};

static const char *const http_methods[] = {"get", "put", "post", "delete", "options",
					   "head", "patch", "trace"};

static bool is_http_method(const char *m)
{
	for (size_t i = 0; i < sizeof http_methods / sizeof *http_methods; i++)
		if (strcmp(m, http_methods[i]) == 0)
			return true;
	return false;
}

static size_t indent(const char *line)
{
	size_t n = 0;
	while (line[n] == ' ')
		n++;
	return n;
}

/* The key of a "key:" line (nothing after the colon but spaces or a
 * comment), copied to out; false for other lines. */
static bool key_of(const char *line, char *out, size_t outlen)
{
	const char *k = line + indent(line);
	const char *colon = strchr(k, ':');
	if (!colon || colon == k)
		return false;
	const char *rest = colon + 1;
	while (*rest == ' ' || *rest == '\r' || *rest == '\n')
		rest++;
	if (*rest && *rest != '#')
		return false;
	size_t len = (size_t)(colon - k);
	if (len >= outlen)
		return false;
	memcpy(out, k, len);
	out[len] = '\0';
	return true;
}

/* "DELETE" -> "delete" */
static void lower(const char *method, char out[16])
{
	size_t i = 0;
	for (; method[i] && i < 15; i++)
		out[i] = (char)tolower((unsigned char)method[i]);
	out[i] = '\0';
}

/* Every (path, method) under "paths:". */
static void load(struct doc *d)
{
	FILE *f = fopen(OPENAPI_PATH, "r");
	if (!f)
		fail_msg("cannot open %s", OPENAPI_PATH);
	char line[LINE_MAX_LEN], key[256], path[256] = "";
	bool in_paths = false;
	d->n = 0;
	while (fgets(line, sizeof line, f)) {
		size_t ind = indent(line);
		bool blank = line[ind] == '\n' || line[ind] == '\0' || line[ind] == '#';
		if (blank)
			continue;
		if (ind == 0) {
			in_paths = key_of(line, key, sizeof key) && strcmp(key, "paths") == 0;
			continue;
		}
		if (!in_paths || !key_of(line, key, sizeof key))
			continue;
		if (ind == 2) {
			snprintf(path, sizeof path, "%s", key);
		} else if (ind == 4 && path[0] == '/' && is_http_method(key)) {
			assert_true(d->n < MAX_OPS);
			snprintf(d->ops[d->n].path, sizeof d->ops[d->n].path, "%s", path);
			lower(key, d->ops[d->n].method); /* a known method: fits */
			d->n++;
		}
	}
	fclose(f);
}

static bool documented(const struct doc *d, const char *path, const char *method)
{
	char m[16];
	lower(method, m);
	for (size_t k = 0; k < d->n; k++)
		if (strcmp(d->ops[k].path, path) == 0 && strcmp(d->ops[k].method, m) == 0)
			return true;
	return false;
}

static void test_openapi_describes_every_api_route(void **state)
{
	(void)state;
	static struct doc d;
	load(&d);
	assert_true(d.n > 0);
	int missing = 0, api_routes = 0;
	for (const struct bst_route *r = bst_routes; r->pattern; r++) {
		if (strncmp(r->pattern, "/api/", 5) != 0)
			continue;
		api_routes++;
		if (!documented(&d, r->pattern, r->method)) {
			print_error("docs/openapi.yaml does not describe %s %s\n", r->method,
				    r->pattern);
			missing++;
		}
	}
	assert_true(api_routes > 0);
	assert_int_equal(missing, 0);
}

static void test_openapi_describes_no_route_that_does_not_exist(void **state)
{
	(void)state;
	static struct doc d;
	load(&d);
	int extra = 0;
	for (size_t k = 0; k < d.n; k++) {
		bool found = false;
		for (const struct bst_route *r = bst_routes; r->pattern && !found; r++) {
			char m[16];
			lower(r->method, m);
			found = strcmp(r->pattern, d.ops[k].path) == 0 &&
				strcmp(m, d.ops[k].method) == 0;
		}
		if (!found) {
			print_error("docs/openapi.yaml describes %s %s, which is not a route\n",
				    d.ops[k].method, d.ops[k].path);
			extra++;
		}
	}
	assert_int_equal(extra, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_openapi_describes_every_api_route),
	    cmocka_unit_test(test_openapi_describes_no_route_that_does_not_exist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
