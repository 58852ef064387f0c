/* Content typing with libmagic (see magic.h). */
#include "core/magic.h"
#include "core/log.h"

#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void close_handle(void *m)
{
	magic_close(m);
}

static void make_key(void)
{
	pthread_key_create(&key, close_handle);
}

static magic_t handle(void)
{
	pthread_once(&once, make_key);
	magic_t m = pthread_getspecific(key);
	if (m)
		return m;
	/* no decompression, no following of anything: type the bytes given */
	m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF |
		       MAGIC_ERROR);
	if (!m || magic_load(m, NULL) != 0) {
		bst_log_error("libmagic cannot load its database: %s",
			      m ? magic_error(m) : "out of memory");
		if (m)
			magic_close(m);
		return NULL;
	}
	pthread_setspecific(key, m);
	return m;
}

int bst_magic_mime(const void *data, size_t len, char *out, size_t outlen)
{
	snprintf(out, outlen, "application/octet-stream");
	magic_t m = handle();
	if (!m)
		return -1;
	const char *t = magic_buffer(m, data, len < BST_MAGIC_PREFIX ? len : BST_MAGIC_PREFIX);
	if (t && strchr(t, '/'))
		snprintf(out, outlen, "%s", t);
	return 0;
}
