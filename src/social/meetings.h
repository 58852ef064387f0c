/* The registry of optional applications as administrators see it (what
 * each one is, where its service is hosted, its switch), and the video
 * meetings application: a meeting is a link to a room with an unguessable
 * name on the Jitsi server the operator configured ([meetings] in the
 * configuration file), listed to the platform's members for a day.
 * Switching an application is audited (app.switch); an application whose
 * external service is not configured cannot be switched on. Meetings are
 * kept in this process's memory: a restart forgets the list (the rooms
 * live on the Jitsi server). Thread-safe. */
#ifndef BST_SOCIAL_MEETINGS_H
#define BST_SOCIAL_MEETINGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/queries.h"
#include "tenant/context.h"

#define BST_APPS_MAX 8

enum bst_app_status {
	BST_APP_OK = 0,
	BST_APP_UNKNOWN,      /* no such application */
	BST_APP_FORBIDDEN,
	BST_APP_UNAVAILABLE,  /* its service is not configured on this server */
	BST_APP_OFF,          /* the application is switched off */
	BST_APP_INVALID_TITLE,
	BST_APP_ERROR,
};
const char *bst_app_code(enum bst_app_status s);
const char *bst_app_text(enum bst_app_status s);
int bst_app_http_status(enum bst_app_status s);

struct bst_app_info {
	const char *name;        /* "documents", "meetings" */
	const char *label;       /* msgid */
	const char *description; /* msgid */
	bool enabled;
	bool available;          /* its service is configured: may be switched on */
	const char *hosting;     /* where its data or service is: a msgid (translate
				    it) when hosting_msgid, else the operator's text */
	bool hosting_msgid;
	const char *provider;    /* the operator's text, "" when none */
	const char *url;         /* the external service, "" when none */
	int64_t updated_ms;      /* last switch, 0: never */
};

/* Every application, in a fixed order, into out[BST_APPS_MAX] (strings
 * are static or the configuration's). Returns how many, or -1. Everyone
 * signed in may list them. */
int bst_apps_list(struct bst_ctx *ctx, struct bst_app_info *out);
enum bst_app_status bst_app_info_get(struct bst_ctx *ctx, const char *name,
				     struct bst_app_info *out);
/* Switches an application on or off: platform administrators only. */
enum bst_app_status bst_app_switch(struct bst_ctx *ctx, const char *name, bool on);

/* ---- video meetings ---- */

/* 160 random bits in the room name: above the 128 bits a link that alone
 * grants access needs (the same bar as our one-time links). */
#define BST_MEETING_ROOM_BYTES 20
#define BST_MEETING_TTL_MS (24LL * 3600 * 1000)
#define BST_MEETING_TITLE_MAX 100
#define BST_MEETINGS_PER_PLATFORM 200

struct bst_meeting {
	char title[BST_MEETING_TITLE_MAX + 1];
	char url[600];            /* the room's address on the Jitsi server */
	int64_t created_ms;
	int64_t created_by;
	char created_by_name[BST_NAME_MAX + 1];
};

/* Starts a meeting (title may be empty: a default is given). Members of
 * the platform, with the application on and a server configured. */
enum bst_app_status bst_meeting_start(struct bst_ctx *ctx, const char *title,
				      struct bst_meeting *out);
/* The platform's meetings of the last BST_MEETING_TTL_MS, newest first. */
enum bst_app_status bst_meetings_list(struct bst_ctx *ctx,
				      void (*fn)(void *cls, const struct bst_meeting *m),
				      void *cls);

#endif
