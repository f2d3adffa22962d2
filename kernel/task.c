/*
 * Task lifecycle: create, delete, suspend/resume, sleep, priorities, the
 * task list and stack checking.
 *
 * Stacks are painted with OS_STACK_PAINT when a task is created; the
 * high-water mark is the lowest byte that no longer holds the paint (stacks
 * grow down on every supported port). The lowest OS_CANARY_WORDS words hold
 * OS_STACK_CANARY; the port checks them at every switch away from a task,
 * so an overflow is reported at the latest on the next context switch.
 */
#include "os_internal.h"

#include <string.h>

#define STACK_MIN (OS_CANARY_WORDS * 4u + 128u)

static bool task_listed(const struct os_task *t)
{
	for (const struct os_task *i = os_task_all; i != NULL; i = i->all_next) {
		if (i == t) {
			return true;
		}
	}
	return false;
}

static void task_unlist(struct os_task *t)
{
	struct os_task **pp = &os_task_all;

	while (*pp != NULL && *pp != t) {
		pp = &(*pp)->all_next;
	}
	if (*pp == t) {
		*pp = t->all_next;
	}
	t->all_next = NULL;
}

static void task_list_append(struct os_task *t)
{
	struct os_task **pp = &os_task_all;

	while (*pp != NULL) {
		pp = &(*pp)->all_next;
	}
	t->all_next = NULL;
	*pp = t;
}

void os_stack_paint(struct os_task *t)
{
	uint32_t *w = (uint32_t *)(void *)t->stack;

	memset(t->stack, OS_STACK_PAINT, t->stack_size);
	for (unsigned i = 0; i < OS_CANARY_WORDS; i++) {
		w[i] = OS_STACK_CANARY;
	}
}

bool os_stack_ok(const struct os_task *t)
{
	const uint32_t *w = (const uint32_t *)(const void *)t->stack;

	for (unsigned i = 0; i < OS_CANARY_WORDS; i++) {
		if (w[i] != OS_STACK_CANARY) {
			return false;
		}
	}
	return true;
}

size_t os_task_stack_used(const struct os_task *t)
{
	const uint32_t paint4 = OS_STACK_PAINT * 0x01010101u;
	const uint32_t *w = (const uint32_t *)(const void *)t->stack;
	size_t words = t->stack_size / 4u;
	size_t i = OS_CANARY_WORDS;

	if (!os_stack_ok(t)) {
		return t->stack_size;
	}
	/*
	 * ps and the status page call this for every task with interrupts
	 * masked, so skip the untouched paint a word at a time (stacks are
	 * 8-byte aligned) and only look at bytes in the first used word.
	 */
	while (i < words && w[i] == paint4) {
		i++;
	}
	i *= 4u;
	while (i < t->stack_size && t->stack[i] == OS_STACK_PAINT) {
		i++;
	}
	return t->stack_size - i;
}

int os_task_create(struct os_task *t, const char *name, os_task_fn fn, void *arg, unsigned prio,
		   void *stack, size_t stack_size)
{
	unsigned key;

	if (t == NULL || fn == NULL || stack == NULL || stack_size < STACK_MIN ||
	    prio >= CONFIG_OS_PRIO_LEVELS || ((uintptr_t)stack & 7u) != 0) {
		return -EINVAL;
	}
	/* only the kernel's own idle task lives at the idle level */
	if (prio == OS_PRIO_IDLE && os_task_all != NULL) {
		return -EINVAL;
	}
	key = os_irq_lock();
	if (task_listed(t)) {
		os_irq_unlock(key);
		return -EINVAL;
	}
	os_irq_unlock(key);

	memset(t, 0, sizeof(*t));
	list_init(&t->link);
	list_init(&t->tlink);
	t->name = name != NULL ? name : "?";
	t->entry = fn;
	t->arg = arg;
	t->stack = stack;
	t->stack_size = (uint32_t)(stack_size & ~7u);
	t->prio = t->base_prio = (uint8_t)prio;
	t->slice = CONFIG_OS_TIME_SLICE_TICKS;
	os_stack_paint(t);
	arch_task_init(t);

	key = os_irq_lock();
	task_list_append(t);
	os_ready_add(t);
	os_resched();
	os_irq_unlock(key);
	return 0;
}

