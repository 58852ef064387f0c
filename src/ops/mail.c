/* The outbound mail queue and its SMTP sender (see mail.h). A message is
 * built here (RFC 5322 and MIME: UTF-8 plain text sent 8bit, the subject in
 * RFC 2047 encoded words) and handed to libcurl, which does the SMTP
 * dot-stuffing itself (RFC 5321 4.5.2). A stopping server gives the
 * delivery in progress a short grace, then aborts it: the message stays
 * queued as it was, to go out at the next start. */
#include "ops/mail.h"
#include "core/str.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* RFC 2047 2 caps an encoded word at 75 characters and RFC 5322 2.1.1 asks
 * lines of at most 78: "Subject: =?UTF-8?B?" + 56 base64 characters + "?="
 * is 77, and 56 base64 characters carry 42 bytes. Each word holds whole
 * UTF-8 characters (RFC 2047 5). */
#define SUBJECT_WORD_BYTES 42
/* A relay that accepts the connection and then hangs must not hold the
 * queue for long: libcurl gives up connecting after this, and on the whole
 * transfer after SMTP_TIMEOUT_S. */
#define SMTP_CONNECT_TIMEOUT_S 10L
#define SMTP_TIMEOUT_S         30L
/* What SIGTERM leaves a delivery in progress (and the final flush) before
 * aborting it, within the 15 s a supervisor commonly waits. */
#define MAILER_STOP_GRACE_MS 3000
/* Messages taken from the queue per pass. */
#define MAILER_BATCH     50
#define MAILER_PERIOD_NS (500 * 1000000L)
#define DEFAULT_FROM     "bastide@localhost"

int bst_mail_enqueue(struct bst_ctx *ctx, const char *to, const char *subject,
		     const char *body)
{
	int64_t pid = ctx->platform ? ctx->platform->id : 0;
	/* the queue keeps subjects in 255 bytes: cut longer ones on a whole
	 * character rather than let the store cut inside one */
	char cut[256];
	size_t len = strlen(subject);
	if (len >= sizeof cut) {
		len = sizeof cut - 1;
		while (len > 0 && ((unsigned char)subject[len] & 0xc0) == 0x80)
			len--;
		memcpy(cut, subject, len);
		cut[len] = '\0';
		subject = cut;
	}
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

/* One pass over the queue. abort_at (monotonic ms, 0 = never) is the
 * mailer's shutdown deadline; NULL when run from outside the thread. */
struct run {
	struct bst_install *in;
	const struct bst_config *cfg;
	const _Atomic int64_t *abort_at;
	bool aborted; /* the rest of the pass is left queued */
};

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool past_abort(const struct run *r)
{
	int64_t at = r->abort_at ? atomic_load(r->abort_at) : 0;
	return at != 0 && monotonic_ms() >= at;
}

/* libcurl calls this about once a second, and more often while data flows:
 * a non-zero return aborts the transfer. */
static int on_progress(void *cls, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return past_abort(cls) ? 1 : 0;
}

/* The length of s[0..len) without a last UTF-8 sequence that is cut short
 * (the queue keeps subjects to a fixed width). */
static size_t utf8_whole(const unsigned char *s, size_t len)
{
	size_t i = len;
	while (i > 0 && len - i < 4 && (s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0 || s[i - 1] < 0xC0)
		return len;
	unsigned char lead = s[i - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	return len - (i - 1) < need ? i - 1 : len;
}

static void put_base64(bst_buf *out, const unsigned char *s, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16 |
			     (i + 1 < len ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < len ? s[i + 2] : 0);
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63],
			     i + 1 < len ? b64[v >> 6 & 63] : '=',
			     i + 2 < len ? b64[v & 63] : '='};
		bst_buf_append(out, q, 4);
	}
}

/* "Subject:" and the subject as folded encoded words of whole characters. */
static void put_subject(bst_buf *out, const char *subject)
{
	const unsigned char *s = (const unsigned char *)subject;
	size_t len = utf8_whole(s, strlen(subject));
	bst_buf_puts(out, "Subject:");
	for (size_t i = 0; i < len;) {
		size_t n = len - i < SUBJECT_WORD_BYTES ? len - i : SUBJECT_WORD_BYTES;
		/* back to the start of a character, unless that leaves nothing */
		size_t k = n;
		while (k > 0 && i + k < len && (s[i + k] & 0xC0) == 0x80)
			k--;
		if (k > 0)
			n = k;
		bst_buf_puts(out, i ? "\r\n =?UTF-8?B?" : " =?UTF-8?B?");
		put_base64(out, s + i, n);
		bst_buf_puts(out, "?=");
		i += n;
	}
	bst_buf_puts(out, "\r\n");
}

/* The domain of the From address, for Message-ID; "localhost" when it has
 * none worth using. */
static void from_domain(const char *from, char *out, size_t outlen)
{
	const char *at = strrchr(from, '@');
	size_t n = 0;
	if (at) {
		at++;
		while (at[n] && at[n] != '>' &&
		       (strchr("-.", at[n]) || (at[n] >= 'a' && at[n] <= 'z') ||
			(at[n] >= 'A' && at[n] <= 'Z') || (at[n] >= '0' && at[n] <= '9')))
			n++;
	}
	if (!at || n == 0 || n >= outlen || (at[n] && at[n] != '>'))
		snprintf(out, outlen, "localhost");
	else
		snprintf(out, outlen, "%.*s", (int)n, at);
}

/* An RFC 5322 3.3 date, in English whatever the thread's locale (strftime
 * would follow the language of the page the thread served last). */
static void format_date(int64_t ms, char out[40])
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

/* RFC 5322 message, lines ending in CRLF. The Message-ID is drawn anew at
 * each attempt: only attempts the relay refused are made again. */
