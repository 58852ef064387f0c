/* SHA-256 through libgcrypt (see sha256.h). */
#include "core/sha256.h"

#include <gcrypt.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	/* hashing only: no secure memory needed */
	gcry_check_version(NULL);
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}

int bst_sha256_init(struct bst_sha256 *s)
{
	pthread_once(&once, init);
	gcry_md_hd_t md = NULL;
	if (gcry_md_open(&md, GCRY_MD_SHA256, 0) != 0)
		md = NULL;
	s->md = md;
	return md ? 0 : -1;
}

void bst_sha256_update(struct bst_sha256 *s, const void *data, size_t len)
{
	if (s->md && len)
		gcry_md_write((gcry_md_hd_t)s->md, data, len);
}

void bst_sha256_final(struct bst_sha256 *s, unsigned char out[BST_SHA256_BYTES])
{
	memset(out, 0, BST_SHA256_BYTES);
	if (!s->md)
		return;
	const unsigned char *d = gcry_md_read((gcry_md_hd_t)s->md, GCRY_MD_SHA256);
	if (d)
		memcpy(out, d, BST_SHA256_BYTES);
	gcry_md_close((gcry_md_hd_t)s->md);
	s->md = NULL;
}

void bst_sha256_final_hex(struct bst_sha256 *s, char out[2 * BST_SHA256_BYTES + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[BST_SHA256_BYTES];
	bst_sha256_final(s, d);
	for (size_t i = 0; i < BST_SHA256_BYTES; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * BST_SHA256_BYTES] = '\0';
}
