/* A platform's security contact (DESIGN.md §1, "a project gets a single
 * security correspondent"): a name, an e-mail address and optionally a
 * phone number, set by the operator as part of the client's contract
 * (`bastide platform set-contact`) and kept in the control database with
 * the platform's row. Its administrators see it in their back office,
 * read-only (they ask the operator to change it); incident notices and the
 * destruction report go to it as well as to them. Every change is an event
 * of the platform's trail (platform.security_contact). Thread-safe. */
#ifndef BST_TENANT_CONTACT_H
#define BST_TENANT_CONTACT_H
#include <stdbool.h>
#include <stddef.h>

#include "db/queries.h"
#include "tenant/context.h"

/* Sets ctx's platform's contact (the operator only: ctx from the CLI).
 * name: UTF-8 text of 1 to BST_NAME_MAX bytes without control or
 * direction-override characters; email: an address as accounts take them
 * (lower-cased); phone: NULL or "" for none. 0, or -1 with a sentence in
 * err. */
int bst_contact_set(struct bst_ctx *ctx, const char *name, const char *email, const char *phone,
		    char *err, size_t errlen);

/* The contact of platform_id in control: 1 and *out, 0 when none is set,
 * -1 when the database fails. For services that mail it (no decision
 * about who may see it: see bst_contact_get). */
int bst_contact_of(bst_db *control, int64_t platform_id, struct bst_contact_row *out);

/* ctx's platform's contact, for its administrators (and the operator):
 * 1, 0 (none), -1 (forbidden or the database failed). */
int bst_contact_get(struct bst_ctx *ctx, struct bst_contact_row *out);

#endif
