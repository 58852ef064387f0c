/* The installation's checkpoint key and signed checkpoints (see trail.h).
 * The secret key never leaves this file: it is read, used to sign, and
 * the caller's copy is wiped with the key struct. */
#include "audit/trail.h"
#include "core/crypto.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KEY_FILE         "audit.key"
#define PUB_FILE         "audit.pub"
#define CHECKPOINT_MAGIC "bastide-checkpoint-v1"

/* Reads a file of exactly 2 * len hex digits (and an optional newline). */
static int read_hex_file(const char *path, uint8_t *out, size_t len)
{
	char text[2 * 64 + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n < (ssize_t)(2 * len))
		return -1;
	text[n] = '\0';
	if (n > (ssize_t)(2 * len) &&
	    !(n == (ssize_t)(2 * len + 1) && text[2 * len] == '\n'))
		return -1;
	size_t got = 0;
	int rc =
	    sodium_hex2bin(out, len, text, 2 * len, NULL, &got, NULL) == 0 && got == len
		? 0
		: -1;
	sodium_memzero(text, sizeof text);
	return rc;
}

static int write_hex_file(const char *path, const uint8_t *in, size_t len, mode_t mode)
{
	/* O_EXCL: an existing key is never overwritten */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return errno == EEXIST ? 1 : -1;
	char text[2 * 64 + 2];
	bst_hex(in, len, text);
	text[2 * len] = '\n';
	bool ok =
	    write(fd, text, 2 * len + 1) == (ssize_t)(2 * len + 1) && fsync(fd) == 0;
	sodium_memzero(text, sizeof text);
	if (close(fd) != 0 || !ok) {
		unlink(path);
		return -1;
	}
	return 0;
}

static void key_from_seed(struct bst_audit_key *k, const uint8_t seed[32])
{
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	bst_hex(k->pk, sizeof k->pk, k->id);
}

int bst_audit_key_ensure(const char *data_dir, struct bst_audit_key *k, int *created,
			 char *err, size_t errlen)
{
	char path[600], pub[600];
	uint8_t seed[crypto_sign_SEEDBYTES];
	*created = 0;
	snprintf(path, sizeof path, "%s/" KEY_FILE, data_dir);
	snprintf(pub, sizeof pub, "%s/" PUB_FILE, data_dir);
	if (read_hex_file(path, seed, sizeof seed) != 0) {
		if (access(path, F_OK) == 0) {
			snprintf(err, errlen,
				 "the audit key %s is unreadable or malformed", path);
			return -1;
		}
		bst_random(seed, sizeof seed);
		int rc = write_hex_file(path, seed, sizeof seed, 0600);
		if (rc == 1 && read_hex_file(path, seed, sizeof seed) == 0) {
			rc = 0; /* another process made it first: use theirs */
		} else if (rc == 0) {
			*created = 1;
		}
		if (rc != 0) {
			sodium_memzero(seed, sizeof seed);
			snprintf(err, errlen, "cannot create the audit key %s: %s", path,
				 strerror(errno));
			return -1;
		}
	}
	key_from_seed(k, seed);
	sodium_memzero(seed, sizeof seed);
	if (write_hex_file(pub, k->pk, sizeof k->pk, 0644) < 0)
		bst_log_warn("audit: cannot write the public key %s: %s", pub,
			     strerror(errno));
	return 0;
}

int bst_audit_key_public(const char *data_dir, uint8_t pk[BST_AUDIT_PK_BYTES], char *err,
			 size_t errlen)
{
	char path[600];
	snprintf(path, sizeof path, "%s/" PUB_FILE, data_dir);
	if (read_hex_file(path, pk, BST_AUDIT_PK_BYTES) == 0)
		return 0;
	snprintf(path, sizeof path, "%s/" KEY_FILE, data_dir);
	uint8_t seed[crypto_sign_SEEDBYTES];
	if (read_hex_file(path, seed, sizeof seed) != 0) {
		snprintf(err, errlen,
			 "no audit key in %s (neither " PUB_FILE " nor " KEY_FILE ")",
			 data_dir);
		return -1;
	}
	struct bst_audit_key k;
	key_from_seed(&k, seed);
	memcpy(pk, k.pk, BST_AUDIT_PK_BYTES);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(&k, sizeof k);
	return 0;
}

int bst_checkpoint_message(const char *slug, const char *kind, int64_t seq,
			   const char *hash, int64_t at_ms, bst_buf *out)
{
	bst_buf_reset(out);
	return bst_buf_append(out, CHECKPOINT_MAGIC, sizeof CHECKPOINT_MAGIC - 1) &&
		       bst_trail_put_text(out, slug) && bst_trail_put_text(out, kind) &&
		       bst_trail_put_text(out, hash) && bst_trail_put_int(out, seq) &&
		       bst_trail_put_int(out, at_ms)
		   ? 0
		   : -1;
}

enum bst_qs bst_checkpoint_sign(bst_db *db, const char *slug, const struct bst_audit_key *k,
				const char *kind, int64_t seq, const char *hash, int64_t now_ms)
{
	bst_buf msg;
	bst_buf_init(&msg);
	uint8_t sig[crypto_sign_BYTES];
	char sig_hex[2 * crypto_sign_BYTES + 1];
	if (bst_checkpoint_message(slug, kind, seq, hash, now_ms, &msg) != 0) {
		bst_buf_free(&msg);
		return BST_QS_HARD_ERROR;
	}
	crypto_sign_detached(sig, NULL, (const uint8_t *)msg.data, msg.len, k->sk);
	bst_buf_free(&msg);
	bst_hex(sig, sizeof sig, sig_hex);
	struct bst_checkpoint_row row = {.seq = seq,
					 .hash = hash,
					 .at_ms = now_ms,
					 .kind = kind,
					 .key_id = k->id,
					 .signature = sig_hex};
	return bst_q_checkpoint_insert(db, &row);
}

struct cp {
	const char *slug, *kind;
	const struct bst_audit_key *k;
	int64_t now;
};

static enum bst_qs checkpoint_txn(bst_db *db, void *cls)
{
	struct cp *c = cls;
	int64_t seq, last;
	char hash[BST_TRAIL_HASH_HEX];
	enum bst_qs qs = bst_q_trail_head(db, &seq, hash);
	if (qs >= 0)
		qs = bst_q_checkpoint_last_seq(db, &last);
	if (qs < 0)
		return qs;
	if (seq == 0 || (seq == last && strcmp(c->kind, "periodic") == 0))
		return BST_QS_NO_RESULTS; /* nothing new to vouch for */
	if (!hash[0])
		return BST_QS_NO_RESULTS; /* not chained yet: the next append does it */
	return bst_checkpoint_sign(db, c->slug, c->k, c->kind, seq, hash, c->now);
}

int bst_checkpoint_write(bst_db *db, const char *slug, const struct bst_audit_key *k,
			 const char *kind, int64_t now_ms)
{
	struct cp c = {slug, kind, k, now_ms};
	if (bst_db_transaction(db, checkpoint_txn, &c) < 0) {
		bst_log_error("audit: checkpoint of platform %s NOT WRITTEN", slug);
		return -1;
	}
	return 0;
}
