/* The process log: one line per event on standard error, UTC timestamp,
 * level, message. Thread-safe (one write(2) per line). Secrets never reach
 * it: callers log reasons, not values. */
#ifndef BST_CORE_LOG_H
#define BST_CORE_LOG_H

enum bst_log_level { BST_LOG_DEBUG, BST_LOG_INFO, BST_LOG_WARN, BST_LOG_ERROR };

void bst_log_set_level(enum bst_log_level min);
void bst_log(enum bst_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define bst_log_debug(...) bst_log(BST_LOG_DEBUG, __VA_ARGS__)
#define bst_log_info(...)  bst_log(BST_LOG_INFO, __VA_ARGS__)
#define bst_log_warn(...)  bst_log(BST_LOG_WARN, __VA_ARGS__)
#define bst_log_error(...) bst_log(BST_LOG_ERROR, __VA_ARGS__)

#endif
