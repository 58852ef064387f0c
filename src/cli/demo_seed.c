/* The demo platform's content (see demo_seed.h): the people, the groups,
 * a week of publications and conversations, and a few documents, written
 * through the services as each person at the time the story says. */
#include "cli/demo_seed.h"
#include "core/str.h"
#include "auth/account.h"
#include "core/crypto.h"
#include "social/apps.h"
#include "social/documents.h"
#include "social/groups.h"
#include "social/posts.h"
#include "social/profiles.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MINUTE_MS (60LL * 1000)
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)
/* The week of activity: days 0 to 6 are the seven days before today (UTC
 * midnights), so that every item is in the past whatever the hour. */
#define STORY_DAYS 7
/* Minutes between two likes of the same text. */
#define LIKE_STEP_MIN 3
/* What the audit log shows as the client of the seed's actions. */
#define SEED_AGENT "bastide-demo-seed"

/* ---- the cast ---- */

enum who {
	CAMILLE,
	LUCAS,
	EMMA,
	HUGO,
	CHLOE,
	JAMES,
	LEA,
	OLIVER,
	MANON,
	NOAH,
	AMELIA,
	THEO,
	N_PEOPLE,
	ADMIN = N_PEOPLE, /* the demo administrator, created by cmd_demo.c */
	N_WHO,
};
/* Ends the lists of people below. */
#define END (-1)

struct person {
	const char *email, *name, *job, *department, *location, *phone, *bio;
};

/* Phone numbers are in the ranges kept for fiction (ARCEP: 01 99 00;
 * Ofcom: 020 7946 0xxx). */
static const struct person people[N_PEOPLE] = {
    [CAMILLE] =
	{"camille.martin@demo.localhost", "Camille Martin", "Directrice produit",
	 "Produit", "Lyon", "+33 1 99 00 12 01",
	 "Je fais le lien entre nos clients et l'équipe produit. Ask me about the "
	 "**roadmap**."},
    [LUCAS] = {"lucas.bernard@demo.localhost", "Lucas Bernard", "Développeur backend",
	       "Ingénierie", "Paris", "+33 1 99 00 12 02",
	       "C, SQLite et café. Auteur de la moitié des migrations."},
    [EMMA] = {"emma.thompson@demo.localhost", "Emma Thompson", "UX Designer", "Design",
	      "London", "+44 20 7946 0103",
	      "Designing calm interfaces. Je parle un peu français !"},
    [HUGO] = {"hugo.dubois@demo.localhost", "Hugo Dubois", "Ingénieur SRE", "Ingénierie",
	      "Toulouse", "+33 1 99 00 12 04",
	      "Astreinte un week-end sur quatre. Les sauvegardes, c'est moi."},
    [CHLOE] = {"chloe.moreau@demo.localhost", "Chloé Moreau",
	       "Responsable ressources humaines", "Ressources humaines", "Paris",
	       "+33 1 99 00 12 05", "Recrutement, formation et entretiens annuels."},
    [JAMES] = {"james.oconnor@demo.localhost", "James O'Connor", "Sales Director",
	       "Ventes", "Dublin", "",
	       "Twelve years in B2B sales. Happy to help with any demo."},
    [LEA] =
	{"lea.laurent@demo.localhost", "Léa Laurent", "Chargée de communication",
	 "Communication", "Nantes", "+33 1 99 00 12 07",
	 "Communication interne et externe, et organisatrice officielle des déjeuners."},
    [OLIVER] = {"oliver.smith@demo.localhost", "Oliver Smith", "Data Analyst", "Data",
		"Manchester", "+44 20 7946 0108",
		"Dashboards, SQL and the occasional half-marathon."},
    [MANON] = {"manon.lefevre@demo.localhost", "Manon Lefèvre", "Juriste", "Juridique",
	       "Bordeaux", "+33 1 99 00 12 09",
	       "Contrats, RGPD et propriété intellectuelle."},
    [NOAH] = {"noah.fournier@demo.localhost", "Noah Fournier", "Chargé de support client",
	      "Support", "Lille", "+33 1 99 00 12 10",
	      "La voix de nos clients. Toujours partant pour tester une nouveauté."},
    [AMELIA] = {"amelia.johnson@demo.localhost", "Amelia Johnson", "Project Manager",
		"Produit", "Bristol", "+44 20 7946 0111",
		"Sprints, plans and retrospectives. Fluent in spreadsheets."},
    [THEO] = {"theo.rousseau@demo.localhost", "Théo Rousseau", "Comptable", "Finance",
	      "Marseille", "+33 1 99 00 12 12", "Notes de frais, budgets et clôtures."},
};

