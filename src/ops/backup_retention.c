/* Grandfather-father-son retention (see backup_retention.h). */
#include "ops/backup_retention.h"

#include <time.h>

static int64_t day_of(int64_t ms)
{
	return ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
}

/* ISO 8601 week: year * 100 + week, from strftime's %G and %V. */
static int64_t week_of(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char buf[16];
	strftime(buf, sizeof buf, "%G%V", &tm);
	int64_t v = 0;
	for (const char *p = buf; *p; p++)
		v = v * 10 + (*p - '0');
	return v;
}

static int64_t month_of(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	return (int64_t)tm.tm_year * 12 + tm.tm_mon;
}

/* Marks with bit the first backup of each of the `count` most recent
 * periods. */
static void keep_periods(const int64_t *times_ms, size_t n, unsigned count,
			 int64_t (*period)(int64_t), unsigned bit, unsigned *kinds)
{
	unsigned seen = 0;
	/* from the newest: a backup is the first of its period when the one
	 * before it (older) is in another period */
	for (size_t i = n; i-- > 0 && seen < count;) {
		int64_t p = period(times_ms[i]);
		if (i > 0 && period(times_ms[i - 1]) == p)
			continue;
		kinds[i] |= bit;
		seen++;
	}
}

void bst_retention_apply(const int64_t *times_ms, size_t n, const struct bst_retention *r,
			 unsigned *kinds)
{
	for (size_t i = 0; i < n; i++)
		kinds[i] = 0;
	if (n == 0)
		return;
	keep_periods(times_ms, n, r->daily, day_of, BST_KEEP_DAILY, kinds);
	keep_periods(times_ms, n, r->weekly, week_of, BST_KEEP_WEEKLY, kinds);
	keep_periods(times_ms, n, r->monthly, month_of, BST_KEEP_MONTHLY, kinds);
	kinds[n - 1] |= BST_KEEP_LATEST;
}

const char *bst_retention_kind(unsigned kinds)
{
	if (kinds & BST_KEEP_MONTHLY)
		return "monthly";
	if (kinds & BST_KEEP_WEEKLY)
		return "weekly";
	if (kinds & BST_KEEP_DAILY)
		return "daily";
	if (kinds & BST_KEEP_LATEST)
		return "latest";
	return "expired";
}
