/* Translations through gettext (see i18n.h). */
#include "core/i18n.h"
#include "core/log.h"

#include <libintl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Locales the system must provide (scripts/install-deps generates them). */
static const struct {
	const char *lang;
	const char *locale;
	locale_t loc;
} langs_init[] = {{"fr", "fr_FR.UTF-8", 0}, {"en", "en_GB.UTF-8", 0}};

static struct {
	const char *lang;
	locale_t loc;
} langs[2];

static __thread const char *thread_lang = "en";

void bst_i18n_init(const char *localedir)
{
	setlocale(LC_ALL, "C.UTF-8");
	bindtextdomain(BST_TEXTDOMAIN, localedir);
	bind_textdomain_codeset(BST_TEXTDOMAIN, "UTF-8");
	for (size_t i = 0; i < 2; i++) {
		langs[i].lang = langs_init[i].lang;
		langs[i].loc = newlocale(LC_MESSAGES_MASK | LC_TIME_MASK | LC_NUMERIC_MASK,
					 langs_init[i].locale, (locale_t)0);
		if (!langs[i].loc) {
			bst_log_info("i18n: locale %s is missing; %s pages fall back to "
				     "English (run scripts/install-deps)",
				     langs_init[i].locale, langs[i].lang);
			langs[i].loc = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
		}
	}
}

static int lang_index(const char *lang)
{
	for (int i = 0; i < 2; i++)
		if (lang && strncasecmp(lang, langs_init[i].lang, 2) == 0 &&
		    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_' || lang[2] == ';' ||
		     lang[2] == ',' || lang[2] == ' '))
			return i;
	return -1;
}

const char *bst_i18n_pick(const char *user_pref, const char *accept_language,
			  const char *platform_default)
{
	int i = lang_index(user_pref);
	if (i >= 0)
		return langs_init[i].lang;
	/* Accept-Language: take the supported language with the highest q. */
	if (accept_language) {
		double best_q = 0;
		int best = -1;
		const char *p = accept_language;
		while (*p) {
			while (*p == ' ' || *p == ',')
				p++;
			const char *tag = p;
			while (*p && *p != ',')
				p++;
			double q = 1.0;
			const char *semi = memchr(tag, ';', (size_t)(p - tag));
			if (semi) {
				const char *qs = strstr(semi, "q=");
				if (qs && qs < p)
					sscanf(qs + 2, "%lf", &q);
			}
			int k = lang_index(tag);
			if (k >= 0 && q > best_q) {
				best_q = q;
				best = k;
			}
		}
		if (best >= 0)
			return langs_init[best].lang;
	}
	i = lang_index(platform_default);
	return i >= 0 ? langs_init[i].lang : "fr";
}

void bst_i18n_use(const char *lang)
{
	int i = lang_index(lang);
	if (i < 0)
		i = 1;
	thread_lang = langs_init[i].lang;
	if (langs[i].loc)
		uselocale(langs[i].loc);
}

const char *bst_i18n_current(void)
{
	return thread_lang;
}

const char *bst_i18n_gettext(const char *msgid)
{
	return dgettext(BST_TEXTDOMAIN, msgid);
}

const char *bst_i18n_pgettext(const char *ctx_id, const char *msgid)
{
	const char *t = dgettext(BST_TEXTDOMAIN, ctx_id);
	return t == ctx_id ? msgid : t;
}

const char *bst_i18n_ngettext(const char *one, const char *many, unsigned long n)
{
	return dngettext(BST_TEXTDOMAIN, one, many, n);
}

void bst_i18n_datetime(int64_t ms, char *out, size_t outlen)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	/* Month names follow the thread's LC_TIME (uselocale). */
	if (strftime(out, outlen, "%-d %b %Y, %H:%M UTC", &tm) == 0 && outlen)
		out[0] = '\0';
}