/* ---- the seed's state and its helpers ---- */

struct seed {
	struct bst_ctx *op; /* the operator's context */
	int64_t day0;       /* UTC midnight STORY_DAYS days ago */
	struct bst_user_row who[N_WHO];
	int64_t cafe, produit, comite, running; /* groups */
	int posts;
	char admin_mail[12]; /* the administrator's choice, while the story runs */
	bool failed;
	char *err;
	size_t errlen;
};

static void fail(struct seed *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(struct seed *s, const char *fmt, ...)
{
	if (s->failed)
		return;
	s->failed = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, s->errlen, fmt, ap);
	va_end(ap);
}

/* A moment of the story: day (0..STORY_DAYS-1; negative: before the
 * week), hour and minute, UTC. */
static int64_t at(const struct seed *s, int day, int hour, int minute)
{
	return s->day0 + day * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS;
}

/* A context acting as person w at time t. */
static struct bst_ctx as(const struct seed *s, enum who w, int64_t t)
{
	struct bst_ctx c = *s->op;
	c.actor = BST_ACTOR_USER;
	c.user = s->who[w];
	c.session_id = 0;
	c.session_auth_ms = 0;
	c.via_token = false;
	c.token_write = false;
	c.user_agent = SEED_AGENT;
	c.now = t;
	return c;
}

/* ---- people ---- */

static void add_person(struct seed *s, enum who w, int64_t t)
{
	const struct person *p = &people[w];
	struct bst_ctx c = *s->op;
	c.user_agent = SEED_AGENT;
	c.now = t;
	/* demo people never sign in: a random password nobody is told */
	uint8_t raw[24];
	char password[40];
	bst_random(raw, sizeof raw);
	bst_b64url_encode(raw, sizeof raw, password, sizeof password);
	enum bst_account_status st =
	    bst_account_create_active(&c, p->email, p->name, "member", password);
	if (st == BST_ACC_EXISTS) /* an earlier seed stopped before publishing */
		st = BST_ACC_OK;
	if (st == BST_ACC_OK)
		st = bst_account_find(&c, p->email, &s->who[w]);
	if (st != BST_ACC_OK) {
		fail(s, "account %s: %s", p->email, bst_account_text(st));
		return;
	}
	/* their notifications stay in the app: nobody reads these mailboxes */
	struct bst_profile_edit e = {.job_title = p->job,
				     .department = p->department,
				     .location = p->location,
				     .phone = p->phone,
				     .bio = p->bio,
				     .notify_mail = "off"};
	const char *field = NULL;
	enum bst_profile_status ps = bst_profile_update(&c, s->who[w].id, &e, &field);
	if (ps != BST_PROFILE_OK)
		fail(s, "profile of %s (%s): %s", p->email, field ? field : "?",
		     bst_profile_text(ps));
}

/* The administrator's profile; mail stays off while the story runs (a
 * week-old comment is news for the bell, not for the mailbox), and
 * admin_mail_restore puts their choice back. */
static void admin_profile(struct seed *s, int64_t t)
{
	struct bst_ctx c = as(s, ADMIN, t);
	struct bst_profile_row cur;
	enum bst_profile_status ps = bst_profile_get(&c, s->who[ADMIN].id, &cur);
	if (ps == BST_PROFILE_OK) {
		bst_str_copy(s->admin_mail, sizeof s->admin_mail, cur.notify_mail);
		struct bst_profile_edit e = {
		    .job_title = "Administrateur de la plateforme",
		    .department = "Direction",
		    .location = "Paris",
		    .bio = "I run this platform. Écrivez-moi pour toute question.",
		    .notify_mail = "off"};
		const char *field = NULL;
		ps = bst_profile_update(&c, s->who[ADMIN].id, &e, &field);
	}
	if (ps != BST_PROFILE_OK)
		fail(s, "profile of the administrator: %s", bst_profile_text(ps));
}

static void admin_mail_restore(struct seed *s)
{
	if (!s->admin_mail[0])
		return;
	struct bst_ctx c = as(s, ADMIN, s->op->now);
	struct bst_profile_edit e = {.notify_mail = s->admin_mail};
	enum bst_profile_status ps = bst_profile_update(&c, s->who[ADMIN].id, &e, NULL);
	if (ps != BST_PROFILE_OK)
		fail(s, "mail preference of the administrator: %s", bst_profile_text(ps));
}

/* ---- groups ---- */

struct find_group {
	const char *name;
	int64_t id;
};

