/* Translations through gettext: French and English. The language is chosen
 * per request (user preference, else Accept-Language, else the platform's
 * default) and set for the calling thread with bst_i18n_use, which switches
 * the thread's locale (uselocale), so threads never see each other's
 * language. Thread-safe after bst_i18n_init. */
#ifndef BST_CORE_I18N_H
#define BST_CORE_I18N_H
#include <stddef.h>
#include <stdint.h>

#define BST_TEXTDOMAIN "bastide"

/* Marks a string for extraction without translating it here. */
#define N_(s) (s)
#define _(s) bst_i18n_gettext(s)
/* A translation in a context, for words that translate differently where
 * they stand ("Comment" the noun and the verb; "edited" said of a
 * publication or of a comment, feminine and masculine in French). ctx and
 * s are string literals. */
#define C_(ctx, s) bst_i18n_pgettext(ctx "\004" s, s)

/* Binds the text domain to the locale directory: the build tree's po/ when
 * run from there, else the installed one. */
void bst_i18n_init(const char *localedir);
/* "fr" or "en" (anything else: the fallback given). */
const char *bst_i18n_pick(const char *user_pref, const char *accept_language,
			  const char *platform_default);
/* Sets the calling thread's language. */
void bst_i18n_use(const char *lang);
const char *bst_i18n_current(void);
const char *bst_i18n_gettext(const char *msgid) __attribute__((format_arg(1)));
/* ctx_id is "context\004msgid" (see C_); msgid when untranslated. */
const char *bst_i18n_pgettext(const char *ctx_id, const char *msgid)
	__attribute__((format_arg(2)));
const char *bst_i18n_ngettext(const char *one, const char *many, unsigned long n)
	__attribute__((format_arg(1))) __attribute__((format_arg(2)));
/* A date and time in the thread's language, UTC: "9 nov. 2026, 01:31 UTC". */
void bst_i18n_datetime(int64_t ms, char *out, size_t outlen);

#endif
