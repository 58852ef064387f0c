/* bastide platform offboard: the end of a contract (issue 6). The final
 * export — `bastide export` itself, with the options given here — must be
 * written (and pushed, with --to) before anything else happens; then the
 * platform is closed to its users (suspended) and destroyed by `bastide
 * serve` when its notice period ends (src/ops/destroy.c), unless the
 * offboarding is cancelled meanwhile. The platform's administrators and
 * its security contact are told of both (src/ops/notice.h). */
#include "cli/common.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "db/queries.h"
#include "ops/destroy.h"
#include "ops/notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTICE_DAYS_MAX 365
#define ARGS_MAX 64

static const char usage[] =
	"Usage: bastide platform offboard SLUG [--notice-days N] --output FILE\n"
	"                        (--recipient KEYFILE | --passphrase-file FILE)\n"
	"                        [--to URL TRANSFER-OPTIONS]\n"
	"       bastide platform offboard SLUG --cancel\n"
	"Options common to all: --data DIR (or BASTIDE_DATA), --config FILE.\n"
	"Runs the final export as `bastide export` does with the same options (see\n"
	"bastide export --help; it must be encrypted for the client), and once it is\n"
	"written — and delivered, with --to — closes the platform to its users and\n"
	"starts a notice period (default 21 days, at most 365). When it ends, a\n"
	"running `bastide serve` destroys the platform (bastide platform destroy).\n"
	"--cancel, during the notice, gives the platform back to its users.\n";

/* Tells the platform's administrators and security contact. when: the
 * destruction's time (ISO), or NULL when the offboarding was cancelled. */
static void notify(struct bst_cli *c, const struct bst_platform_row *row, const char *when)
{
	struct bst_notice_to *to = calloc(1, sizeof *to);
	char subject[400], *body = NULL;
	if (!to)
		return;
	bst_notice_recipients(c->install, c->platform, row->id, to);
	if (when) {
		snprintf(subject, sizeof subject, "%s: the platform is closed and will be destroyed",
			 row->name);
		if (asprintf(&body,
			     "Hello,\n\nAs your contract ends, the final export of the platform "
			     "\"%s\" (%s) was made and the platform is now closed to its users.\n\n"
			     "It will be destroyed after %s (UTC): its databases, its documents, its "
			     "backups and its data key. Until then the operator can cancel this and "
			     "open the platform again: ask them if this is a mistake.\n",
			     row->name, row->slug, when) < 0)
			body = NULL;
	} else {
		snprintf(subject, sizeof subject, "%s: the offboarding was cancelled", row->name);
		if (asprintf(&body,
			     "Hello,\n\nThe offboarding of the platform \"%s\" (%s) was cancelled: "
			     "it is open to its users again and will not be destroyed.\n",
			     row->name, row->slug) < 0)
			body = NULL;
	}
	if (body)
		bst_notice_send(c->install, to, subject, body, bst_now_ms());
	free(body);
	free(to);
}

static int cancel(struct bst_cli *c, const char *slug)
{
	if (bst_cli_open_platform(c, slug) != 0)
		return BST_EXIT_FAIL;
	struct bst_platform_row row;
	if (bst_q_platform_get(c->install->control, slug, &row) != BST_QS_ONE_RESULT ||
	    !row.destroy_after_ms) {
		bst_cli_error("platform %s is not being offboarded", slug);
		return BST_EXIT_FAIL;
	}
	if (bst_q_platform_set_offboarding(c->install->control, slug, 0, bst_now_ms()) < 0) {
		bst_cli_error("cannot change platform %s", slug);
		return BST_EXIT_FAIL;
	}
	bst_audit_record(&c->ctx, "platform.offboard.cancel", slug, NULL);
	notify(c, &row, NULL);
	printf("Offboarding of %s cancelled: the platform is open to its users again.\n", slug);
	return BST_EXIT_OK;
}

int bst_cmd_offboard(int argc, char **argv)
{
	/* argv: "offboard" SLUG [options]; ours are taken out, the rest go to
	 * export as they are */
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
			fputs(usage, stdout);
			return BST_EXIT_OK;
		}
		return bst_cli_usage(usage);
	}
	const char *slug = argv[1];
	bool do_cancel = false;
	long days = BST_OFFBOARD_NOTICE_DAYS;
	struct bst_cli c;
	bst_cli_init(&c);
	char *xargv[ARGS_MAX + 4];
	int xargc = 0;
	xargv[xargc++] = "export";
	xargv[xargc++] = "--platform";
	xargv[xargc++] = (char *)slug;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--cancel") == 0) {
			do_cancel = true;
		} else if (strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return BST_EXIT_OK;
		} else if (strcmp(a, "--notice-days") == 0 && i + 1 < argc) {
			char *end;
			days = strtol(argv[++i], &end, 10);
			if (*end || days < 1 || days > NOTICE_DAYS_MAX) {
				bst_cli_error("--notice-days takes a number of days from 1 to %d",
					      NOTICE_DAYS_MAX);
				return BST_EXIT_USAGE;
			}
		} else if (strcmp(a, "--insecure-plaintext") == 0 || strcmp(a, "--sql") == 0 ||
			   strcmp(a, "--push") == 0 || strcmp(a, "--platform") == 0) {
			bst_cli_error("the final export is the whole archive, encrypted for the "
				      "client: %s is not for offboarding",
				      a);
			return BST_EXIT_USAGE;
		} else if (xargc < ARGS_MAX) {
			if (strcmp(a, "--data") == 0 && i + 1 < argc)
				c.data = argv[i + 1];
			else if (strcmp(a, "--config") == 0 && i + 1 < argc)
				c.config = argv[i + 1];
			xargv[xargc++] = (char *)a;
		} else {
			return bst_cli_usage(usage);
		}
	}
	xargv[xargc] = NULL;
	if (do_cancel) {
		int rc = cancel(&c, slug);
		bst_cli_close(&c);
		return rc;
	}
	/* not twice, and not for a platform that does not exist */
	if (bst_cli_open_platform(&c, slug) != 0) {
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	struct bst_platform_row row;
	if (bst_q_platform_get(c.install->control, slug, &row) == BST_QS_ONE_RESULT &&
	    row.destroy_after_ms) {
		char when[40];
		bst_time_format_iso(row.destroy_after_ms, when, sizeof when);
		bst_cli_error("platform %s is being offboarded already (destroyed after %s)", slug,
			      when);
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	/* the final export, by the export command itself */
	optind = 0;
	int rc = bst_cmd_export(xargc, xargv);
	if (rc != BST_EXIT_OK) {
		bst_cli_error("the final export was not delivered: platform %s is unchanged", slug);
		bst_cli_close(&c);
		return rc;
	}
	int64_t now = bst_now_ms();
	int64_t after = now + (int64_t)days * 24 * 3600 * 1000;
	if (bst_q_platform_set_offboarding(c.install->control, slug, after, now) < 0) {
		bst_cli_error("the export is delivered, but platform %s could not be closed", slug);
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	char when[40];
	bst_time_format_iso(after, when, sizeof when);
	bst_audit_record(&c.ctx, "platform.offboard", slug,
			 json_pack("{si ss}", "notice_days", (int)days, "destroy_after", when));
	notify(&c, &row, when);
	printf("Platform %s is closed to its users; it will be destroyed after %s unless\n"
	       "`bastide platform offboard %s --cancel` is run before.\n",
	       slug, when, slug);
	bst_cli_close(&c);
	return BST_EXIT_OK;
}