/* Takes t out of whatever queue it is in; interrupts masked. */
static void task_detach(struct os_task *t)
{
	struct os_mutex *m = t->wait_mutex;

	if (t->state == OS_TASK_READY) {
		os_ready_remove(t);
	} else if (t->waitq != NULL) {
		list_remove(&t->link);
		t->waitq = NULL;
	}
	os_timeout_disarm(t);
	if (m != NULL) {
		t->wait_mutex = NULL;
		if (m->owner != NULL) {
			os_mutex_prio_update(m->owner); /* t no longer lends its priority */
		}
	}
}

int os_task_delete(struct os_task *t)
{
	unsigned key = os_irq_lock();
	bool self;

	if (t == NULL) {
		t = os_current;
	}
	if (!task_listed(t) || t->state == OS_TASK_DEAD || t->prio == OS_PRIO_IDLE) {
		os_irq_unlock(key);
		return -EINVAL;
	}
	self = t == os_current;
	task_detach(t);
	os_mutex_release_all(t);
	t->state = OS_TASK_DEAD;
	task_unlist(t);
	if (!self) {
		arch_task_exit(t);
	}
	os_resched();
	os_irq_unlock(key);
	if (self) {
		os_panic("deleted task kept running");
	}
	return 0;
}

int os_task_suspend(struct os_task *t)
{
	unsigned key = os_irq_lock();
	int ret = 0;

	if (t == NULL) {
		t = os_current;
	}
	if (!task_listed(t) || t->prio == OS_PRIO_IDLE) {
		ret = -EINVAL;
	} else if (t->state == OS_TASK_READY) {
		os_ready_remove(t);
		t->state = OS_TASK_SUSPENDED;
		t->suspended = 1;
		os_resched();
	} else {
		t->suspended = 1; /* takes effect when its wait ends */
	}
	os_irq_unlock(key);
	return ret;
}

int os_task_resume(struct os_task *t)
{
	unsigned key = os_irq_lock();
	int ret = 0;

	if (t == NULL || !task_listed(t) || !t->suspended) {
		ret = -EINVAL;
	} else {
		t->suspended = 0;
		if (t->state == OS_TASK_SUSPENDED) {
			os_ready_add(t);
			os_resched();
		}
	}
	os_irq_unlock(key);
	return ret;
}

int os_task_set_prio(struct os_task *t, unsigned prio)
{
	unsigned key;

	if (prio >= OS_PRIO_IDLE) {
		return -EINVAL;
	}
	key = os_irq_lock();
	if (t == NULL) {
		t = os_current;
	}
	if (!task_listed(t) || t->state == OS_TASK_DEAD) {
		os_irq_unlock(key);
		return -EINVAL;
	}
	t->base_prio = (uint8_t)prio;
	os_mutex_prio_update(t);
	os_irq_unlock(key);
	return 0;
}

struct os_task *os_task_self(void)
{
	return os_current;
}

void os_sleep(os_tick_t ticks)
{
	unsigned key;

	if (ticks == 0) {
		os_yield();
		return;
	}
	key = os_irq_lock();
	(void)os_block(NULL, ticks, &key);
	os_irq_unlock(key);
}

void os_sleep_ms(uint32_t ms)
{
	os_sleep(OS_MS(ms));
}

void os_yield(void)
{
	unsigned key = os_irq_lock();
	struct os_task *t = os_current;

	list_remove(&t->link);
	os_ready_add(t);
	t->slice = CONFIG_OS_TIME_SLICE_TICKS;
	os_resched();
	os_irq_unlock(key);
}

void os_busy_wait(os_tick_t ticks)
{
	arch_busy_wait(ticks);
}

int os_task_list(struct os_task_info *out, int max)
{
	unsigned key = os_irq_lock();
	int n = 0;

	for (struct os_task *t = os_task_all; t != NULL; t = t->all_next, n++) {
		if (n >= max) {
			continue;
		}
		out[n].name = t->name;
		out[n].prio = t->prio;
		out[n].base_prio = t->base_prio;
		out[n].state = t->state;
		out[n].cpu_permille = t->cpu_permille;
		out[n].stack_size = t->stack_size;
		out[n].stack_used = (uint32_t)os_task_stack_used(t);
		out[n].cpu_ns = t->cpu_ns;
	}
	os_irq_unlock(key);
	return n;
}

const char *os_task_state_name(unsigned state)
{
	static const char *const names[] = {"ready", "blocked", "sleeping", "suspended", "dead"};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}
