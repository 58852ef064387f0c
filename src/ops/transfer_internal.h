/* Shared by the files of the transfer module (transfer.c: one file sent
 * to a client; transfer_session.c: a session of operations on a backup
 * target). Not for other modules. */
#ifndef BST_OPS_TRANSFER_INTERNAL_H
#define BST_OPS_TRANSFER_INTERNAL_H
#include <curl/curl.h>
#include <stdbool.h>

/* The host key pin: 43 base64 characters, with or without "SHA256:" and
 * '=' padding; copied to out (44 bytes) without either. */
bool transfer_host_pin(const char *s, char out[44]);
/* Whether a libcurl result (a CURLcode) is worth another attempt: the
 * network, not the server's answer. */
bool transfer_transient(int code);

/* Resets c for a request on url: the error buffer, no output kept, the
 * connect and stall timeouts, the user. */
void transfer_request(CURL *c, const char *url, char *errbuf, const char *user);
/* SFTP: key authentication with key (and pubkey, "" when derived from
 * it), the host key pinned (mandatory: without it libcurl would not check
 * the host key at all). */
void transfer_sftp_auth(CURL *c, const char *key, const char *pubkey, const char *pin);

#endif
