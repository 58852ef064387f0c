/* What an SFTP server says that the session turns into names (see
 * transfer_session.h): a directory listing, and the relative paths
 * Bastide accepts to send in a request or a quote command. Pure, kept
 * apart from libcurl so that the fuzz target needs nothing else
 * (tests/fuzz/fuzz_sftp_listing.c). */
#include "ops/transfer_session.h"

#include <stdlib.h>
#include <string.h>

bool bst_sftp_rel_ok(const char *rel)
{
	if (strlen(rel) > 250)
		return false;
	const char *seg = rel;
	for (const char *p = rel;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t n = (size_t)(p - seg);
			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return false;
			if (!*p)
				return true;
			seg = p + 1;
		} else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || strchr("._-", *p))) {
			return false;
		}
	}
}

int bst_sftp_parse_listing(const char *buf, size_t len, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	size_t cap = 0;
	char **v = NULL;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && buf[j] != '\n')
			j++;
		size_t k = j;
		if (k > i && buf[k - 1] == '\r')
			k--;
		/* a name is a line without NUL; "." and ".." are not entries */
		if (k > i && !memchr(buf + i, '\0', k - i) && !(k - i == 1 && buf[i] == '.') &&
		    !(k - i == 2 && buf[i] == '.' && buf[i + 1] == '.')) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				char **g = realloc(v, cap * sizeof *v);
				if (!g)
					goto oom;
				v = g;
			}
			if (!(v[*n] = strndup(buf + i, k - i)))
				goto oom;
			(*n)++;
		}
		i = j + 1;
	}
	*names = v;
	return 0;
oom:
	for (size_t i = 0; i < *n; i++)
		free(v[i]);
	free(v);
	*n = 0;
	return -1;
}
