/* libFuzzer target: bst_transfer_parse_url on arbitrary bytes; what it
 * accepts must keep transfer.h's promises (a known scheme, a user, a host
 * and a path of the small alphabet, formatted back to a URL it accepts
 * again as the same), and a refusal leaves the pieces empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ops/transfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size + 1);
	if (!url)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	struct bst_transfer_url u, again;
	char err[256];
	if (bst_transfer_parse_url(url, &u, err, sizeof err) == 0) {
		if (!u.user[0] || !u.host[0] || u.path[0] != '/' || u.port == 0 ||
		    u.port > 65535)
			abort();
		for (const char *p = u.path; *p; p++)
			if (*p <= ' ' || strchr("%?#;'\"\\", *p))
				abort();
		char out[BST_TRANSFER_HOST_MAX + BST_TRANSFER_PATH_MAX + 128];
		bst_transfer_url_format(&u, out, sizeof out);
		if (bst_transfer_parse_url(out, &again, err, sizeof err) != 0 ||
		    memcmp(&u, &again, sizeof u) != 0)
			abort();
	} else if (u.user[0] || u.host[0] || u.path[0] || !err[0]) {
		abort();
	}
	free(url);
	return 0;
}
