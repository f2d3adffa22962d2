/*
 * Private to the shell core: what the line editor (shell.c) uses from the
 * registry (shell_exec.c).
 */
#ifndef KESTREL_SHELL_INTERNAL_H
#define KESTREL_SHELL_INTERNAL_H

#include <kestrel/os/shell.h>

/*
 * The command whose name sorts right after prev's (NULL: the first), or
 * NULL at the end. Duplicate names appear once.
 */
const struct shell_cmd *shell_cmd_next_sorted(const struct shell_cmd *prev);

#endif /* KESTREL_SHELL_INTERNAL_H */
