/* bastide platform: create, list, show, suspend, resume, set-quota,
 * set-contact, destroy, reports. */
#include "cli/common.h"
#include "auth/account.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "db/queries.h"
#include "ops/destroy.h"
#include "tenant/contact.h"
#include "social/documents.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: bastide platform create SLUG --host HOST [--host HOST...] --name NAME\n"
	"                               --admin-email EMAIL [--admin-name NAME] [--lang fr|en]\n"
	"       bastide platform list\n"
	"       bastide platform show SLUG\n"
	"       bastide platform suspend SLUG\n"
	"       bastide platform resume SLUG\n"
	"       bastide platform set-quota SLUG --gb N\n"
	"       bastide platform set-contact SLUG --name NAME --email EMAIL [--phone PHONE]\n"
	"       bastide platform offboard SLUG ... (see bastide platform offboard --help)\n"
	"       bastide platform destroy SLUG --confirm SLUG\n"
	"       bastide platform reports [SLUG]\n"
	"Options common to all: --data DIR (or BASTIDE_DATA), --config FILE.\n"
	"create prints a one-time activation link for the first administrator.\n"
	"A suspended platform answers 503 with a maintenance page; nothing else is affected.\n"
	"set-quota sets how much the platform's documents may hold, in GB (10^9 bytes;\n"
	"decimals allowed, e.g. 0.5); the default is 10.\n"
	"set-contact sets the platform's security contact (the client's security\n"
	"correspondent): its administrators see it; it gets the destruction report.\n"
	"destroy removes the platform for good: its data key first (every copy of its\n"
	"data becomes unreadable), then its databases, documents and local backups;\n"
	"it prints a report signed with the installation's key, keeps it and mails it\n"
	"to the platform's administrators and security contact. --confirm repeats the slug.\n"
	"reports prints the destruction reports (JSON lines, with their signature).\n";

static void print_host(void *cls, const char *host, int64_t id)
{
	printf("%s%s", *(int *)cls ? ", " : "", host);
	(*(int *)cls)++;
}

static void list_one(void *cls, const struct bst_platform_row *p)
{
	struct bst_cli *c = cls;
	char when[40];
	bst_time_format_iso(p->created_ms, when, sizeof when);
	printf("%-20s %-10s %-24s ", p->slug, p->suspended ? "suspended" : "active", when);
	int n = 0;
	bst_q_platform_hosts(c->install->control, p->id, print_host, &n);
	printf("  %s\n", p->name);
}

