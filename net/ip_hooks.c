/*
 * Weak defaults for the hooks the TCP module provides (see ip.h), so the
 * stack links and runs without TCP: segments are freed, timers do nothing.
 *
 * Note for static linking: a strong tcp_input() in libkestrel_net.a only
 * replaces this one if its object file is pulled into the link, which
 * happens when the application references any symbol defined in it.
 */
#include "net_internal.h"

__attribute__((weak)) void tcp_input(struct net_stack *st, struct pbuf *p, const struct ip_info *ip)
{
	(void)st;
	(void)ip;
	pbuf_free(p);
}

__attribute__((weak)) void tcp_timer(struct net_stack *st, uint32_t now_ms)
{
	(void)st;
	(void)now_ms;
}
