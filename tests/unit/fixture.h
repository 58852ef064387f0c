/* The platform most service tests start from: a fresh installation in a
 * temporary directory with one platform, "acme" (host acme.localhost), and
 * the context the transport would build for an anonymous visitor. Shared
 * by the unit tests; single-threaded. */
#ifndef BST_TEST_FIXTURE_H
#define BST_TEST_FIXTURE_H
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "tenant/context.h"
#include "tenant/install.h"
#include "tenant/platform.h"

struct bst_test_platform {
	char dir[64];
	struct bst_install *in;
	struct bst_platform *p;
	bst_arena *arena;
	struct bst_config cfg;
	struct bst_ctx base; /* anonymous, at `now`, user agent "test-<name>" */
};

/* Creates everything under /tmp/bst-test-<name>-XXXXXX. Returns 0, or -1
 * after printing why. */
int bst_test_platform_open(struct bst_test_platform *t, const char *name, int64_t now);
/* Closes it all and removes the directory. Returns 0 or -1. */
int bst_test_platform_close(struct bst_test_platform *t);

#endif
