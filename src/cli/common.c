/* Shared command-line plumbing (see common.h). */
#include "cli/common.h"
#include "core/str.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/queries.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bst_cli_init(struct bst_cli *c)
{
	memset(c, 0, sizeof *c);
	c->data = getenv("BASTIDE_DATA");
	c->config = getenv("BASTIDE_CONFIG");
	bst_config_defaults(&c->cfg);
}

int bst_cli_next_opt(struct bst_cli *c, int argc, char **argv, const struct option *opts,
		     const char *usage)
{
	for (;;) {
		int o = getopt_long(argc, argv, "h", opts, NULL);
		switch (o) {
		case -1:
			return BST_CLI_OPTS_DONE;
		case 'h':
			fputs(usage, stdout);
			return BST_CLI_OPTS_HELP;
		case 'D':
			c->data = optarg;
			break;
		case 'C':
			c->config = optarg;
			break;
		case '?':
		case ':':
			bst_cli_usage(usage);
			return BST_CLI_OPTS_BAD;
		default:
			return o;
		}
	}
}

int bst_cli_opts_exit(int status)
{
	return status == BST_CLI_OPTS_HELP ? BST_EXIT_OK : BST_EXIT_USAGE;
}

void bst_cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("bastide: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int bst_cli_usage(const char *usage)
{
	fputs(usage, stderr);
	return BST_EXIT_USAGE;
}

int bst_cli_open(struct bst_cli *c)
{
	char err[600];
	if (c->config && bst_config_load(&c->cfg, c->config, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		return -1;
	}
	if (!c->data && c->cfg.data_dir[0])
		c->data = c->cfg.data_dir;
	if (!c->data) {
		bst_cli_error("no data directory: give --data DIR or set BASTIDE_DATA");
		return -1;
	}
	if (bst_crypto_init() != 0) {
		bst_cli_error("libsodium failed to initialise");
		return -1;
	}
	if (bst_install_open(c->data, &c->install, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		return -1;
	}
	return 0;
}

struct first_host {
	char host[BST_HOST_MAX + 1];
};

static void take_first(void *cls, const char *host, int64_t id)
{
	struct first_host *f = cls;
	if (!f->host[0])
		bst_str_copy(f->host, sizeof f->host, host);
}

int bst_cli_open_platform(struct bst_cli *c, const char *slug)
{
	if (bst_cli_open(c) != 0)
		return -1;
	char err[600];
	if (bst_platform_open(c->install, slug, &c->platform, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		return -1;
	}
	c->arena = bst_arena_new();
	struct bst_ctx *x = &c->ctx;
	x->install = c->install;
	x->config = &c->cfg;
	x->platform = c->platform;
	x->actor = BST_ACTOR_OPERATOR;
	x->client_addr = "cli";
	x->user_agent = "bastide-cli";
	x->now = bst_now_ms();
	x->arena = c->arena;
	if (bst_q_settings_get(c->platform->main, &x->settings) != BST_QS_ONE_RESULT) {
		bst_cli_error("cannot read the settings of platform %s", slug);
		return -1;
	}
	/* links point at the platform's first host name, on the port people use */
	struct first_host f = {""};
	bst_q_platform_hosts(c->install->control, c->platform->id, take_first, &f);
	unsigned port = c->cfg.public_port;
	if (!port) {
		const char *colon = strrchr(c->cfg.listen, ':');
		port = colon ? (unsigned)atoi(colon + 1) : 0;
	}
	bool https = strcmp(c->cfg.public_scheme, "https") == 0;
	bool default_port = port == 0 || (https && port == 443) || (!https && port == 80);
	x->base_url = default_port
			      ? bst_arena_printf(c->arena, "%s://%s", c->cfg.public_scheme, f.host)
			      : bst_arena_printf(c->arena, "%s://%s:%u", c->cfg.public_scheme,
						 f.host, port);
	return 0;
}

void bst_cli_close(struct bst_cli *c)
{
	bst_platform_close(c->platform);
	bst_install_close(c->install);
	bst_arena_free(c->arena);
	c->platform = NULL;
	c->install = NULL;
	c->arena = NULL;
}