static int create(struct bst_cli *c, const char *slug, const char **hosts, size_t n_hosts,
		  const char *name, const char *email, const char *admin_name, const char *lang)
{
	char err[600];
	if (!name || !email || n_hosts == 0) {
		bst_cli_error("platform create needs --host, --name and --admin-email");
		return BST_EXIT_USAGE;
	}
	if (lang && strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0) {
		bst_cli_error("--lang must be fr or en");
		return BST_EXIT_USAGE;
	}
	if (bst_cli_open(c) != 0)
		return BST_EXIT_FAIL;
	if (bst_platform_create(c->install, slug, name, hosts, n_hosts, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		return BST_EXIT_FAIL;
	}
	bst_install_close(c->install);
	c->install = NULL;
	if (bst_cli_open_platform(c, slug) != 0)
		return BST_EXIT_FAIL;
	if (lang) {
		struct bst_settings s = c->ctx.settings;
		snprintf(s.default_lang, sizeof s.default_lang, "%s", lang);
		bst_settings_update(&c->ctx, &s);
	}
	char link[BST_LINK_MAX];
	enum bst_account_status st = bst_account_create(&c->ctx, email, admin_name ? admin_name : email,
							"admin", link);
	if (st != BST_ACC_OK) {
		bst_cli_error("platform %s was created, but not its administrator: %s", slug,
			      bst_account_text(st));
		return BST_EXIT_FAIL;
	}
	printf("Platform %s created.\nActivation link for %s (valid 72 hours, single use):\n%s\n",
	       slug, email, link);
	return BST_EXIT_OK;
}

static int show(struct bst_cli *c, const char *slug)
{
	if (bst_cli_open_platform(c, slug) != 0)
		return BST_EXIT_FAIL;
	struct bst_platform_row p;
	bst_q_platform_get(c->install->control, slug, &p);
	const struct bst_settings *s = &c->ctx.settings;
	char when[40];
	bst_time_format_iso(p.created_ms, when, sizeof when);
	printf("slug:               %s\nname:               %s\nstatus:             %s\n",
	       p.slug, p.name,
	       p.destroy_after_ms ? "closed (offboarding)" : p.suspended ? "suspended" : "active");
	if (p.destroy_after_ms) {
		char after[40];
		bst_time_format_iso(p.destroy_after_ms, after, sizeof after);
		printf("destroyed after:    %s\n", after);
	}
	printf("created:            %s\nhosts:              ", when);
	int n = 0;
	bst_q_platform_hosts(c->install->control, p.id, print_host, &n);
	printf("\nregistration:       %s%s%s\nsecond factor for:  %s\n"
	       "session idle limit: %lld s\nsession lifetime:   %lld s\n"
	       "default language:   %s\ndemo:               %s\nschema version:     %d\n"
	       "users:              ",
	       s->registration, s->registration_domains[0] ? " for " : "",
	       s->registration_domains, s->mfa_policy, (long long)s->idle_timeout_s,
	       (long long)s->absolute_timeout_s, s->default_lang, s->demo ? "yes" : "no",
	       bst_db_schema_version(c->platform->main));
	int64_t admins = bst_q_user_count_active_admins(c->platform->main);
	printf("%lld active administrator(s)\n", (long long)admins);
	int64_t quota = 0, used = 0;
	if (bst_doc_quota(&c->ctx, &quota, &used) == BST_DOC_OK)
		printf("documents:          %.3f GB used of %.3f GB\n", (double)used / 1e9,
		       (double)quota / 1e9);
	struct bst_contact_row contact;
	switch (bst_contact_get(&c->ctx, &contact)) {
	case 1:
		printf("security contact:   %s <%s>%s%s\n", contact.name, contact.email,
		       contact.phone[0] ? ", " : "", contact.phone);
		break;
	case 0:
		printf("security contact:   none (bastide platform set-contact %s ...)\n", slug);
		break;
	default:
		printf("security contact:   (cannot be read)\n");
	}
	return BST_EXIT_OK;
}

static int set_contact(struct bst_cli *c, const char *slug, const char *name, const char *email,
		       const char *phone)
{
	if (!name || !email) {
		bst_cli_error("set-contact needs --name and --email (and --phone, optional)");
		return BST_EXIT_USAGE;
	}
	if (bst_cli_open_platform(c, slug) != 0)
		return BST_EXIT_FAIL;
	char err[300];
	if (bst_contact_set(&c->ctx, name, email, phone, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		return BST_EXIT_FAIL;
	}
	struct bst_contact_row contact;
	bst_contact_get(&c->ctx, &contact);
	printf("Platform %s: security contact %s <%s>%s%s.\n", slug, contact.name, contact.email,
	       contact.phone[0] ? ", " : "", contact.phone);
	return BST_EXIT_OK;
}

/* --gb N: a positive decimal number of GB (10^9 bytes); bytes or -1. */
static int64_t gb_bytes(const char *arg)
{
	char *end;
	double gb = arg ? strtod(arg, &end) : 0;
	if (!arg || end == arg || *end || !isfinite(gb) || gb <= 0 ||
	    gb > (double)BST_DOC_QUOTA_MAX / 1e9)
		return -1;
	int64_t bytes = (int64_t)(gb * 1e9 + 0.5);
	return bytes < 1 ? -1 : bytes;
}

static int set_quota(struct bst_cli *c, const char *slug, const char *gb)
{
	int64_t bytes = gb_bytes(gb);
	if (bytes < 0) {
		bst_cli_error("set-quota needs --gb N, a number of GB greater than 0 and at most "
			      "1000000 (decimals allowed)");
		return BST_EXIT_USAGE;
	}
	if (bst_cli_open_platform(c, slug) != 0)
		return BST_EXIT_FAIL;
	enum bst_doc_status st = bst_doc_quota_set(&c->ctx, bytes);
	if (st != BST_DOC_OK) {
		bst_cli_error("cannot set the quota of platform %s: %s", slug, bst_doc_text(st));
		return BST_EXIT_FAIL;
	}
	int64_t quota = 0, used = 0;
	bst_doc_quota(&c->ctx, &quota, &used);
	printf("Platform %s: documents may hold %.3f GB (%lld bytes); they hold %.3f GB.\n", slug,
	       (double)bytes / 1e9, (long long)bytes, (double)used / 1e9);
	return BST_EXIT_OK;
}

static int set_status(struct bst_cli *c, const char *slug, bool suspend)
{
	if (bst_cli_open_platform(c, slug) != 0)
		return BST_EXIT_FAIL;
	if (bst_q_platform_set_status(c->install->control, slug, suspend, bst_now_ms()) < 0) {
		bst_cli_error("cannot change the status of platform %s", slug);
		return BST_EXIT_FAIL;
	}
	printf("Platform %s %s.\n", slug, suspend ? "suspended" : "resumed");
	return BST_EXIT_OK;
}

static void print_report(void *cls, const struct bst_destruction_row *r)
{
	json_t *j = json_pack("{sI ss so ss ss}", "id", (json_int_t)r->id, "slug", r->slug,
			      "report", json_loads(r->report, 0, NULL), "signature", r->signature,
			      "public_key", r->public_key);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (s)
		puts(s);
	free(s);
	json_decref(j);
}

static int destroy(struct bst_cli *c, const char *slug, const char *confirm)
{
	if (!confirm || strcmp(confirm, slug) != 0) {
		bst_cli_error("destroying is for good: repeat the platform's slug with "
			      "--confirm %s",
			      slug);
		return BST_EXIT_USAGE;
	}
	if (bst_cli_open(c) != 0)
		return BST_EXIT_FAIL;
	char *report = NULL, err[300];
	if (bst_platform_destroy(c->install, &c->cfg, c->install->dir, slug, bst_now_ms(),
				 &report, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		return BST_EXIT_FAIL;
	}
	printf("%s\n", report);
	free(report);
	return BST_EXIT_OK;
}

int bst_cmd_platform(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"host", required_argument, NULL, 'H'},
					     {"name", required_argument, NULL, 'n'},
					     {"admin-email", required_argument, NULL, 'e'},
					     {"admin-name", required_argument, NULL, 'a'},
					     {"lang", required_argument, NULL, 'L'},
					     {"gb", required_argument, NULL, 'g'},
					     {"confirm", required_argument, NULL, 'c'},
					     {"email", required_argument, NULL, 'E'},
					     {"phone", required_argument, NULL, 'P'},
					     {0, 0, 0, 0}};
	/* offboard has its own grammar (it passes export's options through) */
	if (argc > 1 && strcmp(argv[1], "offboard") == 0)
		return bst_cmd_offboard(argc - 1, argv + 1);
	struct bst_cli c;
	bst_cli_init(&c);
	const char *hosts[BST_MAX_HOSTS];
	size_t n_hosts = 0;
	const char *name = NULL, *email = NULL, *admin_name = NULL, *lang = NULL, *gb = NULL;
	const char *confirm = NULL, *contact_email = NULL, *phone = NULL;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'H':
			if (n_hosts == BST_MAX_HOSTS) {
				bst_cli_error("at most %d host names", BST_MAX_HOSTS);
				return BST_EXIT_USAGE;
			}
			hosts[n_hosts++] = optarg;
			break;
		case 'n': name = optarg; break;
		case 'e': email = optarg; break;
		case 'a': admin_name = optarg; break;
		case 'L': lang = optarg; break;
		case 'g': gb = optarg; break;
		case 'c': confirm = optarg; break;
		case 'E': contact_email = optarg; break;
		case 'P': phone = optarg; break;
		default:
			return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	const char *verb = optind < argc ? argv[optind] : NULL;
	const char *slug = optind + 1 < argc ? argv[optind + 1] : NULL;
	int rc;
	if (!verb)
		return bst_cli_usage(usage);
	if (strcmp(verb, "reports") == 0 && optind + 2 >= argc) {
		if (bst_cli_open(&c) != 0)
			return BST_EXIT_FAIL;
		rc = bst_q_destruction_each(c.install->control, slug, print_report, NULL) < 0
			 ? BST_EXIT_FAIL
			 : BST_EXIT_OK;
	} else if (strcmp(verb, "list") == 0 && !slug) {
		if (bst_cli_open(&c) != 0)
			return BST_EXIT_FAIL;
		rc = bst_q_platform_each(c.install->control, list_one, &c) < 0 ? BST_EXIT_FAIL
									     : BST_EXIT_OK;
	} else if (!slug || optind + 2 != argc) {
		return bst_cli_usage(usage);
	} else if (strcmp(verb, "create") == 0) {
		rc = create(&c, slug, hosts, n_hosts, name, email, admin_name, lang);
	} else if (strcmp(verb, "show") == 0) {
		rc = show(&c, slug);
	} else if (strcmp(verb, "set-quota") == 0) {
		rc = set_quota(&c, slug, gb);
	} else if (strcmp(verb, "set-contact") == 0) {
		rc = set_contact(&c, slug, name, contact_email, phone);
	} else if (strcmp(verb, "destroy") == 0) {
		rc = destroy(&c, slug, confirm);
	} else if (strcmp(verb, "suspend") == 0 || strcmp(verb, "resume") == 0) {
		rc = set_status(&c, slug, strcmp(verb, "suspend") == 0);
	} else {
		bst_cli_error("unknown platform command '%s'", verb);
		return bst_cli_usage(usage);
	}
	bst_cli_close(&c);
	return rc;
}
