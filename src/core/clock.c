/* Time (see clock.h). */
#include "core/clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BST_TEST_CLOCK
static int64_t test_offset(void)
{
	const char *path = getenv("BASTIDE_TEST_CLOCK");
	if (!path)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long long off = 0;
	if (fscanf(f, "%lld", &off) != 1)
		off = 0;
	fclose(f);
	return off;
}
#endif

int64_t bst_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#ifdef BST_TEST_CLOCK
	ms += test_offset();
#endif
	return ms;
}

void bst_time_format_iso(int64_t ms, char *out, size_t outlen)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

void bst_sleep_ms(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int64_t bst_time_parse_utc(const char *s, bool *date_only)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	bool bare = false;
	if (!end || *end) {
		memset(&tm, 0, sizeof tm);
		end = strptime(s, "%Y-%m-%d", &tm);
		if (!end || *end)
			return -1;
		bare = true;
	}
	time_t t = timegm(&tm);
	if (t < 0)
		return -1;
	if (date_only)
		*date_only = bare;
	return (int64_t)t * 1000;
}
