/* The HTTP(S) server: libmicrohttpd with a thread pool sized to the cores,
 * epoll, keep-alive, limits on connections (total and per address),
 * header and body sizes, and idle connections. It resolves the platform
 * from Host, authenticates, enforces the routing table's flags and CSRF,
 * then calls the handler. Start and stop from the main thread. */
#ifndef BST_HTTP_SERVER_H
#define BST_HTTP_SERVER_H
#include <stdatomic.h>

#include "core/config.h"
#include "tenant/install.h"
#include "tenant/platform.h"

struct bst_throttle;

struct bst_server {
	struct bst_install *install;
	const struct bst_config *config;
	bst_registry *registry;
	struct MHD_Daemon *http;
	struct MHD_Daemon *https;
	char *tls_cert, *tls_key; /* PEM, kept for libmicrohttpd */
	atomic_int in_flight;
	struct bst_throttle *throttle;
};

/* Returns 0, or -1 with a sentence in err. */
int bst_server_start(struct bst_server *s, char *err, size_t errlen);
/* Stops accepting, waits (bounded) for requests in flight, stops. */
void bst_server_stop(struct bst_server *s);

#endif
