/*
 * The network task: owner of the one struct net_stack.
 *
 * Everything that touches the stack runs here. Drivers post received
 * frames from their interrupt handlers (net_task_input); other tasks post
 * calls (net_call) and sleep on a semaphore until the task has run them.
 * One message queue carries both, so frames and calls are handled in
 * arrival order and a busy application can never starve the receive path
 * of its turn. Between messages the task runs net_timer() every
 * CONFIG_NET_TASK_TIMER_MS.
 *
 * The pbuf pool is shared with drivers' interrupt handlers (they allocate
 * receive buffers), so its lock hooks mask interrupts.
 */
#include <kestrel/net/nettask.h>
#include <kestrel/os/kernel.h>

enum net_msg_kind {
	NET_MSG_RX,
	NET_MSG_CALL,
	NET_MSG_KICK,
	NET_MSG_POLL,
};

struct net_msg {
	uint8_t kind;
	struct netif *nif;
	struct pbuf *p;
	int (*fn)(struct net_stack *st, void *arg);
	void *arg;
	int *ret;
	struct os_sem *done;
};

OS_QUEUE_DEFINE(net_queue, sizeof(struct net_msg), CONFIG_NET_TASK_QUEUE);
static struct net_stack *the_stack;
static struct os_task net_task;
OS_STACK_DEFINE(net_stack_mem, CONFIG_NET_TASK_STACK);
static uint32_t rx_queue_drops;
static volatile bool poll_owed; /* some netif has NETIF_F_POLL_OWED */
static uint64_t rand_state;

static uint32_t now_ms(void)
{
	return (uint32_t)(os_time_ns() / 1000000u);
}

/* xorshift64*, seeded from the clock at start-up (see the note in docs/net.md). */
static uint32_t task_rand(void *ctx)
{
	(void)ctx;
	rand_state ^= rand_state >> 12;
	rand_state ^= rand_state << 25;
	rand_state ^= rand_state >> 27;
	return (uint32_t)((rand_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t pool_lock(void *ctx)
{
	(void)ctx;
	return os_irq_lock();
}

static void pool_unlock(void *ctx, uint32_t token)
{
	(void)ctx;
	os_irq_unlock(token);
}

static const struct pbuf_lock_ops pool_lock_ops = {pool_lock, pool_unlock, NULL};

/*
 * A driver's poll request: receive one budget's worth. A driver that used
 * its whole budget has more waiting; its next turn goes to the back of the
 * queue, behind the frames and calls that arrived meanwhile.
 */
static void net_task_do_poll(struct netif *nif)
{
	uint32_t key = os_irq_lock();
	int n;

	nif->flags &= (uint8_t)~NETIF_F_POLLING;
	os_irq_unlock(key);
	if (nif->ops == NULL || nif->ops->poll == NULL) {
		return;
	}
	n = nif->ops->poll(nif, CONFIG_NET_TASK_POLL_BUDGET);
	if (n >= CONFIG_NET_TASK_POLL_BUDGET) {
		net_task_poll(nif);
	}
}

/*
 * Serves the poll requests that found the queue full. A request can only be
 * owed while the queue is full, so the task had messages left to handle
 * then, and it comes back here after each before it waits again.
 */
static void net_task_owed_polls(struct net_stack *st)
{
	uint32_t key = os_irq_lock();

	poll_owed = false;
	os_irq_unlock(key);
	for (unsigned i = 0; i < CONFIG_NET_NETIF_MAX; i++) {
		struct netif *nif = st->netif[i];

		if (nif == NULL || !(nif->flags & NETIF_F_POLL_OWED)) {
			continue;
		}
		key = os_irq_lock();
		nif->flags &= (uint8_t)~NETIF_F_POLL_OWED;
		os_irq_unlock(key);
		net_task_do_poll(nif);
	}
}

static void handle(struct net_stack *st, const struct net_msg *m)
{
	switch (m->kind) {
	case NET_MSG_RX:
		net_input(st, m->nif, m->p);
		break;
	case NET_MSG_CALL:
		*m->ret = m->fn(st, m->arg);
		os_sem_give(m->done);
		break;
	case NET_MSG_POLL:
		net_task_do_poll(m->nif);
		break;
	default:
		break;
	}
}

static void net_task_main(void *arg)
{
	struct net_stack *st = arg;
	uint32_t last = now_ms();

	for (;;) {
		struct net_msg m;
		uint32_t now;

		if (poll_owed) {
			net_task_owed_polls(st);
		}
		if (os_queue_recv(&net_queue, &m, OS_MS(CONFIG_NET_TASK_TIMER_MS)) == 0) {
			handle(st, &m);
		}
		now = now_ms();
		if (now - last >= CONFIG_NET_TASK_TIMER_MS) {
			last = now;
			net_timer(st, now);
		}
		(void)net_poll(st);
	}
}

int net_task_start(struct net_stack *st)
{
	if (the_stack != NULL) {
		return -EBUSY;
	}
	rand_state = os_time_ns() ^ (uint64_t)os_wallclock_ns() ^ 0x9E3779B97F4A7C15ull;
	net_init(st, task_rand, NULL, now_ms());
	pbuf_pool_set_lock(&st->pool, &pool_lock_ops);
	the_stack = st;
	return os_task_create(&net_task, "net", net_task_main, st, CONFIG_NET_TASK_PRIO,
			      net_stack_mem, sizeof(net_stack_mem));
}

struct net_stack *net_task_stack(void)
{
	return the_stack;
}

struct pbuf *net_rx_alloc(size_t len)
{
	if (the_stack == NULL || len > 0xFFFF) {
		return NULL;
	}
	return pbuf_alloc(&the_stack->pool, PBUF_RAW, (uint16_t)len);
}

int net_task_input(struct netif *nif, struct pbuf *p)
{
	struct net_msg m = {NET_MSG_RX, nif, p, NULL, NULL, NULL, NULL};

	if (os_queue_send_isr(&net_queue, &m) != 0) {
		pbuf_free(p);
		rx_queue_drops++;
		if (nif != NULL) {
			nif->cnt.rx_drops++;
		}
		return -ENOMEM;
	}
	return 0;
}

int net_call(int (*fn)(struct net_stack *st, void *arg), void *arg)
{
	struct os_sem done;
	int ret = -EIO;
	struct net_msg m = {NET_MSG_CALL, NULL, NULL, fn, arg, &ret, &done};

	if (the_stack == NULL) {
		return -ENETDOWN;
	}
	if (os_task_self() == &net_task) {
		return fn(the_stack, arg); /* already inside: run directly */
	}
	os_sem_init(&done, 0, 1);
	os_queue_send(&net_queue, &m, OS_WAIT_FOREVER);
	os_sem_take(&done, OS_WAIT_FOREVER);
	return ret;
}

void net_task_poll(struct netif *nif)
{
	struct net_msg m = {NET_MSG_POLL, nif, NULL, NULL, NULL, NULL, NULL};
	uint32_t key = os_irq_lock();
	bool queued = (nif->flags & NETIF_F_POLLING) != 0;

	nif->flags |= NETIF_F_POLLING;
	os_irq_unlock(key);
	if (!queued && os_queue_send_isr(&net_queue, &m) != 0) {
		key = os_irq_lock();
		nif->flags |= NETIF_F_POLL_OWED; /* NETIF_F_POLLING stays: still pending */
		poll_owed = true;
		os_irq_unlock(key);
	}
}

void net_task_kick(void)
{
	struct net_msg m = {NET_MSG_KICK, NULL, NULL, NULL, NULL, NULL, NULL};

	(void)os_queue_send_isr(&net_queue, &m);
}
