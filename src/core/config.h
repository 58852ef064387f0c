/* The configuration file: what the process needs before any database is
 * open (listen addresses, data directory, trusted proxies, SMTP relay,
 * limits). One INI file read with libinih; everything per platform lives
 * in the databases. Read once at start-up, then read-only: thread-safe. */
#ifndef BST_CORE_CONFIG_H
#define BST_CORE_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

#define BST_MAX_TRUSTED_PROXIES 16
#define BST_MAX_BACKUP_TARGETS 8
#define BST_TARGET_NAME_MAX 32

/* [target NAME]: an off-site copy of the backups (see docs/backups.md).
 * The file only holds the words; ops/backup_target.c checks that they
 * make a usable target. */
struct bst_target_conf {
	char name[BST_TARGET_NAME_MAX + 1]; /* [a-z0-9_-], from the section's title */
	char url[1200];       /* "sftp://USER@HOST[:PORT]/DIR" or "/ABSOLUTE/DIR" */
	char ssh_key[512];    /* sftp: an unencrypted ed25519 private key */
	char host_key_sha256[64]; /* sftp: the server's host key, as ssh-keygen -lf prints it */
	char provider[128];   /* who hosts it: shown to the operator and in reports */
	char region[128];     /* where: "EU (France, Roubaix)" */
};

struct bst_config {
	char data_dir[512];
	char listen[128];           /* "127.0.0.1:8080" */
	char tls_listen[128];       /* "" = no HTTPS listener */
	char tls_cert[512];
	char tls_key[512];
	unsigned threads;           /* 0 = one per core */
	unsigned max_connections;
	unsigned per_ip_connections;
	unsigned timeout_s;         /* idle connection timeout (slow clients) */
	size_t max_body;            /* bytes; larger bodies get 413 */
	size_t max_header;          /* MHD connection memory for headers */
	unsigned login_rate_per_min; /* per client address */
	char trusted_proxies[BST_MAX_TRUSTED_PROXIES][64];
	size_t n_trusted_proxies;
	char smtp_url[512];         /* "" = print mail to the log */
	char smtp_user[128];
	char smtp_password[256];
	char smtp_from[256];
	char public_scheme[8];      /* scheme used in links: http or https */
	unsigned public_port;       /* port used in links (0 = default) */
	/* [meetings]: the Jitsi server of the video meetings application and
	 * where it is hosted, which platform administrators see before they
	 * switch the application on */
	char meetings_url[512];     /* "https://meet.example.org", no trailing /; "" = none */
	char meetings_provider[128];
	char meetings_region[128];  /* "EU (France)" */
	/* [audit]: the access trail */
	bool audit_log_static;      /* trace requests for /static/ assets too */
	unsigned audit_retention_days; /* >= BST_AUDIT_RETENTION_MIN_DAYS */
	char audit_syslog[256];        /* "udp://ADDRESS:PORT", "unix:/PATH"; "" = off */
	/* [documents] max_file_mb: the largest file one upload may carry, in
	 * MB (10^6 bytes), 1 to BST_CONFIG_FILE_MB_MAX; 0 = the default of the
	 * documents service (100 MB) */
	unsigned doc_max_file_mb;
	/* [backup]: the daily backup the scheduler of `serve` takes (when
	 * enabled) at hour:minute UTC, and how many of each kind prune keeps */
	bool backup_enabled;
	unsigned backup_hour, backup_minute;
	unsigned backup_daily, backup_weekly, backup_monthly;
	/* the restore drill: every this many days (0 = never), the scheduler
	 * verifies the latest backup of every scope from every target */
	unsigned backup_drill_days;
	struct bst_target_conf targets[BST_MAX_BACKUP_TARGETS];
	size_t n_targets;
};
/* A file travels in one upload body, which is at most 2 GiB
 * (BST_UPLOAD_BODY_MAX): 2000 MB leaves room for the form around it. */
#define BST_CONFIG_FILE_MB_MAX 2000

/* The rolling year of traces the design promises, and the floor below
 * which an installation may not go: six months (183 days), the shortest
 * retention of connection logs the CNIL recommends (délibération
 * 2021-122, logging). */
#define BST_AUDIT_RETENTION_DEFAULT_DAYS 365
#define BST_AUDIT_RETENTION_MIN_DAYS 183

void bst_config_defaults(struct bst_config *c);
/* The target named name, or NULL. */
const struct bst_target_conf *bst_config_target(const struct bst_config *c, const char *name);
/* Returns 0, or -1 with a sentence in err. */
int bst_config_load(struct bst_config *c, const char *path, char *err, size_t errlen);

#endif