static void take_group(void *cls, const struct bst_group *g,
		       const struct bst_group_access *a)
{
	(void)a;
	struct find_group *f = cls;
	if (!f->id && strcmp(g->name, f->name) == 0)
		f->id = g->id;
}

static int64_t add_group(struct seed *s, enum who creator, int64_t t, const char *name,
			 const char *kind, const char *description)
{
	if (s->failed)
		return 0;
	struct bst_ctx c = as(s, creator, t);
	int64_t id = 0;
	enum bst_group_status st = bst_group_create(&c, name, description, kind, &id);
	if (st == BST_GROUP_NAME_TAKEN) {
		/* an earlier seed stopped before publishing: take that group */
		struct find_group f = {name, 0};
		st =
		    bst_group_list(&c, name, true, 0, BST_GROUP_LIST_MAX, take_group, &f);
		id = f.id;
		if (st == BST_GROUP_OK && !id)
			st = BST_GROUP_NAME_TAKEN;
	}
	if (st != BST_GROUP_OK)
		fail(s, "group %s: %s", name, bst_group_text(st));
	return id;
}

static void check_group(struct seed *s, enum bst_group_status st, const char *what,
			int64_t group)
{
	if (st != BST_GROUP_OK && st != BST_GROUP_ALREADY)
		fail(s, "group %lld, %s: %s", (long long)group, what, bst_group_text(st));
}

/* Each of list joins an open group, one every few minutes from t. */
static void join(struct seed *s, int64_t group, int64_t t, const int *list)
{
	for (int i = 0; !s->failed && list[i] != END; i++) {
		struct bst_ctx c = as(s, (enum who)list[i], t + i * 7 * MINUTE_MS);
		check_group(s, bst_group_join(&c, group, NULL), "join", group);
	}
}

/* Each of list asks to join a private group; its administrator approves
 * an hour later unless pending. */
static void request(struct seed *s, int64_t group, enum who manager, int64_t t,
		    const int *list, bool pending)
{
	for (int i = 0; !s->failed && list[i] != END; i++) {
		int64_t when = t + i * 11 * MINUTE_MS;
		struct bst_ctx c = as(s, (enum who)list[i], when);
		bool requested = false;
		check_group(s, bst_group_join(&c, group, &requested), "request", group);
		if (s->failed || !requested || pending)
			continue;
		struct bst_ctx m = as(s, manager, when + HOUR_MS);
		check_group(s, bst_group_approve(&m, group, s->who[list[i]].id),
			    "approve", group);
	}
}

/* The manager invites each of list; they accept the same day unless
 * pending. */
static void invite(struct seed *s, int64_t group, enum who manager, int64_t t,
		   const int *list, bool pending)
{
	for (int i = 0; !s->failed && list[i] != END; i++) {
		int64_t when = t + i * 5 * MINUTE_MS;
		struct bst_ctx m = as(s, manager, when);
		check_group(s, bst_group_invite_user(&m, group, s->who[list[i]].id),
			    "invite", group);
		if (s->failed || pending)
			continue;
		struct bst_ctx c = as(s, (enum who)list[i], when + 2 * HOUR_MS);
		check_group(s, bst_group_accept(&c, group), "accept", group);
	}
}

/* ---- publications ---- */

static int64_t post(struct seed *s, enum who w, int64_t group, int64_t t,
		    const char *body)
{
	if (s->failed)
		return 0;
	struct bst_ctx c = as(s, w, t);
	int64_t id = 0;
	enum bst_post_status st = bst_post_create(&c, group, body, &id);
	if (st != BST_POST_OK)
		fail(s, "publication by %s: %s", s->who[w].email, bst_post_text(st));
	else
		s->posts++;
	return id;
}

static int64_t comment(struct seed *s, enum who w, int64_t post_id, int64_t parent,
		       int64_t t, const char *body)
{
	if (s->failed)
		return 0;
	struct bst_ctx c = as(s, w, t);
	int64_t id = 0;
	enum bst_post_status st = bst_comment_create(&c, post_id, parent, body, &id);
	if (st != BST_POST_OK)
		fail(s, "comment by %s on publication %lld: %s", s->who[w].email,
		     (long long)post_id, bst_post_text(st));
	return id;
}

static void pin(struct seed *s, enum who w, int64_t post_id, int64_t t)
{
	if (s->failed)
		return;
	struct bst_ctx c = as(s, w, t);
	enum bst_post_status st = bst_post_pin(&c, post_id, true);
	if (st != BST_POST_OK)
		fail(s, "pin of publication %lld: %s", (long long)post_id,
		     bst_post_text(st));
}

