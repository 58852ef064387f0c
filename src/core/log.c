/* The process log (see log.h). */
#include "core/log.h"
#include "core/clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static enum bst_log_level log_min = BST_LOG_INFO;

void bst_log_set_level(enum bst_log_level min)
{
	log_min = min;
}

void bst_log(enum bst_log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < log_min)
		return;
	char line[2048];
	char stamp[32];
	bst_time_format_iso(bst_now_ms(), stamp, sizeof stamp);
	int n = snprintf(line, sizeof line, "%s %s ", stamp, names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	/* a log line is one line: neutralise control characters */
	for (size_t i = (size_t)n; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}