static void build_message(const struct bst_config *cfg, const struct bst_mail_row *m,
			  bst_buf *out)
{
	const char *from = cfg->smtp_from[0] ? cfg->smtp_from : DEFAULT_FROM;
	char date[40];
	format_date(bst_now_ms(), date);
	char domain[256];
	char unique[BST_TOKEN_CHARS + 1];
	from_domain(from, domain, sizeof domain);
	bst_token_new(unique);
	bst_buf_printf(out,
		       "Date: %s\r\nFrom: %s\r\nTo: <%s>\r\nMessage-ID: <%lld.%s@%s>\r\n",
		       date, from, m->recipient, (long long)m->id, unique, domain);
	put_subject(out, m->subject);
	bst_buf_puts(
	    out,
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n");
	/* no dot-stuffing here: libcurl does it on the way out */
	for (const char *p = m->body; *p; p++) {
		if (*p == '\n' && (p == m->body || p[-1] != '\r'))
			bst_buf_putc(out, '\r');
		bst_buf_putc(out, *p);
	}
	if (out->data[out->len - 1] != '\n')
		bst_buf_puts(out, "\r\n");
}

enum send_result { SEND_OK, SEND_FAILED, SEND_ABORTED };

static enum send_result send_one(struct run *r, const struct bst_mail_row *m, char *err,
				 size_t errlen)
{
	const struct bst_config *cfg = r->cfg;
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "curl_easy_init failed");
		return SEND_FAILED;
	}
	bst_buf msg;
	bst_buf_init(&msg);
	build_message(cfg, m, &msg);
	struct payload p = {msg.data, msg.len, 0};
	char from[300], to[300];
	const char *f = cfg->smtp_from[0] ? cfg->smtp_from : DEFAULT_FROM;
	const char *lt = strchr(f, '<');
	if (lt)
		bst_str_copy(from, sizeof from, lt);
	else
		snprintf(from, sizeof from, "<%s>", f);
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
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, SMTP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SMTP_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, r);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	/* STARTTLS: required when a password would otherwise cross in clear;
	 * attempted otherwise (a loopback relay may not offer it) */
	if (strncmp(cfg->smtp_url, "smtps://", 8) != 0)
		curl_easy_setopt(c, CURLOPT_USE_SSL,
				 cfg->smtp_user[0] ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
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
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return SEND_ABORTED;
	return rc == CURLE_OK ? SEND_OK : SEND_FAILED;
}

static void mark_sent(struct run *r, const struct bst_mail_row *m, int64_t now)
{
	if (bst_q_mail_sent(r->in->control, m->id, now) < 0)
		bst_log_error(
		    "mail: message %lld to %s went out but cannot be marked sent: "
		    "it will be sent again",
		    (long long)m->id, m->recipient);
}

static void deliver(void *cls, const struct bst_mail_row *m)
{
	struct run *r = cls;
	int64_t now = bst_now_ms();
	if (!r->cfg->smtp_url[0]) {
		bst_log_info(
		    "mail to %s (no SMTP relay configured, printed here instead): %s: %s",
		    m->recipient, m->subject, m->body);
		mark_sent(r, m, now);
		return;
	}
	/* shutting down: what is left stays due, untouched */
	if (r->aborted || past_abort(r)) {
		r->aborted = true;
		return;
	}
	char err[256] = "";
	switch (send_one(r, m, err, sizeof err)) {
	case SEND_OK:
		mark_sent(r, m, bst_now_ms());
		bst_log_info("mail: sent message %lld to %s", (long long)m->id,
			     m->recipient);
		return;
	case SEND_ABORTED:
		r->aborted = true;
		bst_log_warn(
		    "mail: message %lld to %s interrupted by shutdown; it stays queued",
		    (long long)m->id, m->recipient);
		return;
	case SEND_FAILED:
		break;
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

static void run_pass(struct bst_install *in, const struct bst_config *cfg,
		     const _Atomic int64_t *abort_at)
{
	struct run r = {in, cfg, abort_at, false};
	bst_q_mail_due(in->control, bst_now_ms(), MAILER_BATCH, deliver, &r);
}

void bst_mailer_run_once(struct bst_install *in, const struct bst_config *cfg)
{
	run_pass(in, cfg, NULL);
}

struct bst_mailer {
	struct bst_install *in;
	const struct bst_config *cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	_Atomic int64_t abort_at; /* monotonic ms; 0 until stopping */
};

static void *mailer_main(void *cls)
{
	struct bst_mailer *m = cls;
	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		pthread_mutex_unlock(&m->lock);
		run_pass(m->in, m->cfg, &m->abort_at);
		pthread_mutex_lock(&m->lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += MAILER_PERIOD_NS;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!m->stop)
			pthread_cond_timedwait(&m->wake, &m->lock, &ts);
	}
	pthread_mutex_unlock(&m->lock);
	/* flush what is due before leaving, within the same grace */
	run_pass(m->in, m->cfg, &m->abort_at);
	return NULL;
}

struct bst_mailer *bst_mailer_start(struct bst_install *in, const struct bst_config *cfg)
{
	struct bst_mailer *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->in = in;
	m->cfg = cfg;
	atomic_init(&m->abort_at, 0);
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->wake, NULL);
	if (pthread_create(&m->thread, NULL, mailer_main, m) != 0) {
		pthread_mutex_destroy(&m->lock);
		pthread_cond_destroy(&m->wake);
		free(m);
		return NULL;
	}
	return m;
}

void bst_mailer_stop(struct bst_mailer *m)
{
	if (!m)
		return;
	/* a delivery in progress (a relay that hangs) gets the grace, no more */
	atomic_store(&m->abort_at, monotonic_ms() + MAILER_STOP_GRACE_MS);
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->wake);
	free(m);
}