/* Each of list likes a "post" or a "comment", a few minutes apart from t. */
static void like(struct seed *s, const char *target, int64_t id, int64_t t,
		 const int *list)
{
	for (int i = 0; !s->failed && list[i] != END; i++) {
		struct bst_ctx c =
		    as(s, (enum who)list[i], t + i * LIKE_STEP_MIN * MINUTE_MS);
		enum bst_post_status st =
		    bst_reaction_set(&c, target, id, BST_REACTION_LIKE, true, NULL);
		if (st != BST_POST_OK)
			fail(s, "like of %s %lld: %s", target, (long long)id,
			     bst_post_text(st));
	}
}

/* ---- documents ---- */

static int64_t upload(struct seed *s, enum who w, int64_t t, const char *owner,
		      int64_t owner_id, int64_t folder, int64_t document,
		      const char *name, const void *data, size_t len)
{
	if (s->failed)
		return 0;
	struct bst_ctx c = as(s, w, t);
	struct bst_doc_upload *u = NULL;
	int64_t id = 0, number = 0;
	enum bst_doc_status st =
	    bst_doc_upload_begin(&c, owner, owner_id, folder, document, name, &u);
	if (st == BST_DOC_OK) {
		st = bst_doc_upload_data(u, data, len);
		if (st == BST_DOC_OK)
			st = bst_doc_upload_commit(u, &id, &number); /* frees u */
		else
			bst_doc_upload_abort(u);
	}
	if (st != BST_DOC_OK)
		fail(s, "document %s: %s", name, bst_doc_text(st));
	return id;
}

static int64_t folder(struct seed *s, enum who w, int64_t t, int64_t group,
		      const char *name)
{
	if (s->failed)
		return 0;
	struct bst_ctx c = as(s, w, t);
	struct bst_library lib;
	int64_t id = 0;
	enum bst_doc_status st = bst_library_open(&c, "group", group, &lib);
	if (st == BST_DOC_OK)
		st = bst_folder_create(&c, &lib, 0, name, &id);
	if (st != BST_DOC_OK)
		fail(s, "folder %s: %s", name, bst_doc_text(st));
	return id;
}

/* A small PNG (RGB, 8 bits, one stored deflate block: no compressor
 * needed), a diagonal gradient with a lighter square in the middle: the
 * library's inline image. */
#define LOGO_PX    32
#define LOGO_ROW   (1 + 3 * LOGO_PX) /* filter byte, then RGB */
#define LOGO_RAW   (LOGO_ROW * LOGO_PX)
#define LOGO_IDAT  (2 + 5 + LOGO_RAW + 4) /* zlib header, stored block, Adler-32 */
#define LOGO_BYTES (8 + (12 + 13) + (12 + LOGO_IDAT) + 12)
_Static_assert(LOGO_RAW <= 65535, "one stored deflate block holds at most 65535 bytes");

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

/* A chunk of type and len bytes of data at p; returns the end. */
static uint8_t *chunk(uint8_t *p, const char *type, const uint8_t *data, uint32_t len)
{
	p = put32(p, len);
	uint8_t *typed = p;
	memcpy(p, type, 4);
	if (len)
		memcpy(p + 4, data, len);
	p += 4 + len;
	return put32(p, crc32_of(typed, 4 + (size_t)len));
}

