/* The shared test platform (see fixture.h). */
#include "fixture.h"
#include "db/queries.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

int bst_test_platform_open(struct bst_test_platform *t, const char *name, int64_t now)
{
	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/bst-test-%.20s-XXXXXX", name);
	if (!mkdtemp(t->dir)) {
		fprintf(stderr, "cannot make a directory for the %s tests\n", name);
		return -1;
	}
	char err[600] = "";
	int created = 0;
	static const char *const hosts[] = {"acme.localhost"};
	if (bst_install_init(t->dir, &created, err, sizeof err) != 0 ||
	    bst_install_open(t->dir, &t->in, err, sizeof err) != 0 ||
	    bst_platform_create(t->in, "acme", "ACME", hosts, 1, err, sizeof err) != 0 ||
	    bst_platform_open(t->in, "acme", &t->p, err, sizeof err) != 0) {
		fprintf(stderr, "platform in %s: %s\n", t->dir, err);
		return -1;
	}
	t->arena = bst_arena_new();
	bst_config_defaults(&t->cfg);
	/* as bst_cli_open_platform fills one, but for an anonymous visitor */
	struct bst_ctx *x = &t->base;
	x->install = t->in;
	x->config = &t->cfg;
	x->platform = t->p;
	x->actor = BST_ACTOR_ANONYMOUS;
	x->client_addr = "192.0.2.7";
	x->user_agent = bst_arena_printf(t->arena, "test-%s", name);
	x->base_url = "http://acme.localhost:8080";
	x->now = now;
	x->arena = t->arena;
	if (bst_q_settings_get(t->p->main, &x->settings) != BST_QS_ONE_RESULT) {
		fprintf(stderr, "cannot read the settings of the test platform\n");
		return -1;
	}
	return 0;
}

int bst_test_platform_close(struct bst_test_platform *t)
{
	bst_platform_close(t->p);
	bst_install_close(t->in);
	bst_arena_free(t->arena);
	t->p = NULL;
	t->in = NULL;
	t->arena = NULL;
	return t->dir[0] ? nftw(t->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) : 0;
}
