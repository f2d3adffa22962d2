/*
 * Scheduler core: ready queues, blocking and waking, timeouts, the tick.
 *
 * Design. The kernel is a classic fixed-priority preemptive scheduler in
 * the uC/OS-II mould, with FreeRTOS-style round-robin inside a priority:
 *
 * - One circular list per priority holds the READY tasks; a 32-bit map
 *   says which lists are non-empty, so picking the next task is one
 *   count-trailing-zeros. The running task stays at the head of its list;
 *   a time slice that runs out (or os_yield) moves it to the tail.
 * - A task that blocks leaves its ready list, joins the object's wait
 *   queue (ordered by priority, FIFO within one) and, with a finite
 *   timeout, the timeout list (ordered by deadline). Whoever satisfies the
 *   wait hands the result over directly (a semaphore count, a mutex, a
 *   queue message) and stores it in wait_result; a timeout stores -EAGAIN.
 *   Direct hand-off means a woken task never has to retry and cannot be
 *   overtaken by a lower-priority task.
 * - Switching is always deferred to the port (arch_switch_pend): the
 *   kernel decides os_next with interrupts masked, and the port switches
 *   when interrupts are enabled again and no handler runs. So no kernel
 *   code ever runs half on one task and half on another.
 * - Time is a 32-bit tick count compared with wrap-safe arithmetic. The
 *   port announces elapsed ticks; os_next_deadline() lets a port sleep
 *   until the next deadline (tickless idle, and the hosted virtual clock,
 *   which jumps straight to it).
 */
#include "os_internal.h"

#include <kestrel/os/console.h>

struct os_task *volatile os_current;
struct os_task *volatile os_next;
struct os_task *os_task_all;
os_tick_t os_tick_count;

static struct os_list ready[CONFIG_OS_PRIO_LEVELS];
static uint32_t ready_map;
static struct os_list timeouts;
static unsigned isr_nesting;
static bool started;
static uint32_t switch_count;
static uint64_t last_switch_ns;
static os_tick_t window_start;
static int64_t wall_offset_ns;
static void (*panic_hook)(const char *why, const struct os_task *task);

static struct os_task idle_task;
OS_STACK_DEFINE(idle_stack, CONFIG_OS_IDLE_STACK_SIZE);

/* ---- ready queues ------------------------------------------------------- */

void os_ready_add(struct os_task *t)
{
	t->state = OS_TASK_READY;
	list_insert_before(&ready[t->prio], &t->link);
	ready_map |= 1u << t->prio;
}

void os_ready_remove(struct os_task *t)
{
	list_remove(&t->link);
	if (list_empty(&ready[t->prio])) {
		ready_map &= ~(1u << t->prio);
	}
}

void os_resched(void)
{
	struct os_task *n;

	if (!started) {
		return;
	}
	n = task_of(ready[__builtin_ctz(ready_map)].next);
	os_next = n;
	if (n != os_current) {
		arch_switch_pend();
	}
}

/* ---- wait queues and timeouts ------------------------------------------ */

static void waitq_insert(struct os_waitq *wq, struct os_task *t)
{
	struct os_list *pos = wq->waiters.next;

	while (pos != &wq->waiters && task_of(pos)->prio <= t->prio) {
		pos = pos->next;
	}
	list_insert_before(pos, &t->link);
	t->waitq = wq;
}

void os_waitq_requeue(struct os_task *t)
{
	struct os_waitq *wq = t->waitq;

	list_remove(&t->link);
	waitq_insert(wq, t);
}

void os_timeout_arm(struct os_task *t, os_tick_t ticks)
{
	struct os_list *pos = timeouts.next;

	/* deadlines are compared mod 2^32, so cap the distance at 2^31 - 1 */
	if (ticks > 0x7FFFFFFFu) {
		ticks = 0x7FFFFFFFu;
	}
	t->wake_at = os_tick_count + ticks;
	while (pos != &timeouts &&
	       !os_tick_after(container_of(pos, struct os_task, tlink)->wake_at, t->wake_at)) {
		pos = pos->next;
	}
	list_insert_before(pos, &t->tlink);
}

void os_timeout_disarm(struct os_task *t)
{
	list_remove(&t->tlink);
}