static size_t logo_png(uint8_t out[LOGO_BYTES])
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	uint8_t ihdr[13];
	put32(ihdr, LOGO_PX);
	put32(ihdr + 4, LOGO_PX);
	ihdr[8] = 8;  /* bits per sample */
	ihdr[9] = 2;  /* truecolour */
	ihdr[10] = 0; /* deflate */
	ihdr[11] = 0; /* adaptive filtering */
	ihdr[12] = 0; /* no interlace */
	uint8_t idat[LOGO_IDAT];
	uint8_t *raw = idat + 7;
	for (int y = 0; y < LOGO_PX; y++) {
		uint8_t *row = raw + y * LOGO_ROW;
		row[0] = 0; /* filter: none */
		for (int x = 0; x < LOGO_PX; x++) {
			bool inner = x >= 10 && x < 22 && y >= 10 && y < 22;
			row[1 + 3 * x] = (uint8_t)(inner ? 0xf4 : 0x1d + 2 * x);
			row[2 + 3 * x] = (uint8_t)(inner ? 0xc4 : 0x4e + 2 * y);
			row[3 + 3 * x] = (uint8_t)(inner ? 0x30 : 0xd8 - x - y);
		}
	}
	idat[0] = 0x78; /* deflate, 32 KiB window; (0x7801 % 31) == 0 */
	idat[1] = 0x01;
	idat[2] = 0x01; /* final block, stored */
	idat[3] = (uint8_t)(LOGO_RAW & 0xff);
	idat[4] = (uint8_t)(LOGO_RAW >> 8);
	idat[5] = (uint8_t)(~LOGO_RAW & 0xff);
	idat[6] = (uint8_t)((~LOGO_RAW >> 8) & 0xff);
	uint32_t a = 1, b = 0; /* Adler-32 */
	for (size_t i = 0; i < LOGO_RAW; i++) {
		a = (a + raw[i]) % 65521;
		b = (b + a) % 65521;
	}
	put32(raw + LOGO_RAW, (b << 16) | a);
	uint8_t *p = out;
	memcpy(p, sig, sizeof sig);
	p = chunk(p + sizeof sig, "IHDR", ihdr, sizeof ihdr);
	p = chunk(p, "IDAT", idat, sizeof idat);
	p = chunk(p, "IEND", NULL, 0);
	return (size_t)(p - out);
}

static const char budget_csv[] = "Poste;T1;T2;T3;T4;Total\n"
				 "Salaires;182000;182000;189000;189000;742000\n"
				 "Hébergement;4200;4200;4800;4800;18000\n"
				 "Licences;2600;900;900;900;5300\n"
				 "Salons & events;0;12000;0;8000;20000\n"
				 "Formation;1500;3000;1500;3000;9000\n";

static const char roadmap_v1[] = "# Roadmap 2025\n"
				 "\n"
				 "## T2\n"
				 "- Notifications par e-mail (digest quotidien)\n"
				 "- Recherche plein texte\n"
				 "\n"
				 "## T3\n"
				 "- Mobile-friendly pages\n";

static const char roadmap_v2[] = "# Roadmap 2025\n"
				 "\n"
				 "## T2\n"
				 "- Notifications par e-mail (digest quotidien) - done\n"
				 "- Recherche plein texte - in review\n"
				 "\n"
				 "## T3\n"
				 "- Mobile-friendly pages\n"
				 "- Visioconférence intégrée (Jitsi)\n"
				 "\n"
				 "## T4\n"
				 "- Export des données par groupe\n";

static const char agenda_txt[] = "Comité de direction - ordre du jour\n"
				 "\n"
				 "1. Budget 2025 : arbitrages\n"
				 "2. Recrutements du semestre\n"
				 "3. Nouveaux locaux de Lyon\n"
				 "4. Questions diverses\n";

/* ---- the story ---- */

static void cast(struct seed *s)
{
	for (int w = 0; w < N_PEOPLE && !s->failed; w++)
		add_person(s, (enum who)w, at(s, -30, 8, 5 * w));
	if (!s->failed)
		admin_profile(s, at(s, -30, 9, 30));
}

static void groups(struct seed *s)
{
	s->cafe = add_group(s, LEA, at(s, -20, 9, 0), "Pause café", "open",
			    "Le coin détente : déjeuners, gâteaux et sorties. "
			    "*Everyone is welcome!*");
	s->produit = add_group(s, CAMILLE, at(s, -20, 9, 30), "Équipe produit", "private",
			       "Roadmap, spécifications et démos de l'équipe produit.\n\n"
			       "Private group: ask Camille to join.");
	s->comite =
	    add_group(s, ADMIN, at(s, -19, 10, 0), "Comité de direction", "secret",
		      "Confidential: agendas and minutes of the leadership committee.");
	s->running = add_group(s, OLIVER, at(s, -18, 17, 0), "Running club", "open",
			       "Weekly runs, races and routes. Tous niveaux bienvenus.");
	if (s->failed)
		return;
	join(s, s->cafe, at(s, -19, 9, 0),
	     (const int[]){LUCAS, EMMA, HUGO, CHLOE, JAMES, NOAH, MANON, THEO, AMELIA,
			   ADMIN, END});
	request(s, s->produit, CAMILLE, at(s, -19, 13, 0),
		(const int[]){LUCAS, EMMA, AMELIA, HUGO, END}, false);
	/* a platform administrator joins a private group at once */
	join(s, s->produit, at(s, -18, 8, 0), (const int[]){ADMIN, END});
	invite(s, s->comite, ADMIN, at(s, -19, 10, 5),
	       (const int[]){CAMILLE, CHLOE, JAMES, THEO, END}, false);
	join(s, s->running, at(s, -17, 12, 0),
	     (const int[]){JAMES, EMMA, HUGO, LEA, END});
}

