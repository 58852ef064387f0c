/* The demo platform's content, written once by `bastide demo` so that a
 * newcomer of `make run` finds a living platform: a dozen people with
 * French and English names and full profiles, groups of the three kinds
 * with their members, publications over the last days (Markdown, mentions,
 * a pinned one), comments with replies, likes, and a few documents. It is
 * written through the services only (accounts, profiles, groups, posts,
 * documents), acting as each person in turn at the time the story gives,
 * so that audit, search index and notifications are exactly what real use
 * leaves. Never for any platform but the demo one. Not thread-safe (a CLI
 * command). */
#ifndef BST_CLI_DEMO_SEED_H
#define BST_CLI_DEMO_SEED_H
#include <stddef.h>

#include "db/queries.h"
#include "tenant/context.h"

/* The document the seed puts in the demo administrator's personal space,
 * byte for byte (the integration test downloads it and compares). */
#define BST_DEMO_NOTE_NAME "Notes de démarrage.md"
#define BST_DEMO_NOTE_TEXT                                                               \
	"# Notes de démarrage / Getting started\n"                                      \
	"\n"                                                                             \
	"Cette note est dans votre espace personnel : vous seul la voyez.\n"             \
	"This note lives in your personal space: only you can see it.\n"                 \
	"\n"                                                                             \
	"- Le fil d'accueil montre la plateforme et vos groupes.\n"                      \
	"- Mention someone with @ and the start of their e-mail address.\n"              \
	"- Les bibliothèques des groupes gardent chaque version.\n"                     \
	"\n"                                                                             \
	"Bonne découverte !\n"

enum bst_demo_seed_result {
	BST_DEMO_SEEDED,  /* the content was written now */
	BST_DEMO_PRESENT, /* the platform has publications already: nothing done */
	BST_DEMO_FAILED, /* see err; what was written stays (services commit each step) */
};

/* Seeds ctx's platform (the demo one; ctx is the operator's) when it has
 * no publication yet, around its administrator admin (an active account),
 * ending at ctx->now. On BST_DEMO_SEEDED, *summary (may be NULL) points to
 * a static one-line description. err gets the reason of a failure. */
enum bst_demo_seed_result bst_demo_seed(struct bst_ctx *ctx,
					const struct bst_user_row *admin,
					const char **summary, char *err, size_t errlen);

#endif