int os_block(struct os_waitq *wq, os_tick_t timeout, unsigned *key)
{
	struct os_task *t = os_current;

	if (timeout == OS_NO_WAIT) {
		return -EBUSY;
	}
	if (isr_nesting != 0 || *key != 0) {
		os_panic("blocking call with interrupts masked or from an ISR");
	}
	os_ready_remove(t);
	t->state = wq != NULL ? OS_TASK_BLOCKED : OS_TASK_SLEEPING;
	t->wait_result = -EAGAIN;
	if (wq != NULL) {
		waitq_insert(wq, t);
	}
	if (timeout != OS_WAIT_FOREVER) {
		os_timeout_arm(t, timeout);
	}
	os_resched();
	os_irq_unlock(*key);
	/* ...other tasks run until someone calls os_wake() on us... */
	*key = os_irq_lock();
	return t->wait_result;
}

void os_wake(struct os_task *t, int result)
{
	if (t->waitq != NULL) {
		list_remove(&t->link);
		t->waitq = NULL;
	}
	os_timeout_disarm(t);
	t->wait_result = result;
	if (t->suspended) {
		t->state = OS_TASK_SUSPENDED;
	} else {
		os_ready_add(t);
		os_resched();
	}
}

void os_task_prio_apply(struct os_task *t, unsigned prio)
{
	if (t->prio == prio) {
		return;
	}
	if (t->state == OS_TASK_READY) {
		os_ready_remove(t);
		t->prio = (uint8_t)prio;
		if (t == os_current) {
			/* the running task keeps the CPU within its new level */
			list_insert_before(ready[prio].next, &t->link);
			ready_map |= 1u << prio;
		} else {
			os_ready_add(t);
		}
		os_resched();
	} else if (t->state == OS_TASK_BLOCKED) {
		t->prio = (uint8_t)prio;
		os_waitq_requeue(t);
	} else {
		t->prio = (uint8_t)prio;
	}
}

os_tick_t os_next_deadline(void)
{
	unsigned key = os_irq_lock();
	os_tick_t left = OS_WAIT_FOREVER;

	if (!list_empty(&timeouts)) {
		struct os_task *t = container_of(timeouts.next, struct os_task, tlink);
		int32_t d = (int32_t)(t->wake_at - os_tick_count);
		left = d > 0 ? (os_tick_t)d : 0;
	}
	os_irq_unlock(key);
	return left;
}

/* ---- the tick ----------------------------------------------------------- */

static void cpu_window_update(void)
{
	uint64_t now = arch_time_ns();
	uint64_t span;
	struct os_task *t;

	os_current->cpu_ns += now - last_switch_ns;
	last_switch_ns = now;
	if ((os_tick_t)(os_tick_count - window_start) < CONFIG_OS_CPU_WINDOW_TICKS) {
		return;
	}
	span = (uint64_t)(os_tick_t)(os_tick_count - window_start) * (1000000000u / OS_TICK_HZ);
	window_start = os_tick_count;
	for (t = os_task_all; t != NULL; t = t->all_next) {
		uint64_t used = t->cpu_ns - t->cpu_mark_ns;
		uint64_t pm = span ? used * 1000u / span : 0;
		t->cpu_permille = (uint16_t)(pm > 1000 ? 1000 : pm);
		t->cpu_mark_ns = t->cpu_ns;
	}
}

static void time_slice(os_tick_t elapsed)
{
	struct os_task *c = os_current;

	if (c->state != OS_TASK_READY || c->link.next == c->link.prev) {
		c->slice = CONFIG_OS_TIME_SLICE_TICKS; /* alone at its level */
		return;
	}
	if (c->slice > elapsed) {
		c->slice = (uint8_t)(c->slice - elapsed);
		return;
	}
	c->slice = CONFIG_OS_TIME_SLICE_TICKS;
	list_remove(&c->link);
	list_insert_before(&ready[c->prio], &c->link);
}

void os_tick_announce(uint32_t elapsed)
{
	unsigned key = os_irq_lock();

	os_tick_count += elapsed;
	while (!list_empty(&timeouts)) {
		struct os_task *t = container_of(timeouts.next, struct os_task, tlink);
		if (os_tick_after(t->wake_at, os_tick_count)) {
			break;
		}
		os_wake(t, t->state == OS_TASK_SLEEPING ? 0 : -EAGAIN);
	}
	if (started) {
		time_slice(elapsed);
		cpu_window_update();
		os_resched();
	}
	os_irq_unlock(key);
}