static void week(struct seed *s)
{
	/* day 0: the welcome */
	int64_t welcome =
	    post(s, ADMIN, 0, at(s, 0, 9, 0),
		 "# Bienvenue sur Bastide !\n"
		 "\n"
		 "Welcome to **Bastide**, our new collaboration platform. Pour bien "
		 "démarrer :\n"
		 "\n"
		 "- complétez votre profil (poste, service, ville) ;\n"
		 "- rejoignez les [groupes](/groups) qui vous concernent ;\n"
		 "- find your colleagues in the [directory](/people);\n"
		 "- mentionnez quelqu'un avec `@` suivi du début de son adresse.\n"
		 "\n"
		 "Questions? Ask @camille.martin or me.");
	pin(s, ADMIN, welcome, at(s, 0, 9, 5));
	int64_t c1 = comment(s, CAMILLE, welcome, 0, at(s, 0, 9, 40),
			     "Merci ! Enfin un seul endroit pour tout retrouver.");
	comment(s, LUCAS, welcome, c1, at(s, 0, 10, 15),
		"+1, c'est bien plus lisible que nos quarante listes de diffusion.");
	comment(s, EMMA, welcome, 0, at(s, 0, 11, 2),
		"Love the clean look. Is there a dark mode on the roadmap?");
	like(s, "post", welcome, at(s, 0, 12, 0),
	     (const int[]){CAMILLE, LUCAS, EMMA, HUGO, CHLOE, JAMES, LEA, OLIVER, NOAH,
			   END});
	like(s, "comment", c1, at(s, 0, 13, 0), (const int[]){LUCAS, LEA, END});

	/* day 1 */
	int64_t reviews = post(
	    s, CHLOE, 0, at(s, 1, 8, 45),
	    "**Entretiens annuels** : le calendrier est en ligne.\n"
	    "\n"
	    "| Équipe | Période | Référent |\n"
	    "|---|---|---|\n"
	    "| Produit | 3 – 14 mars | Camille |\n"
	    "| Ingénierie | 17 – 28 mars | Hugo |\n"
	    "| Ventes | ~~31 mars – 4 avril~~ 7 – 11 avril | James |\n"
	    "\n"
	    "Merci de réserver un créneau avec votre référent avant la fin du mois.");
	int64_t roadmap =
	    post(s, CAMILLE, s->produit, at(s, 1, 10, 30),
		 "## Roadmap T2\n"
		 "\n"
		 "1. Notifications par e-mail (digest quotidien)\n"
		 "2. Recherche plein texte\n"
		 "3. ~~Application mobile~~ pages adaptées au mobile\n"
		 "\n"
		 "@amelia.johnson can you share the sprint plan? "
		 "@lucas.bernard la spec est dans la bibliothèque du groupe.");
	pin(s, CAMILLE, roadmap, at(s, 1, 10, 31));
	comment(s, AMELIA, roadmap, 0, at(s, 1, 11, 10),
		"Sure, I'll put it in the *Spécifications* folder this afternoon.");
	like(s, "post", roadmap, at(s, 1, 11, 30),
	     (const int[]){LUCAS, EMMA, AMELIA, END});
	int64_t maintenance =
	    post(s, HUGO, 0, at(s, 1, 14, 20),
		 "**Maintenance planifiée** jeudi à ~~22 h~~ **23 h** (heure de Paris) : "
		 "mise à jour de la base de données, coupure d'environ quinze minutes.\n"
		 "\n"
		 "@admin peux-tu prévenir les équipes de Dublin et de Londres ?");
	comment(s, ADMIN, maintenance, 0, at(s, 1, 14, 50),
		"C'est noté, je préviens Dublin et Londres.");
	comment(s, JAMES, reviews, 0, at(s, 1, 15, 30),
		"Thanks Chloé — sales moved to April because of the trade show.");
	like(s, "post", reviews, at(s, 1, 16, 0),
	     (const int[]){CAMILLE, HUGO, MANON, THEO, END});
	like(s, "post", maintenance, at(s, 1, 16, 30), (const int[]){ADMIN, LUCAS, END});

	/* day 2 */
	int64_t q3 =
	    post(s, JAMES, 0, at(s, 2, 10, 0),
		 "Great quarter, team! Highlights:\n"
		 "\n"
		 "1. 14 new customers (+40 %)\n"
		 "2. Churn down to 2.1 %\n"
		 "3. Our first deal in Ireland\n"
		 "\n"
		 "Thanks @oliver.smith for the numbers. Les détails par région : "
		 "https://example.com/q3-report");
	comment(s, OLIVER, q3, 0, at(s, 2, 10, 40),
		"Happy to help! Détail par région la semaine prochaine.");
	int64_t lunch = post(
	    s, LEA, s->cafe, at(s, 2, 12, 5),
	    "Qui est partant pour un déjeuner au nouveau restaurant libanais vendredi ?");
	comment(s, LUCAS, lunch, 0, at(s, 2, 12, 20), "Moi !");
	comment(s, HUGO, lunch, 0, at(s, 2, 12, 31), "Count me in.");
	int64_t dublin = comment(s, JAMES, lunch, 0, at(s, 2, 13, 2),
				 "I'm in Dublin that day, next time!");
	comment(s, LEA, lunch, dublin, at(s, 2, 13, 15),
		"On te garde une part de baklava.");
	like(s, "post", q3, at(s, 2, 14, 0),
	     (const int[]){CAMILLE, CHLOE, OLIVER, THEO, ADMIN, NOAH, END});
	like(s, "post", lunch, at(s, 2, 14, 30),
	     (const int[]){LUCAS, HUGO, NOAH, EMMA, END});

	/* day 3 */
	int64_t design =
	    post(s, EMMA, 0, at(s, 3, 9, 10),
		 "Our new design system is live.\n"
		 "\n"
		 "- Colours: ~~#3366cc~~ **#1d4ed8** for links, better contrast\n"
		 "- Larger touch targets on every button\n"
		 "- Icons redrawn on a 24 px grid\n"
		 "\n"
		 "Tout est documenté ici : [guide de "
		 "style](https://example.com/design-system).");
	int64_t wow = comment(s, LEA, design, 0, at(s, 3, 9, 50),
			      "Magnifique, les nouvelles couleurs sont top.");
	comment(s, EMMA, design, wow, at(s, 3, 10, 5), "Merci Léa !");
	like(s, "post", design, at(s, 3, 10, 30),
	     (const int[]){LEA, CAMILLE, AMELIA, NOAH, END});
	int64_t agenda = post(s, ADMIN, s->comite, at(s, 3, 18, 0),
			      "Ordre du jour du prochain comité :\n"
			      "\n"
			      "1. Budget 2025 : arbitrages\n"
			      "2. Recrutements du semestre\n"
			      "3. Nouveaux locaux de Lyon\n"
			      "\n"
			      "Le document est dans la bibliothèque du groupe.");
	comment(s, CHLOE, agenda, 0, at(s, 3, 18, 30),
		"J'ajoute un point sur la mutuelle, si possible.");
	like(s, "post", agenda, at(s, 3, 19, 0), (const int[]){JAMES, THEO, END});

	/* day 4 */
	int64_t croissants =
	    post(s, NOAH, s->cafe, at(s, 4, 8, 30),
		 "Les croissants sont dans la cuisine du troisième. Premiers arrivés…");
	like(s, "post", croissants, at(s, 4, 8, 40),
	     (const int[]){LEA, LUCAS, CHLOE, THEO, MANON, END});
	int64_t demo =
	    post(s, AMELIA, s->produit, at(s, 4, 15, 0),
		 "Sprint demo on Friday at 3 pm, salle Lumière.\n"
		 "\n"
		 "@admin will you join us? @emma.thompson will show the new mock-ups.");
	comment(s, EMMA, demo, 0, at(s, 4, 15, 20),
		"I'll bring the mock-ups on the big screen.");
	post(s, MANON, 0, at(s, 4, 16, 30),
	     "Rappel RGPD avant d'importer un fichier client :\n"
	     "\n"
	     "- ne gardez que les colonnes utiles ;\n"
	     "- supprimez les exports une fois le travail fini ;\n"
	     "- en cas de doute, écrivez-moi.\n"
	     "\n"
	     "Les recommandations de la CNIL : https://www.cnil.fr/");

	/* day 5 */
	request(s, s->produit, CAMILLE, at(s, 5, 9, 0), (const int[]){NOAH, END}, true);
	int64_t expenses = post(
	    s, THEO, 0, at(s, 5, 11, 0),
	    "Notes de frais : la date limite passe du ~~15~~ au **20** de chaque mois.\n"
	    "\n"
	    "| Type | Plafond |\n"
	    "|---|---|\n"
	    "| Repas | 25 € |\n"
	    "| Hôtel (Paris) | 150 € |\n"
	    "| Hôtel (ailleurs) | 110 € |");
	comment(s, CAMILLE, expenses, 0, at(s, 5, 11, 30),
		"Merci Théo. @admin on l'ajoute au guide d'accueil ?");
	like(s, "post", expenses, at(s, 5, 12, 0),
	     (const int[]){CHLOE, JAMES, LUCAS, END});

	/* day 6 */
	int64_t run = post(s, OLIVER, s->running, at(s, 6, 7, 30),
			   "Sunday 10K along the river, 9 am at the usual spot. "
			   "Rythme tranquille, tout le monde est bienvenu.");
	like(s, "post", run, at(s, 6, 8, 0), (const int[]){JAMES, EMMA, LEA, END});
	invite(s, s->comite, ADMIN, at(s, 6, 8, 30), (const int[]){MANON, END}, true);
	int64_t release = post(s, LUCAS, 0, at(s, 6, 9, 15),
			       "La version 1.2 est en production.\n"
			       "\n"
			       "- recherche plus rapide\n"
			       "- bibliothèques de documents avec versions\n"
			       "- ~~bug~~ correction de l'affichage des tableaux\n"
			       "\n"
			       "Merci @hugo.dubois pour la migration sans coupure !");
	comment(s, HUGO, release, 0, at(s, 6, 9, 45), "Zero downtime, as promised.");
	like(s, "post", release, at(s, 6, 10, 0),
	     (const int[]){HUGO, CAMILLE, ADMIN, EMMA, OLIVER, AMELIA, END});
}

