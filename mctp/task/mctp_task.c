/*
 * The MCTP task: owns the device's struct mctp_glue (endpoint, services,
 * links) and runs mctp_glue_service() on three triggers, carried by one
 * event-flags object:
 *
 *   MCTP_EV_RX    a link driver's interrupt handler saw receive data;
 *   MCTP_EV_CALL  another task posted a call (shell commands);
 *   timeout       every 100 ms for reassembly/request expiry, or at once
 *                 while a bench stream or a receive burst is in progress.
 *
 * Calls are the only way other tasks reach MCTP state: mctp_task_call()
 * queues {fn, arg, result, done-semaphore} and blocks until the task ran
 * fn, so no MCTP structure is ever touched from two tasks.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/mctp/task.h>
#include <kestrel/os/kernel.h>

#define MCTP_EV_RX   0x1u
#define MCTP_EV_CALL 0x2u
#define MCTP_IDLE_MS 100

struct mctp_call {
	int (*fn)(struct mctp_glue *g, void *arg);
	void *arg;
	int result;
	struct os_sem *done;
};

static struct mctp_glue glue;
static struct os_task mctp_tcb;
static bool started;
OS_STACK_DEFINE(mctp_stack, CONFIG_MCTP_TASK_STACK);
OS_FLAGS_DEFINE(mctp_events);
OS_QUEUE_DEFINE(mctp_calls, sizeof(struct mctp_call *), 4);
OS_MUTEX_DEFINE(mctp_call_lock);

static uint32_t mctp_now_ms(void)
{
	return (uint32_t)(os_time_ns() / 1000000u);
}

static void mctp_run_calls(void)
{
	struct mctp_call *c;

	while (os_queue_recv(&mctp_calls, &c, OS_NO_WAIT) == 0) {
		c->result = c->fn(&glue, c->arg);
		/* the caller's replies (e.g. a changed EID) go out before it resumes */
		mctp_glue_flush(&glue);
		os_sem_give(c->done);
	}
}

static void mctp_task_main(void *arg)
{
	int more = 0;

	(void)arg;
	for (;;) {
		uint32_t got = 0;
		os_tick_t wait = more ? OS_NO_WAIT : OS_MS(MCTP_IDLE_MS);

		(void)os_flags_wait(&mctp_events, MCTP_EV_RX | MCTP_EV_CALL,
				    OS_FLAGS_ANY | OS_FLAGS_CLEAR, &got, wait);
		if (got & MCTP_EV_CALL) {
			mctp_run_calls();
		}
		more = mctp_glue_service(&glue, mctp_now_ms());
		if (more) {
			/* streaming: let tasks of our priority run between passes */
			os_yield();
		}
	}
}

int mctp_task_init(const struct mctp_glue_config *cfg)
{
	if (started) {
		return -EALREADY;
	}
	return mctp_glue_init(&glue, cfg);
}

int mctp_task_add_link(enum mctp_link_kind kind, uint16_t mtu, const struct mctp_link_ops *ops,
		       void *ctx, const char *name)
{
	if (started) {
		return -EALREADY;
	}
	return mctp_glue_add_link(&glue, kind, mtu, ops, ctx, name);
}

int mctp_task_start(void)
{
	int rc;

	if (started) {
		return -EALREADY;
	}
	rc = os_task_create(&mctp_tcb, "mctp", mctp_task_main, NULL, CONFIG_MCTP_TASK_PRIO,
			    mctp_stack, sizeof(mctp_stack));
	if (rc == 0) {
		started = true;
	}
	return rc;
}

void mctp_task_notify_isr(void)
{
	if (os_in_isr()) {
		os_flags_set_isr(&mctp_events, MCTP_EV_RX);
	} else {
		os_flags_set(&mctp_events, MCTP_EV_RX);
	}
}

int mctp_task_call(int (*fn)(struct mctp_glue *g, void *arg), void *arg)
{
	struct os_sem done;
	struct mctp_call call = {fn, arg, 0, &done};
	struct mctp_call *p = &call;
	int rc;

	if (!started) {
		return -ENODEV;
	}
	if (os_task_self() == &mctp_tcb) {
		return fn(&glue, arg);
	}
	os_sem_init(&done, 0, 1);
	/* one call in flight at a time keeps the queue from filling */
	rc = os_mutex_lock(&mctp_call_lock, OS_WAIT_FOREVER);
	if (rc < 0) {
		return rc;
	}
	rc = os_queue_send(&mctp_calls, &p, OS_WAIT_FOREVER);
	if (rc == 0) {
		os_flags_set(&mctp_events, MCTP_EV_CALL);
		rc = os_sem_take(&done, OS_WAIT_FOREVER);
	}
	(void)os_mutex_unlock(&mctp_call_lock);
	return rc < 0 ? rc : call.result;
}
