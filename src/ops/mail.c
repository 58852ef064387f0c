/* The outbound mail queue and its SMTP sender (see mail.h). */
#include "ops/mail.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int bst_mail_enqueue(struct bst_ctx *ctx, const char *to, const char *subject,
		     const char *body)
{
	int64_t pid = ctx->platform ? ctx->platform->id : 0;
	if (bst_q_mail_enqueue(ctx->install->control, pid, to, subject, body, ctx->now) !=
	    BST_QS_ONE_RESULT) {
		bst_log_error("mail: cannot queue a message to %s", to);
		return -1;
	}
	return 0;
}

struct payload {
	const char *data;
	size_t len, off;
};

static size_t read_payload(char *out, size_t size, size_t n, void *cls)
{
	struct payload *p = cls;
	size_t room = size * n;
	size_t left = p->len - p->off;
	size_t k = left < room ? left : room;
	memcpy(out, p->data + p->off, k);
	p->off += k;
	return k;
}

/* RFC 5322 message; the subject as an RFC 2047 encoded word (UTF-8). */
static void build_message(const struct bst_config *cfg, const struct bst_mail_row *m,
			  bst_buf *out)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	bst_buf_printf(out, "Date: %s\r\nFrom: %s\r\nTo: <%s>\r\nSubject: =?UTF-8?B?", date,
		       cfg->smtp_from[0] ? cfg->smtp_from : "bastide@localhost", m->recipient);
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)m->subject;
	size_t len = strlen(m->subject);
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < len ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < len ? s[i + 2] : 0);
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63],
			     i + 1 < len ? b64[v >> 6 & 63] : '=', i + 2 < len ? b64[v & 63] : '='};
		bst_buf_append(out, q, 4);
	}
	bst_buf_printf(out, "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			    "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n");
	for (const char *p = m->body; *p; p++) {
		if (*p == '\n' && (p == m->body || p[-1] != '\r'))
			bst_buf_putc(out, '\r');
		if (*p == '.' && (p == m->body || p[-1] == '\n'))
			bst_buf_putc(out, '.'); /* SMTP dot-stuffing */
		bst_buf_putc(out, *p);
	}
	bst_buf_puts(out, "\r\n");
}

static int send_one(const struct bst_config *cfg, const struct bst_mail_row *m, char *err,
		    size_t errlen)
{
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	bst_buf msg;
	bst_buf_init(&msg);
	build_message(cfg, m, &msg);
	struct payload p = {msg.data, msg.len, 0};
	char from[300], to[300];
	const char *f = cfg->smtp_from[0] ? cfg->smtp_from : "bastide@localhost";
	const char *lt = strchr(f, '<');
	snprintf(from, sizeof from, "%s", lt ? lt : f);
	if (!lt) {
		snprintf(from, sizeof from, "<%s>", f);
	}
	snprintf(to, sizeof to, "<%s>", m->recipient);
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_payload);
	curl_easy_setopt(c, CURLOPT_READDATA, &p);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (strncmp(cfg->smtp_url, "smtps://", 8) != 0)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (cfg->smtp_user[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	bst_buf_free(&msg);
	return rc == CURLE_OK ? 0 : -1;
}

struct run {
	struct bst_install *in;
	const struct bst_config *cfg;
};

static void deliver(void *cls, const struct bst_mail_row *m)
{
	struct run *r = cls;
	int64_t now = bst_now_ms();
	if (!r->cfg->smtp_url[0]) {
		bst_log_info("mail to %s (no SMTP relay configured, printed here instead): %s: %s",
			     m->recipient, m->subject, m->body);
		bst_q_mail_sent(r->in->control, m->id, now);
		return;
	}
	char err[256];
	if (send_one(r->cfg, m, err, sizeof err) == 0) {
		bst_q_mail_sent(r->in->control, m->id, now);
		bst_log_info("mail: sent message %lld to %s", (long long)m->id, m->recipient);
		return;
	}
	if (m->attempts + 1 >= BST_MAIL_MAX_ATTEMPTS) {
		bst_q_mail_failed(r->in->control, m->id, now, err);
		bst_log_error("mail: gave up on message %lld to %s: %s", (long long)m->id,
			      m->recipient, err);
		return;
	}
	int64_t wait = BST_MAIL_FIRST_RETRY_MS << (m->attempts < 20 ? m->attempts : 20);
	if (wait > BST_MAIL_MAX_RETRY_MS)
		wait = BST_MAIL_MAX_RETRY_MS;
	bst_q_mail_retry(r->in->control, m->id, now + wait, err);
	bst_log_warn("mail: message %lld to %s not sent (%s); next try in %lld s",
		     (long long)m->id, m->recipient, err, (long long)(wait / 1000));
}

void bst_mailer_run_once(struct bst_install *in, const struct bst_config *cfg)
{
	struct run r = {in, cfg};
	bst_q_mail_due(in->control, bst_now_ms(), 50, deliver, &r);
}

struct bst_mailer {
	struct bst_install *in;
	const struct bst_config *cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
};

static void *mailer_main(void *cls)
{
	struct bst_mailer *m = cls;
	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		pthread_mutex_unlock(&m->lock);
		bst_mailer_run_once(m->in, m->cfg);
		pthread_mutex_lock(&m->lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 500 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!m->stop)
			pthread_cond_timedwait(&m->wake, &m->lock, &ts);
	}
	pthread_mutex_unlock(&m->lock);
	/* flush what is due before leaving */
	bst_mailer_run_once(m->in, m->cfg);
	return NULL;
}

struct bst_mailer *bst_mailer_start(struct bst_install *in, const struct bst_config *cfg)
{
	struct bst_mailer *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->in = in;
	m->cfg = cfg;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->wake, NULL);
	if (pthread_create(&m->thread, NULL, mailer_main, m) != 0) {
		free(m);
		return NULL;
	}
	return m;
}

void bst_mailer_stop(struct bst_mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->wake);
	free(m);
}