static void documents(struct seed *s)
{
	if (!bst_app_enabled(s->op, "documents"))
		return;
	upload(s, ADMIN, at(s, 0, 8, 0), "user", s->who[ADMIN].id, 0, 0,
	       BST_DEMO_NOTE_NAME, BST_DEMO_NOTE_TEXT, sizeof BST_DEMO_NOTE_TEXT - 1);
	upload(s, CAMILLE, at(s, 1, 11, 0), "group", s->produit, 0, 0,
	       "Budget produit 2025.csv", budget_csv, sizeof budget_csv - 1);
	int64_t specs = folder(s, CAMILLE, at(s, 1, 11, 5), s->produit, "Spécifications");
	int64_t roadmap = upload(s, AMELIA, at(s, 1, 16, 0), "group", s->produit, specs,
				 0, "roadmap-2025.md", roadmap_v1, sizeof roadmap_v1 - 1);
	upload(s, AMELIA, at(s, 2, 9, 0), "group", s->produit, 0, roadmap, NULL,
	       roadmap_v2, sizeof roadmap_v2 - 1);
	uint8_t png[LOGO_BYTES];
	size_t png_len = logo_png(png);
	upload(s, EMMA, at(s, 3, 9, 15), "group", s->produit, 0, 0, "logo-bastide.png",
	       png, png_len);
	upload(s, ADMIN, at(s, 3, 18, 5), "group", s->comite, 0, 0, "ordre-du-jour.txt",
	       agenda_txt, sizeof agenda_txt - 1);
}

