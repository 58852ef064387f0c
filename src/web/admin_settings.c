/* /admin/settings: the platform's registration mode and allowed domains,
 * session lifetimes, second-factor policy and default language. Input is
 * checked here (shapes and bounds), then handed to bst_settings_update,
 * which stores and audits the change. Below the form, what the operator
 * decides: the documents' storage used and quota, the per-file limit, and
 * the platform's security contact (tenant/contact.h), read-only here. */
#include "web/admin.h"
#include "auth/account.h"
#include "social/documents.h"
#include "tenant/contact.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Session bounds. The idle timeout stays between 5 minutes and a week and
 * the absolute lifetime between an hour and 90 days: shorter locks people
 * out between two clicks, longer keeps stolen cookies useful. (The OWASP
 * Session Management Cheat Sheet cites 2-5 minutes of idle time for
 * high-value applications and 15-30 for low-risk ones; these are only the
 * outer limits an administrator may choose.) */
#define IDLE_MIN_S (5 * 60)
#define IDLE_MAX_S (7 * 86400)
#define ABSOLUTE_MIN_S 3600
#define ABSOLUTE_MAX_S (90 * 86400)

struct unit {
	const char *key;
	int64_t seconds;
	const char *label;
};
static const struct unit idle_units[] = {
	{"minutes", 60, N_("minutes")},
	{"hours", 3600, N_("hours")},
	{"days", 86400, N_("days")},
};
static const struct unit absolute_units[] = {
	{"hours", 3600, N_("hours")},
	{"days", 86400, N_("days")},
};
#define N_IDLE_UNITS (sizeof idle_units / sizeof *idle_units)
#define N_ABSOLUTE_UNITS (sizeof absolute_units / sizeof *absolute_units)

/* A duration as a number and a unit select, the unit being the largest
 * that divides secs. */
static void duration(bst_buf *b, const char *name, const char *label, int64_t secs,
		     const struct unit *units, size_t n)
{
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (secs % units[i].seconds == 0)
			u = i;
	bst_buf_printf(b, "<fieldset class=\"duration\"><legend>%s</legend>", label);
	bst_buf_printf(b, "<p class=\"field\"><label for=\"f-%s\">%s</label>"
			  "<input type=\"number\" id=\"f-%s\" name=\"%s\" min=\"1\" required value=\"%lld\">"
			  "</p><p class=\"field\"><label for=\"f-%s-unit\">%s</label>"
			  "<select id=\"f-%s-unit\" name=\"%s_unit\">",
		       name, _("Number"), name, name, (long long)(secs / units[u].seconds), name,
		       _("Unit"), name, name);
	for (size_t i = 0; i < n; i++)
		bst_buf_printf(b, "<option value=\"%s\"%s>%s</option>", units[i].key,
			       i == u ? " selected" : "", _(units[i].label));
	bst_buf_puts(b, "</select></p></fieldset>");
}

/* A radio group: values[i] labelled labels[i] (msgids). */
static void radios(bst_buf *b, const char *name, const char *legend, const char *current,
		   const char *const *values, const char *const *labels, size_t n)
{
	bst_buf_printf(b, "<fieldset><legend>%s</legend>", legend);
	for (size_t i = 0; i < n; i++)
		bst_buf_printf(b, "<p><input type=\"radio\" id=\"f-%s-%s\" name=\"%s\" value=\"%s\"%s>"
				  "<label for=\"f-%s-%s\">%s</label></p>",
			       name, values[i], name, values[i],
			       strcmp(current, values[i]) == 0 ? " checked" : "", name, values[i],
			       _(labels[i]));
	bst_buf_puts(b, "</fieldset>");
}

static const char *const reg_values[] = {"closed", "open"};
static const char *const reg_labels[] = {
	N_("Closed: administrators create the accounts"),
	N_("Open: anyone may create an account (from the domains below, if any)"),
};
static const char *const mfa_values[] = {"none", "admins", "everyone"};
static const char *const mfa_labels[] = {
	N_("Optional for everyone"),
	N_("Required for administrators"),
	N_("Required for everyone"),
};
static const char *const lang_values[] = {"fr", "en"};
static const char *const lang_labels[] = {"Français", "English"};

/* Bytes as people read them: MB under a GB, else GB (10^6, 10^9). */
static const char *amount(struct bst_req *r, int64_t bytes)
{
	if (bytes < 1000LL * 1000 * 1000)
		return bst_arena_printf(r->arena, _("%.1f MB"), (double)bytes / 1e6);
	return bst_arena_printf(r->arena, _("%.2f GB"), (double)bytes / 1e9);
}

