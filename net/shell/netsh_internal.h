/*
 * Private to net/shell/: helpers the network shell commands share.
 *
 * Commands copy what they show out of the stack with net_call() and print
 * afterwards in their own task: a shell's output may itself go through the
 * network (telnet), so nothing is printed from inside the network task.
 */
#ifndef KESTREL_NET_NETSH_INTERNAL_H
#define KESTREL_NET_NETSH_INTERNAL_H

#include <kestrel/net/nettask.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

/* Dotted quad or DNS name to an address (waits for the resolver). */
int netsh_resolve(const char *name, uint32_t *addr);

/* Parses a decimal in [lo, hi]; -EINVAL otherwise. */
int netsh_parse_uint(const char *s, uint32_t lo, uint32_t hi, uint32_t *out);

/* Prints "usage: ..." (the help text's second line on) and returns -EINVAL. */
int netsh_usage(struct shell *sh, const char *name);

/* Serialises commands that share the big static tables below. */
extern struct os_mutex netsh_lock;

#endif