enum bst_demo_seed_result bst_demo_seed(struct bst_ctx *ctx,
					const struct bst_user_row *admin,
					const char **summary, char *err, size_t errlen)
{
	if (summary)
		*summary = NULL;
	if (errlen)
		err[0] = '\0';
	/* Publications are never removed, only marked deleted, and the first
	 * gets id 1: a platform that ever had one still has that row. */
	struct bst_post_row first;
	switch (bst_q_post_get(ctx->platform->main, 1, 0, ctx->arena, &first)) {
	case BST_QS_ONE_RESULT:
		return BST_DEMO_PRESENT;
	case BST_QS_NO_RESULTS:
		break;
	case BST_QS_SOFT_ERROR:
	case BST_QS_HARD_ERROR:
		snprintf(err, errlen, "cannot read the demo platform's publications");
		return BST_DEMO_FAILED;
	}
	struct seed s = {0};
	s.op = ctx;
	s.day0 = (ctx->now / DAY_MS - STORY_DAYS) * DAY_MS;
	s.who[ADMIN] = *admin;
	s.err = err;
	s.errlen = errlen;
	cast(&s);
	groups(&s);
	week(&s);
	documents(&s);
	admin_mail_restore(&s);
	if (s.failed)
		return BST_DEMO_FAILED;
	static char line[120];
	snprintf(line, sizeof line, "%d people, 4 groups, %d publications, documents",
		 N_PEOPLE, s.posts);
	if (summary)
		*summary = line;
	return BST_DEMO_SEEDED;
}
