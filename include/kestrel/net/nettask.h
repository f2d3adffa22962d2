/*
 * The network task: the one task that owns a struct net_stack (the lwIP
 * "tcpip thread" model). Drivers hand it received frames; every other task
 * reaches the stack only through net_call(), which runs a function inside
 * the network task and waits for its result. No stack state is ever
 * touched from two tasks.
 */
#ifndef KESTREL_NET_NETTASK_H
#define KESTREL_NET_NETTASK_H

#include <stddef.h>

#include <kestrel/net/netif.h>
#include <kestrel/net/pbuf.h>
#include <kestrel/net/stack.h>

#ifndef CONFIG_NET_TASK_PRIO
#define CONFIG_NET_TASK_PRIO 5
#endif
#ifndef CONFIG_NET_TASK_STACK
#define CONFIG_NET_TASK_STACK 4096
#endif
/* Received frames (and calls) waiting for the network task. */
#ifndef CONFIG_NET_TASK_QUEUE
#define CONFIG_NET_TASK_QUEUE 64
#endif
/* Frames a polling driver (eth_driver_ops.poll) receives per turn. */
#ifndef CONFIG_NET_TASK_POLL_BUDGET
#define CONFIG_NET_TASK_POLL_BUDGET 32
#endif
/* How often net_timer() runs when nothing else wakes the task (ms). */
#ifndef CONFIG_NET_TASK_TIMER_MS
#define CONFIG_NET_TASK_TIMER_MS 10
#endif

/* Initialises st (net_init) and starts the task that owns it. */
int net_task_start(struct net_stack *st);

/* The stack the network task owns (NULL before net_task_start). */
struct net_stack *net_task_stack(void);

/*
 * A receive buffer for a frame of len bytes, from the stack's pool.
 * ISR-safe. NULL when the pool is empty (the driver counts a drop).
 */
struct pbuf *net_rx_alloc(size_t len);

/*
 * Hands a received Ethernet frame to the stack. ISR-safe; takes ownership
 * of p. @retval -ENOMEM the task's queue is full (p was freed, counted)
 */
int net_task_input(struct netif *nif, struct pbuf *p);

/*
 * Runs fn(st, arg) in the network task and returns its result. Must not be
 * called from the network task itself or from an ISR.
 */
int net_call(int (*fn)(struct net_stack *st, void *arg), void *arg);

/*
 * Asks the network task to call nif->ops->poll (drivers with a poll op;
 * see struct eth_driver_ops). ISR-safe; a request already queued for nif
 * is not queued twice. A request is never lost: when the task's queue is
 * full it is kept owed and served before the task next waits, so a driver
 * that masked its receive interrupt needs no retry of its own.
 */
void net_task_poll(struct netif *nif);

/* Wakes the network task (e.g. a driver's TX ring drained). ISR-safe. */
void net_task_kick(void);

#endif /* KESTREL_NET_NETTASK_H */