/* The documents' storage: read-only here, set by the operator. */
static void storage(struct bst_req *r, bst_buf *b)
{
	int64_t quota = 0, used = 0;
	if (bst_doc_quota(&r->ctx, &quota, &used) != BST_DOC_OK)
		return;
	bst_buf_printf(b, "<section aria-labelledby=\"h-storage\"><h2 id=\"h-storage\">%s</h2><p>",
		       _("Document storage"));
	/* TRANSLATORS: e.g. "1.25 GB used of 10.00 GB (12 %)" */
	bst_html_txt(b, bst_arena_printf(r->arena, _("%s used of %s (%lld %%)."), amount(r, used),
					 amount(r, quota),
					 (long long)(quota > 0 ? used * 100 / quota : 0)));
	bst_buf_puts(b, " ");
	bst_html_txt(b, bst_arena_printf(r->arena, _("Largest file: %lld MB."),
					 (long long)(bst_doc_file_max(&r->ctx) / 1000000)));
	bst_buf_printf(b, "</p><p class=\"hint\">%s</p></section>",
		       _("The quota and the file size limit are set by the operator of this "
			 "installation: ask them to change either."));
}

/* The security contact: read-only here, set by the operator. */
static void security_contact(struct bst_req *r, bst_buf *b)
{
	struct bst_contact_row c;
	int found = bst_contact_get(&r->ctx, &c);
	if (found < 0)
		return;
	bst_buf_printf(b, "<section aria-labelledby=\"h-contact\"><h2 id=\"h-contact\">%s</h2>",
		       _("Security contact"));
	if (found == 0) {
		bst_buf_printf(b, "<p id=\"security-contact\">%s</p>",
			       _("No security contact is set for this platform yet."));
	} else {
		bst_buf_printf(b, "<dl id=\"security-contact\"><dt>%s</dt><dd>", _("Name"));
		bst_html_txt(b, c.name);
		bst_buf_printf(b, "</dd><dt>%s</dt><dd><a href=\"mailto:", _("E-mail"));
		bst_html_attr(b, c.email);
		bst_buf_puts(b, "\">");
		bst_html_txt(b, c.email);
		bst_buf_puts(b, "</a></dd>");
		if (c.phone[0]) {
			bst_buf_printf(b, "<dt>%s</dt><dd>", _("Phone"));
			bst_html_txt(b, c.phone);
			bst_buf_puts(b, "</dd>");
		}
		bst_buf_puts(b, "</dl>");
	}
	bst_buf_printf(b, "<p class=\"hint\">%s</p></section>",
		       _("Your organisation's security correspondent: they receive the notices of "
			 "security incidents and, at the end of the contract, the report of the "
			 "platform's destruction. The operator of this installation sets them as "
			 "agreed in your contract: ask them to change it."));
}

static void render(struct bst_req *r, int status, const char *error, const struct bst_settings *s)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Platform settings"));
	bst_page_admin_nav(r, &b, "settings");
	if (error)
		bst_page_notice(&b, "error", error);
	bst_form_begin(r, &b, "/admin/settings");

	bst_buf_printf(&b, "<h2>%s</h2>", _("Registration"));
	radios(&b, "registration", _("Who may create an account"), s->registration, reg_values,
	       reg_labels, 2);
	bst_page_field(&b, "text", "registration_domains",
		       _("Allowed e-mail domains, separated by commas (empty: any domain)"),
		       s->registration_domains, "maxlength=\"500\" placeholder=\"example.org, example.com\"");

	bst_buf_printf(&b, "<h2>%s</h2>", _("Sessions"));
	duration(&b, "idle", _("Inactivity timeout (5 minutes to 7 days)"),
		 s->idle_timeout_s, idle_units, N_IDLE_UNITS);
	duration(&b, "absolute", _("Maximum session length (1 hour to 90 days)"),
		 s->absolute_timeout_s, absolute_units, N_ABSOLUTE_UNITS);

	bst_buf_printf(&b, "<h2>%s</h2>", _("Second factor"));
	radios(&b, "mfa_policy", _("Who must use a second factor"), s->mfa_policy, mfa_values,
	       mfa_labels, 3);

	bst_buf_printf(&b, "<h2>%s</h2>", _("Language"));
	/* the languages' own names: not translated */
	bst_buf_printf(&b, "<fieldset><legend>%s</legend>",
		       _("Default language (for people who chose none)"));
	for (size_t i = 0; i < 2; i++)
		bst_buf_printf(&b, "<p><input type=\"radio\" id=\"f-lang-%s\" name=\"default_lang\" "
				   "value=\"%s\"%s><label for=\"f-lang-%s\" lang=\"%s\">%s</label></p>",
			       lang_values[i], lang_values[i],
			       strcmp(s->default_lang, lang_values[i]) == 0 ? " checked" : "",
			       lang_values[i], lang_values[i], lang_labels[i]);
	bst_buf_puts(&b, "</fieldset>");

	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form>",
		       _("Save the settings"));
	storage(r, &b);
	security_contact(r, &b);
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static bool one_of(const char *v, const char *const *values, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (strcmp(v, values[i]) == 0)
			return true;
	return false;
}