void os_switch_hook(struct os_task *from, struct os_task *to)
{
	uint64_t now = arch_time_ns();

	if (from != NULL) {
		from->cpu_ns += now - last_switch_ns;
		if (from->state != OS_TASK_DEAD && !os_stack_ok(from)) {
			os_current = from;
			os_panic("stack overflow");
		}
	}
	last_switch_ns = now;
	switch_count++;
	(void)to;
}

/* ---- interrupts --------------------------------------------------------- */

unsigned os_irq_lock(void)
{
	return arch_irq_lock();
}

void os_irq_unlock(unsigned key)
{
	arch_irq_unlock(key);
}

void os_isr_enter(void)
{
	isr_nesting++;
}

void os_isr_exit(void)
{
	isr_nesting--;
}

bool os_in_isr(void)
{
	return isr_nesting != 0;
}

int os_irq_connect(unsigned irq, void (*handler)(void *arg), void *arg)
{
	return arch_irq_connect(irq, handler, arg);
}

void os_irq_enable(unsigned irq)
{
	arch_irq_enable(irq);
}

void os_irq_disable(unsigned irq)
{
	arch_irq_disable(irq);
}

/* ---- start-up, time, panic ---------------------------------------------- */

static void idle_main(void *arg)
{
	(void)arg;
	for (;;) {
		arch_idle();
	}
}

void os_init(void)
{
	for (unsigned i = 0; i < CONFIG_OS_PRIO_LEVELS; i++) {
		list_init(&ready[i]);
	}
	list_init(&timeouts);
	arch_init();
	wall_offset_ns = arch_wallclock_boot_ns();
	os_task_create(&idle_task, "idle", idle_main, NULL, OS_PRIO_IDLE, idle_stack,
		       sizeof(idle_stack));
	os_timer_subsys_init();
}

void os_start(void)
{
	(void)os_irq_lock();
	started = true;
	last_switch_ns = arch_time_ns();
	os_next = task_of(ready[__builtin_ctz(ready_map)].next);
	arch_clock_start(OS_TICK_HZ);
	arch_start();
}

void os_task_entry(void)
{
	struct os_task *t = os_current;

	t->entry(t->arg);
	os_task_delete(NULL);
	for (;;) {
	}
}

os_tick_t os_ticks(void)
{
	return os_tick_count;
}

uint64_t os_time_ns(void)
{
	return arch_time_ns();
}

int64_t os_wallclock_ns(void)
{
	return wall_offset_ns + (int64_t)arch_time_ns();
}

void os_wallclock_set(int64_t unix_ns)
{
	unsigned key = os_irq_lock();
	wall_offset_ns = unix_ns - (int64_t)arch_time_ns();
	os_irq_unlock(key);
}

static volatile int tz_offset_min = CONFIG_OS_TZ_OFFSET_MIN; /* an int: read and written whole */

int os_tz_offset_min(void)
{
	return tz_offset_min;
}

int os_tz_set_offset_min(int minutes)
{
	if (minutes < -OS_TZ_OFFSET_MAX_MIN || minutes > OS_TZ_OFFSET_MAX_MIN) {
		return -ERANGE;
	}
	tz_offset_min = minutes;
	return 0;
}

static void console_puts(const char *s)
{
	size_t n = 0;
	while (s[n] != '\0') {
		n++;
	}
	arch_console_write(s, n);
}

void os_panic(const char *why)
{
	const struct os_task *t = os_current;

	(void)os_irq_lock();
	console_puts("\r\nPANIC: ");
	console_puts(why);
	console_puts(" (task '");
	console_puts(t != NULL ? t->name : "-");
	console_puts("')\r\n");
	if (panic_hook != NULL) {
		panic_hook(why, t);
	}
	arch_halt(3);
}

void os_set_panic_hook(void (*hook)(const char *why, const struct os_task *task))
{
	panic_hook = hook;
}

void os_exit(int status)
{
	arch_halt(status);
}

void os_get_stats(struct os_stats *st)
{
	unsigned key = os_irq_lock();
	uint32_t n = 0;

	for (struct os_task *t = os_task_all; t != NULL; t = t->all_next) {
		n++;
	}
	st->context_switches = switch_count;
	st->tasks = n;
	st->idle_ns = idle_task.cpu_ns;
	os_irq_unlock(key);
}

const char *os_version(void)
{
	return KESTREL_VERSION;
}
