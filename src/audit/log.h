/* The access log as the back office and the API show it: listing with
 * filters and a cursor, one entry, verification of the chain, exports,
 * and a person's own recent sign-ins ("was this you?"). Every function
 * decides who may (the platform's administrators; oneself for one's
 * sign-ins), and every reading of the log by an administrator is itself
 * recorded in it before anything is shown (audit.log.read,
 * audit.log.entry, audit.log.verify, audit.log.export): when that record
 * cannot be written, nothing is shown. Thread-safe. */
#ifndef BST_AUDIT_LOG_H
#define BST_AUDIT_LOG_H
#include "audit/export.h"
#include "audit/filter.h"
#include "audit/verify.h"
#include "tenant/context.h"

/* Entries matching a (see filter.h), newest first, after its cursor, at
 * most limit (1..500), to fn. */
enum bst_alog_status bst_audit_log_list(struct bst_ctx *ctx,
					const struct bst_audit_filter_args *a, int limit,
					bst_trail_fn fn, void *cls);
/* Entry seq to fn; BST_ALOG_NOT_FOUND when it is not (or no longer) there. */
enum bst_alog_status bst_audit_log_entry(struct bst_ctx *ctx, int64_t seq, bst_trail_fn fn,
					 void *cls);
/* Verifies the platform's whole trail with the installation's public key
 * (as `bastide audit verify` does), into v. */
enum bst_alog_status bst_audit_log_verify(struct bst_ctx *ctx, struct bst_audit_verdict *v);
/* An export of the entries matching a (its cursor ignored), in *out, which
 * the caller frees (bst_audit_export_free). */
enum bst_alog_status bst_audit_log_export(struct bst_ctx *ctx,
					  const struct bst_audit_filter_args *a,
					  enum bst_audit_format fmt,
					  struct bst_audit_export **out);
/* The acting user's own last sign-in events (successes and failures of the
 * password and the second factor), newest first, at most limit. */
enum bst_alog_status bst_audit_own_signins(struct bst_ctx *ctx, int limit, bst_trail_fn fn,
					   void *cls);

#endif
