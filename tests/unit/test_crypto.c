/* Unit tests for src/core/crypto.c: random tokens and their hashes,
 * base64url, key wrapping bound to a platform slug, and sealed hex
 * secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/crypto.h"

#define N_TOKENS 64

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int setup(void **state)
{
	(void)state;
	return bst_crypto_init();
}

static void test_crypto_token_is_43_base64url_chars(void **state)
{
	for (int i = 0; i < N_TOKENS; i++) {
		char t[BST_TOKEN_CHARS + 1];
		memset(t, '!', sizeof t);
		bst_token_new(t);
		assert_int_equal(strlen(t), BST_TOKEN_CHARS);
		assert_int_equal(strspn(t, b64url_alphabet), BST_TOKEN_CHARS);
		/* and it decodes back to 32 bytes */
		uint8_t raw[BST_TOKEN_BYTES + 8];
		assert_int_equal(bst_b64url_decode(t, strlen(t), raw, sizeof raw),
				 BST_TOKEN_BYTES);
	}
}

static void test_crypto_tokens_are_distinct(void **state)
{
	char t[N_TOKENS][BST_TOKEN_CHARS + 1];
	for (int i = 0; i < N_TOKENS; i++) {
		bst_token_new(t[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(t[i], t[j]);
	}
}

static void test_crypto_token_hash_is_deterministic_and_differs_per_token(void **state)
{
	char a[BST_TOKEN_CHARS + 1], b[BST_TOKEN_CHARS + 1];
	bst_token_new(a);
	bst_token_new(b);
	uint8_t ha1[BST_HASH_BYTES], ha2[BST_HASH_BYTES], hb[BST_HASH_BYTES];
	bst_token_hash(a, ha1);
	bst_token_hash(a, ha2);
	bst_token_hash(b, hb);
	assert_memory_equal(ha1, ha2, BST_HASH_BYTES);
	assert_memory_not_equal(ha1, hb, BST_HASH_BYTES);

	/* One character changed changes the hash. */
	char c[BST_TOKEN_CHARS + 1];
	memcpy(c, a, sizeof c);
	c[0] = c[0] == 'A' ? 'B' : 'A';
	bst_token_hash(c, hb);
	assert_memory_not_equal(ha1, hb, BST_HASH_BYTES);

	/* The hash is not the token: the database never holds the secret. */
	uint8_t raw[BST_TOKEN_BYTES];
	assert_int_equal(bst_b64url_decode(a, strlen(a), raw, sizeof raw),
			 BST_TOKEN_BYTES);
	assert_memory_not_equal(raw, ha1, BST_HASH_BYTES);
}

static void test_crypto_token_hash_is_unkeyed_blake2b_256(void **state)
{
	/* BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte output):
	 * the hash must not depend on any per-process key, or sessions would
	 * not survive a restart. */
	static const char want[] =
	    "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8";
	uint8_t h[BST_HASH_BYTES];
	char hex[2 * BST_HASH_BYTES + 1];
	bst_token_hash("", h);
	bst_hex(h, sizeof h, hex);
	assert_string_equal(hex, want);
}

static void test_crypto_hex_is_lowercase_and_terminated(void **state)
{
	static const uint8_t in[] = {0x00, 0x01, 0xab, 0xff, 0x7f};
	char out[2 * sizeof in + 1];
	memset(out, '!', sizeof out);
	bst_hex(in, sizeof in, out);
	assert_string_equal(out, "0001abff7f");
}

static void test_crypto_b64url_round_trips_every_length(void **state)
{
	uint8_t in[64], back[64];
	char text[128];
	for (size_t len = 0; len <= sizeof in; len++) {
		bst_random(in, len);
		size_t n = bst_b64url_encode(in, len, text, sizeof text);
		assert_int_equal(n, strlen(text));
		assert_int_equal(n, (4 * len + 2) / 3); /* no padding */
		assert_int_equal(strspn(text, b64url_alphabet), n);
		memset(back, 0, sizeof back);
		assert_int_equal(bst_b64url_decode(text, n, back, sizeof back),
				 (long)len);
		assert_memory_equal(back, in, len);
	}
}

static void test_crypto_b64url_uses_url_safe_alphabet_without_padding(void **state)
{
	static const uint8_t in[] = {0xfb, 0xff, 0xbf};
	char text[8];
	assert_int_equal(bst_b64url_encode(in, sizeof in, text, sizeof text), 4);
	assert_string_equal(text, "-_-_");
	static const uint8_t one[] = {'f'};
	assert_int_equal(bst_b64url_encode(one, 1, text, sizeof text), 2);
	assert_string_equal(text, "Zg");
}

static void test_crypto_b64url_encode_refuses_short_output(void **state)
{
	uint8_t in[BST_TOKEN_BYTES] = {0};
	char text[BST_TOKEN_CHARS]; /* one short: no room for the NUL */
	memset(text, '!', sizeof text);
	assert_int_equal(bst_b64url_encode(in, sizeof in, text, sizeof text), 0);
	assert_string_equal(text, "");
}

static void test_crypto_b64url_decode_rejects_malformed_input(void **state)
{
	uint8_t out[64];
	static const char *const bad[] = {
	    "Zg==",         /* padding */
	    "Zm9v+g",       /* standard alphabet */
	    "Zm9v/g",       /* standard alphabet */
	    "Zm 9v",        /* space */
	    "Zm9v\n",       /* newline */
	    "Z",            /* a lone character encodes no whole byte */
	    "Zm9vY",        /* 5 characters: same */
	    "Zh",           /* non-zero bits after the last byte */
	    "Zm9v!A",       /* outside every alphabet */
	    "Zm9v\xC3\xA9", /* UTF-8 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		long n = bst_b64url_decode(bad[i], strlen(bad[i]), out, sizeof out);
		if (n != -1)
			print_error("accepted \"%s\"\n", bad[i]);
		assert_int_equal(n, -1);
	}
	/* Valid input with an embedded NUL inside the given length is refused. */
	assert_int_equal(bst_b64url_decode("Zm9v\0Zm9v", 9, out, sizeof out), -1);
	/* The canonical forms decode. */
	assert_int_equal(bst_b64url_decode("Zg", 2, out, sizeof out), 1);
	assert_int_equal(out[0], 'f');
	assert_int_equal(bst_b64url_decode("Zm9v", 4, out, sizeof out), 3);
	assert_memory_equal(out, "foo", 3);
}

static void test_crypto_b64url_decode_refuses_short_output(void **state)
{
	uint8_t out[3];
	assert_int_equal(bst_b64url_decode("Zm9vYmFy", 8, out, sizeof out), -1);
	assert_int_equal(bst_b64url_decode("Zm9v", 4, out, sizeof out), 3);
}

static void test_crypto_consttime_eq_compares_bytes(void **state)
{
	assert_true(bst_consttime_eq("abcdef", "abcdef", 6));
	assert_false(bst_consttime_eq("abcdef", "abcdeg", 6));
	assert_false(bst_consttime_eq("Xbcdef", "abcdef", 6));
	assert_true(bst_consttime_eq("abcX", "abcY", 3));
}

static void test_crypto_mac_depends_on_key_and_message(void **state)
{
	uint8_t k1[BST_KEY_BYTES], k2[BST_KEY_BYTES];
	bst_random(k1, sizeof k1);
	bst_random(k2, sizeof k2);
	uint8_t a[BST_HASH_BYTES], b[BST_HASH_BYTES];
	bst_mac(k1, sizeof k1, "msg", 3, a);
	bst_mac(k1, sizeof k1, "msg", 3, b);
	assert_memory_equal(a, b, BST_HASH_BYTES);
	bst_mac(k2, sizeof k2, "msg", 3, b);
	assert_memory_not_equal(a, b, BST_HASH_BYTES);
	bst_mac(k1, sizeof k1, "msh", 3, b);
	assert_memory_not_equal(a, b, BST_HASH_BYTES);
	/* a MAC is not the plain hash */
	uint8_t h[BST_HASH_BYTES];
	bst_token_hash("msg", h);
	assert_memory_not_equal(a, h, BST_HASH_BYTES);
}

static void test_crypto_key_wrap_round_trips(void **state)
{
	uint8_t kek[BST_KEY_BYTES], key[BST_KEY_BYTES], back[BST_KEY_BYTES];
	uint8_t w1[BST_WRAPPED_BYTES], w2[BST_WRAPPED_BYTES];
	bst_random(kek, sizeof kek);
	bst_random(key, sizeof key);
	bst_key_wrap(kek, key, "acme", w1);
	assert_int_equal(bst_key_unwrap(kek, w1, "acme", back), 0);
	assert_memory_equal(back, key, sizeof key);
	/* the key does not appear in the clear */
	assert_null(memmem(w1, sizeof w1, key, sizeof key));
	/* a fresh nonce each time: wrapping twice gives different bytes */
	bst_key_wrap(kek, key, "acme", w2);
	assert_memory_not_equal(w1, w2, sizeof w1);
	assert_int_equal(bst_key_unwrap(kek, w2, "acme", back), 0);
	assert_memory_equal(back, key, sizeof key);
}

static void test_crypto_key_unwrap_refuses_another_slug(void **state)
{
	uint8_t kek[BST_KEY_BYTES], key[BST_KEY_BYTES], back[BST_KEY_BYTES];
	uint8_t w[BST_WRAPPED_BYTES];
	bst_random(kek, sizeof kek);
	bst_random(key, sizeof key);
	bst_key_wrap(kek, key, "acme", w);
	assert_int_equal(bst_key_unwrap(kek, w, "acme2", back), -1);
	assert_int_equal(bst_key_unwrap(kek, w, "acm", back), -1);
	assert_int_equal(bst_key_unwrap(kek, w, "ACME", back), -1);
	assert_int_equal(bst_key_unwrap(kek, w, "", back), -1);
}

static void test_crypto_key_unwrap_refuses_another_kek(void **state)
{
	uint8_t kek[BST_KEY_BYTES], other[BST_KEY_BYTES], key[BST_KEY_BYTES],
	    back[BST_KEY_BYTES];
	uint8_t w[BST_WRAPPED_BYTES];
	bst_random(kek, sizeof kek);
	bst_random(other, sizeof other);
	bst_random(key, sizeof key);
	bst_key_wrap(kek, key, "acme", w);
	assert_int_equal(bst_key_unwrap(other, w, "acme", back), -1);
}

static void test_crypto_key_unwrap_refuses_any_flipped_byte(void **state)
{
	uint8_t kek[BST_KEY_BYTES], key[BST_KEY_BYTES], back[BST_KEY_BYTES];
	uint8_t w[BST_WRAPPED_BYTES];
	bst_random(kek, sizeof kek);
	bst_random(key, sizeof key);
	bst_key_wrap(kek, key, "acme", w);
	/* nonce, ciphertext and tag alike */
	for (size_t i = 0; i < BST_WRAPPED_BYTES; i++) {
		w[i] ^= 0x01;
		assert_int_equal(bst_key_unwrap(kek, w, "acme", back), -1);
		w[i] ^= 0x01;
	}
	assert_int_equal(bst_key_unwrap(kek, w, "acme", back), 0);
	assert_memory_equal(back, key, sizeof key);
}

static void test_crypto_seal_hex_round_trips(void **state)
{
	uint8_t key[BST_KEY_BYTES];
	bst_random(key, sizeof key);
	static const uint8_t secret[] = "JBSWY3DPEHPK3PXP-totp-seed";
	char hex[BST_SEALED_HEX_LEN(sizeof secret)];
	bst_seal_hex(key, "user:7", secret, sizeof secret, hex);
	assert_int_equal(strlen(hex), BST_SEALED_HEX_LEN(sizeof secret) - 1);
	assert_int_equal(strspn(hex, "0123456789abcdef"), strlen(hex));
	uint8_t out[sizeof secret];
	assert_int_equal(bst_open_hex(key, "user:7", hex, out, sizeof out),
			 (long)sizeof secret);
	assert_memory_equal(out, secret, sizeof secret);

	/* A larger output buffer is fine; sealing twice differs (fresh nonce). */
	uint8_t roomy[256];
	assert_int_equal(bst_open_hex(key, "user:7", hex, roomy, sizeof roomy),
			 (long)sizeof secret);
	char hex2[BST_SEALED_HEX_LEN(sizeof secret)];
	bst_seal_hex(key, "user:7", secret, sizeof secret, hex2);
	assert_string_not_equal(hex, hex2);

	/* The empty secret seals and opens too. */
	char empty[BST_SEALED_HEX_LEN(0)];
	bst_seal_hex(key, "x", (const uint8_t *)"", 0, empty);
	assert_int_equal(strlen(empty), BST_SEALED_HEX_LEN(0) - 1);
	assert_int_equal(bst_open_hex(key, "x", empty, roomy, sizeof roomy), 0);
}

static void test_crypto_open_hex_refuses_tampering(void **state)
{
	uint8_t key[BST_KEY_BYTES], other[BST_KEY_BYTES];
	bst_random(key, sizeof key);
	bst_random(other, sizeof other);
	static const uint8_t secret[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	char hex[BST_SEALED_HEX_LEN(sizeof secret)];
	bst_seal_hex(key, "user:7", secret, sizeof secret, hex);
	uint8_t out[64];

	assert_int_equal(bst_open_hex(key, "user:8", hex, out, sizeof out), -1);
	assert_int_equal(bst_open_hex(other, "user:7", hex, out, sizeof out), -1);

	/* one hex digit changed, anywhere */
	size_t len = strlen(hex);
	for (size_t i = 0; i < len; i++) {
		char saved = hex[i];
		hex[i] = saved == '0' ? '1' : '0';
		assert_int_equal(bst_open_hex(key, "user:7", hex, out, sizeof out), -1);
		hex[i] = saved;
	}
	/* truncated by one byte, by one digit (odd length), or extended */
	char cut[sizeof hex];
	memcpy(cut, hex, sizeof hex);
	cut[len - 2] = '\0';
	assert_int_equal(bst_open_hex(key, "user:7", cut, out, sizeof out), -1);
	cut[len - 2] = hex[len - 2];
	cut[len - 1] = '\0';
	assert_int_equal(bst_open_hex(key, "user:7", cut, out, sizeof out), -1);
	char longer[sizeof hex + 2];
	memcpy(longer, hex, len);
	memcpy(longer + len, "00", 3);
	assert_int_equal(bst_open_hex(key, "user:7", longer, out, sizeof out), -1);
	/* not hex at all, empty, too short to hold nonce and tag */
	char junk[sizeof hex];
	memcpy(junk, hex, sizeof hex);
	junk[10] = 'g';
	assert_int_equal(bst_open_hex(key, "user:7", junk, out, sizeof out), -1);
	assert_int_equal(bst_open_hex(key, "user:7", "", out, sizeof out), -1);
	assert_int_equal(bst_open_hex(key, "user:7", "00ff", out, sizeof out), -1);
	/* output too small for the plaintext */
	assert_int_equal(bst_open_hex(key, "user:7", hex, out, sizeof secret - 1), -1);

	/* and the untouched value still opens */
	assert_int_equal(bst_open_hex(key, "user:7", hex, out, sizeof out),
			 (long)sizeof secret);
	assert_memory_equal(out, secret, sizeof secret);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crypto_token_is_43_base64url_chars),
	    cmocka_unit_test(test_crypto_tokens_are_distinct),
	    cmocka_unit_test(
		test_crypto_token_hash_is_deterministic_and_differs_per_token),
	    cmocka_unit_test(test_crypto_token_hash_is_unkeyed_blake2b_256),
	    cmocka_unit_test(test_crypto_hex_is_lowercase_and_terminated),
	    cmocka_unit_test(test_crypto_b64url_round_trips_every_length),
	    cmocka_unit_test(test_crypto_b64url_uses_url_safe_alphabet_without_padding),
	    cmocka_unit_test(test_crypto_b64url_encode_refuses_short_output),
	    cmocka_unit_test(test_crypto_b64url_decode_rejects_malformed_input),
	    cmocka_unit_test(test_crypto_b64url_decode_refuses_short_output),
	    cmocka_unit_test(test_crypto_consttime_eq_compares_bytes),
	    cmocka_unit_test(test_crypto_mac_depends_on_key_and_message),
	    cmocka_unit_test(test_crypto_key_wrap_round_trips),
	    cmocka_unit_test(test_crypto_key_unwrap_refuses_another_slug),
	    cmocka_unit_test(test_crypto_key_unwrap_refuses_another_kek),
	    cmocka_unit_test(test_crypto_key_unwrap_refuses_any_flipped_byte),
	    cmocka_unit_test(test_crypto_seal_hex_round_trips),
	    cmocka_unit_test(test_crypto_open_hex_refuses_tampering),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