/* Normalises "Example.org, b.fr" into "example.org, b.fr". false when a
 * name is not a plausible domain or the list does not fit. */
static bool parse_domains(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	out[0] = '\0';
	const char *p = in ? in : "";
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		const char *end = p;
		while (*end && *end != ' ' && *end != ',' && *end != '\t')
			end++;
		size_t len = (size_t)(end - p);
		if (len == 0)
			break;
		if (*p == '.' || *p == '-' || p[len - 1] == '.' || p[len - 1] == '-' ||
		    !memchr(p, '.', len))
			return false;
		for (size_t i = 0; i < len; i++)
			if (!isalnum((unsigned char)p[i]) && p[i] != '.' && p[i] != '-')
				return false;
		if (o + len + 3 > outlen)
			return false;
		if (o) {
			out[o++] = ',';
			out[o++] = ' ';
		}
		for (size_t i = 0; i < len; i++)
			out[o++] = (char)tolower((unsigned char)p[i]);
		out[o] = '\0';
		p = end;
	}
	return true;
}

/* A number and its unit from the form, in seconds; -1 when malformed. */
static int64_t parse_duration(struct bst_req *r, const char *name, const struct unit *units,
			      size_t n)
{
	const char *v = bst_req_arg(r, name);
	const char *unit = bst_req_arg(r, bst_arena_printf(r->arena, "%s_unit", name));
	if (!v || !v[0] || !unit)
		return -1;
	char *end;
	long long num = strtoll(v, &end, 10);
	if (*end || num < 1 || num > 1000000)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(unit, units[i].key) == 0)
			return num * units[i].seconds;
	return -1;
}

static void save(struct bst_req *r)
{
	struct bst_ctx *c = &r->ctx;
	struct bst_settings next = c->settings; /* keeps what this form does not show */
	const char *reg = bst_req_arg(r, "registration");
	const char *mfa = bst_req_arg(r, "mfa_policy");
	const char *lang = bst_req_arg(r, "default_lang");
	const char *error = NULL;
	if (reg && one_of(reg, reg_values, 2))
		snprintf(next.registration, sizeof next.registration, "%s", reg);
	else
		error = _("Choose whether registration is closed or open.");
	const char *domains = bst_req_arg(r, "registration_domains");
	if (!parse_domains(domains, next.registration_domains, sizeof next.registration_domains)) {
		/* shown back as typed, to be corrected */
		snprintf(next.registration_domains, sizeof next.registration_domains, "%s",
			 domains);
		error = _("The allowed domains must be domain names such as example.org, "
			  "separated by commas.");
	}
	int64_t idle = parse_duration(r, "idle", idle_units, N_IDLE_UNITS);
	int64_t absolute = parse_duration(r, "absolute", absolute_units, N_ABSOLUTE_UNITS);
	if (idle < IDLE_MIN_S || idle > IDLE_MAX_S)
		error = _("The inactivity limit must be between 5 minutes and 7 days.");
	else
		next.idle_timeout_s = idle;
	if (absolute < ABSOLUTE_MIN_S || absolute > ABSOLUTE_MAX_S)
		error = _("The session lifetime must be between 1 hour and 90 days.");
	else
		next.absolute_timeout_s = absolute;
	if (!error && absolute < idle)
		error = _("The session lifetime cannot be shorter than the inactivity limit.");
	if (mfa && one_of(mfa, mfa_values, 3))
		snprintf(next.mfa_policy, sizeof next.mfa_policy, "%s", mfa);
	else
		error = _("Choose a second-factor policy.");
	if (lang && one_of(lang, lang_values, 2))
		snprintf(next.default_lang, sizeof next.default_lang, "%s", lang);
	else
		error = _("Choose French or English as the default language.");
	if (error) {
		render(r, 400, error, &next);
		return;
	}
	enum bst_account_status st = bst_settings_update(c, &next);
	if (st != BST_ACC_OK) {
		render(r, bst_account_http_status(st), _(bst_account_text(st)), &next);
		return;
	}
	bst_reply_redirect(r, "/admin/settings?notice=saved");
}

void bst_page_admin_settings(struct bst_req *r)
{
	if (strcmp(r->method, "POST") == 0)
		save(r);
	else
		render(r, 200, NULL, &r->ctx.settings);
}
