/* Time: UTC, Unix milliseconds, everywhere. In builds made with the
 * test_clock option, the file named by BASTIDE_TEST_CLOCK holds an offset in
 * milliseconds added to the real clock, so tests can move time forward
 * (idle timeouts, link expiry) without sleeping. Thread-safe. */
#ifndef BST_CORE_CLOCK_H
#define BST_CORE_CLOCK_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

int64_t bst_now_ms(void);
/* Sleeps ms milliseconds of the real clock (signals do not cut it short). */
void bst_sleep_ms(int64_t ms);
/* "2026-11-29T01:31:00.123Z" */
void bst_time_format_iso(int64_t ms, char *out, size_t outlen);
/* A time given on a command line, UTC: "YYYY-MM-DDTHH:MM:SSZ", or a bare
 * "YYYY-MM-DD" (its first millisecond; *date_only set, may be NULL). Unix
 * ms, or -1 when s is neither. */
int64_t bst_time_parse_utc(const char *s, bool *date_only);

#endif
