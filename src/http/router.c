/* Route matching (see router.h). */
#include "http/router.h"
#include "http/request.h"
#include "core/arena.h"

#include <stdio.h>
#include <string.h>

/* Matches pattern against path; {x} captures one non-empty segment, copied
 * NUL-terminated into scratch. */
static bool match(const char *pat, const char *path, const char **params, char *scratch,
		  size_t scratch_len)
{
	int n = 0;
	size_t used = 0;
	while (*pat) {
		if (pat[0] == '*' && pat[1] == '\0')
			return true;
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			const char *seg_end = strchr(path, '/');
			if (!seg_end)
				seg_end = path + strlen(path);
			size_t len = (size_t)(seg_end - path);
			if (!close || len == 0 || n >= BST_MAX_PATH_PARAMS ||
			    used + len + 1 > scratch_len)
				return false;
			memcpy(scratch + used, path, len);
			scratch[used + len] = '\0';
			params[n++] = scratch + used;
			used += len + 1;
			pat = close + 1;
			path = seg_end;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return *path == '\0';
}

const struct bst_route *bst_route_find(const char *method, const char *path,
				       const char **params, char *scratch, size_t scratch_len,
				       bool *other_method)
{
	*other_method = false;
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (const struct bst_route *rt = bst_routes; rt->pattern; rt++) {
		const char *tmp[BST_MAX_PATH_PARAMS] = {0};
		if (!match(rt->pattern, path, tmp, scratch, scratch_len))
			continue;
		if (strcmp(rt->method, method) != 0) {
			*other_method = true;
			continue;
		}
		memcpy(params, tmp, sizeof tmp);
		return rt;
	}
	return NULL;
}

const char *bst_route_allowed(const char *path, bst_arena *arena)
{
	static const char *methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	char scratch[512];
	char out[64] = "";
	for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
		for (const struct bst_route *rt = bst_routes; rt->pattern; rt++) {
			const char *tmp[BST_MAX_PATH_PARAMS];
			if (strcmp(rt->method, methods[m]) != 0 ||
			    !match(rt->pattern, path, tmp, scratch, sizeof scratch))
				continue;
			size_t n = strlen(out);
			snprintf(out + n, sizeof out - n, "%s%s%s", n ? ", " : "", methods[m],
				 m == 0 ? ", HEAD" : "");
			break;
		}
	}
	return bst_arena_strdup(arena, out);
}
