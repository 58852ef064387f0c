/* Shared by the sub-commands: the data directory and configuration
 * options, opening the installation and a platform, the operator's
 * context, and printing errors in one sentence. */
#ifndef BST_CLI_COMMON_H
#define BST_CLI_COMMON_H
#include <getopt.h>
#include <stdbool.h>

#include "cli/cli.h"
#include "core/config.h"
#include "tenant/context.h"

/* Options every command taking the data directory accepts. */
#define BST_CLI_COMMON_OPTS                                                                  \
	{"data", required_argument, NULL, 'D'}, {"config", required_argument, NULL, 'C'},    \
		{"help", no_argument, NULL, 'h'}

struct bst_cli {
	const char *data;   /* --data, else BASTIDE_DATA */
	const char *config; /* --config, else BASTIDE_CONFIG */
	struct bst_config cfg;
	struct bst_install *install;
	struct bst_platform *platform;
	struct bst_ctx ctx;
	bst_arena *arena;
};

void bst_cli_init(struct bst_cli *c);
/* The next option of the command line for the command to handle (its
 * short code, optarg set), after consuming the common ones (--data,
 * --config). At the end: BST_CLI_OPTS_DONE; after --help (usage printed on
 * stdout): BST_CLI_OPTS_HELP; after an unknown option (usage on stderr):
 * BST_CLI_OPTS_BAD. Use bst_cli_opts_exit for the exit status of the last
 * two. */
#define BST_CLI_OPTS_DONE 0
#define BST_CLI_OPTS_HELP (-1)
#define BST_CLI_OPTS_BAD (-2)
int bst_cli_next_opt(struct bst_cli *c, int argc, char **argv, const struct option *opts,
		     const char *usage);
int bst_cli_opts_exit(int status);
/* Loads the configuration and opens the installation; prints the error. */
int bst_cli_open(struct bst_cli *c);
/* Also opens platform slug and builds the operator's context. */
int bst_cli_open_platform(struct bst_cli *c, const char *slug);
void bst_cli_close(struct bst_cli *c);
void bst_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int bst_cli_usage(const char *usage); /* prints to stderr, returns 2 */

int bst_cmd_init(int argc, char **argv);
int bst_cmd_serve(int argc, char **argv);
int bst_cmd_platform(int argc, char **argv);
int bst_cmd_user(int argc, char **argv);
int bst_cmd_token(int argc, char **argv);
int bst_cmd_demo(int argc, char **argv);
int bst_cmd_audit(int argc, char **argv);
int bst_cmd_export(int argc, char **argv);
int bst_cmd_offboard(int argc, char **argv); /* bastide platform offboard */
int bst_cmd_backup(int argc, char **argv);
int bst_cmd_restore(int argc, char **argv);

#endif
