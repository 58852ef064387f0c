/* Sub-command dispatch and the top-level help. */
#include "cli/common.h"
#include "auth/totp.h"
#include "core/i18n.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"Usage: bastide COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  init       create a data directory (master key, control database)\n"
	"  serve      run the HTTP(S) server and the job scheduler\n"
	"  platform   create, list, show, suspend, resume platforms\n"
	"  user       create, list, disable, enable users; reset passwords\n"
	"  token      create, list, revoke personal access tokens\n"
	"  demo       create the demo platform (if missing) and print fresh credentials\n"
	"  audit      verify a platform's tamper-evident access log\n"
	"  backup     take, list, prune and verify encrypted backups\n"
	"  restore    put a platform back as it was at a past date\n"
	"  export     write a platform's data as portable SQL\n"
	"\n"
	"Every command accepts --help. Commands that use the data directory take\n"
	"--data DIR (or BASTIDE_DATA) and --config FILE (or BASTIDE_CONFIG).\n"
	"Exit status: 0 success, 1 failure, 2 usage error.\n";

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{"init", bst_cmd_init},         {"serve", bst_cmd_serve}, {"platform", bst_cmd_platform},
	{"user", bst_cmd_user},         {"token", bst_cmd_token}, {"demo", bst_cmd_demo},
	{"audit", bst_cmd_audit},       {"export", bst_cmd_export},
	{"backup", bst_cmd_backup},     {"restore", bst_cmd_restore},
};

int bst_cli_main(int argc, char **argv)
{
	/* commands talk to people on stdout; the log is for the server */
	if (argc < 2 || strcmp(argv[1], "serve") != 0)
		bst_log_set_level(BST_LOG_WARN);
	/* translations: BASTIDE_LOCALEDIR, else the build tree's, else installed */
	const char *localedir = getenv("BASTIDE_LOCALEDIR");
	struct stat st;
	if (!localedir)
		localedir = stat(BST_BUILD_LOCALEDIR, &st) == 0 ? BST_BUILD_LOCALEDIR : BST_LOCALEDIR;
	bst_i18n_init(localedir);
	if (bst_totp_init() != 0) {
		bst_cli_error("liboath failed to initialise");
		return BST_EXIT_FAIL;
	}
	if (argc < 2)
		return bst_cli_usage(usage);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return BST_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("bastide " BST_VERSION);
		return BST_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	bst_cli_error("unknown command '%s' (see bastide --help)", argv[1]);
	return BST_EXIT_USAGE;
}
