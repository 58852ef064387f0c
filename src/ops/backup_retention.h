/* Grandfather-father-son retention, as a pure function of the backups'
 * times. Periods are UTC: the daily backup of a day is the first backup
 * taken that day; the weekly of an ISO 8601 week (Monday to Sunday) is the
 * first backup taken that week; the monthly of a calendar month is the
 * first backup taken that month. Kept: the dailies of the `daily` most
 * recent days that have a backup, the weeklies of the `weekly` most recent
 * weeks that have one, the monthlies of the `monthly` most recent months
 * that have one, and always the latest backup. One backup may be kept on
 * several counts (the first backup of a month is usually its week's and
 * its day's too). Thread-safe. */
#ifndef BST_OPS_BACKUP_RETENTION_H
#define BST_OPS_BACKUP_RETENTION_H
#include <stddef.h>
#include <stdint.h>

#define BST_KEEP_DAILY   1u
#define BST_KEEP_WEEKLY  2u
#define BST_KEEP_MONTHLY 4u
#define BST_KEEP_LATEST  8u

/* The defaults the Security Assurance Plan promises: 7 daily, 4 weekly
 * (with the monthlies, at least one month), 12 monthly (one year). */
#define BST_BACKUP_KEEP_DAILY   7
#define BST_BACKUP_KEEP_WEEKLY  4
#define BST_BACKUP_KEEP_MONTHLY 12

struct bst_retention {
	unsigned daily, weekly, monthly;
};

/* times_ms[0..n) in ascending order; sets kinds[i] to the BST_KEEP_* bits
 * for which backup i is kept (0: it falls out). */
void bst_retention_apply(const int64_t *times_ms, size_t n, const struct bst_retention *r,
			 unsigned *kinds);
/* "daily", "weekly", "monthly", "latest": the longest-kept of kinds, or
 * "expired". */
const char *bst_retention_kind(unsigned kinds);

#endif
