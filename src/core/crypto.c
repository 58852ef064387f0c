/* Crypto wrappers over libsodium (see crypto.h). */
#include "core/crypto.h"

#include <sodium.h>
#include <string.h>

int bst_crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void bst_random(void *out, size_t len)
{
	randombytes_buf(out, len);
}

void bst_token_new(char out[BST_TOKEN_CHARS + 1])
{
	uint8_t raw[BST_TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	bst_b64url_encode(raw, sizeof raw, out, BST_TOKEN_CHARS + 1);
	sodium_memzero(raw, sizeof raw);
}

void bst_token_hash(const char *token, uint8_t out[BST_HASH_BYTES])
{
	crypto_generichash(out, BST_HASH_BYTES, (const unsigned char *)token, strlen(token),
			   NULL, 0);
}

void bst_mac(const uint8_t *key, size_t keylen, const void *msg, size_t len,
	     uint8_t out[BST_HASH_BYTES])
{
	crypto_generichash(out, BST_HASH_BYTES, msg, len, key, keylen);
}

bool bst_consttime_eq(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

size_t bst_b64url_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	size_t need = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (outlen < need) {
		if (outlen)
			out[0] = '\0';
		return 0;
	}
	sodium_bin2base64(out, outlen, in, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return strlen(out);
}

long bst_b64url_decode(const char *in, size_t len, uint8_t *out, size_t outlen)
{
	size_t n = 0;
	const char *end = NULL;
	if (sodium_base642bin(out, outlen, in, len, NULL, &n, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != in + len)
		return -1;
	return (long)n;
}

void bst_hex(const uint8_t *in, size_t len, char *out)
{
	sodium_bin2hex(out, 2 * len + 1, in, len);
}

void bst_key_wrap(const uint8_t kek[BST_KEY_BYTES], const uint8_t key[BST_KEY_BYTES],
		  const char *ad, uint8_t out[BST_WRAPPED_BYTES])
{
	randombytes_buf(out, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 24, NULL, key, BST_KEY_BYTES,
						   (const unsigned char *)ad, strlen(ad), NULL,
						   out, kek);
}

int bst_key_unwrap(const uint8_t kek[BST_KEY_BYTES], const uint8_t in[BST_WRAPPED_BYTES],
		   const char *ad, uint8_t key[BST_KEY_BYTES])
{
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
		       key, NULL, NULL, in + 24, BST_WRAPPED_BYTES - 24,
		       (const unsigned char *)ad, strlen(ad), in, kek) == 0
		       ? 0
		       : -1;
}

void bst_seal_hex(const uint8_t key[BST_KEY_BYTES], const char *ad, const uint8_t *in,
		  size_t len, char *out)
{
	size_t total = 24 + len + 16;
	uint8_t *buf = sodium_malloc(total);
	if (!buf) {
		out[0] = '\0';
		return;
	}
	randombytes_buf(buf, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + 24, NULL, in, len,
						   (const unsigned char *)ad, strlen(ad), NULL,
						   buf, key);
	sodium_bin2hex(out, 2 * total + 1, buf, total);
	sodium_free(buf);
}

long bst_open_hex(const uint8_t key[BST_KEY_BYTES], const char *ad, const char *hex,
		  uint8_t *out, size_t outlen)
{
	size_t hexlen = strlen(hex);
	size_t total = hexlen / 2;
	if (hexlen % 2 || total < 24 + 16 || total - 24 - 16 > outlen)
		return -1;
	uint8_t *buf = sodium_malloc(total);
	if (!buf)
		return -1;
	size_t got = 0;
	long rc = -1;
	unsigned long long plain = 0;
	if (sodium_hex2bin(buf, total, hex, hexlen, NULL, &got, NULL) == 0 && got == total &&
	    crypto_aead_xchacha20poly1305_ietf_decrypt(out, &plain, NULL, buf + 24, total - 24,
						       (const unsigned char *)ad, strlen(ad),
						       buf, key) == 0)
		rc = (long)plain;
	sodium_free(buf);
	return rc;
}
