/*
 * Kestrel kernel public API.
 *
 * A preemptive, fixed-priority kernel. Priority 0 is the highest and
 * CONFIG_OS_PRIO_LEVELS - 1 belongs to the idle task. Tasks of equal
 * priority share the CPU round-robin, CONFIG_OS_TIME_SLICE_TICKS each.
 *
 * Every object lives in caller-provided storage (there is no heap): declare
 * it with its *_DEFINE() macro or embed it and call its *_init().
 *
 * Blocking calls take a timeout in ticks: OS_NO_WAIT, OS_WAIT_FOREVER or a
 * count. They return:
 *   0        success
 *   -EAGAIN  the timeout expired
 *   -EBUSY   the call would block and OS_NO_WAIT was given
 *   -EINTR   the object was reset/deleted while waiting
 * plus call-specific codes listed at each function. Functions named *_isr
 * may be called from interrupt handlers and never block; no other blocking
 * call may be made from an interrupt handler.
 */
#ifndef KESTREL_OS_KERNEL_H
#define KESTREL_OS_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/errno.h>
#include <kestrel/os/config.h>
#include <kestrel/arch_types.h>

typedef uint32_t os_tick_t;

#define OS_NO_WAIT	((os_tick_t)0)
#define OS_WAIT_FOREVER ((os_tick_t)0xFFFFFFFFu)
#define OS_TICK_HZ	CONFIG_OS_TICK_HZ
#define OS_PRIO_IDLE	(CONFIG_OS_PRIO_LEVELS - 1)

/* Milliseconds to ticks, rounded up (a 1 ms wait never becomes 0). */
#define OS_MS(ms) ((os_tick_t)((((uint64_t)(ms)) * OS_TICK_HZ + 999u) / 1000u))

/* Intrusive doubly linked list node; also used as a list head. */
struct os_list {
	struct os_list *next;
	struct os_list *prev;
};

/* A priority-ordered queue of waiting tasks (FIFO within a priority). */
struct os_waitq {
	struct os_list waiters;
};

enum os_task_state {
	OS_TASK_READY = 0, /* runnable (the running task is READY too) */
	OS_TASK_BLOCKED,   /* waiting on an object, maybe with a timeout */
	OS_TASK_SLEEPING,  /* in os_sleep() */
	OS_TASK_SUSPENDED, /* os_task_suspend() */
	OS_TASK_DEAD,	   /* returned or deleted */
};

struct os_mutex;
typedef void (*os_task_fn)(void *arg);

/* Task control block. Fields are private to the kernel. */
struct os_task {
	struct os_arch_task arch; /* must stay first: ports address it at offset 0 */
	struct os_list link;	  /* ready list or wait queue */
	struct os_list tlink;	  /* timeout list */
	struct os_task *all_next; /* every task, for the task list */
	const char *name;
	os_task_fn entry;
	void *arg;
	uint8_t *stack;
	uint32_t stack_size;
	uint8_t prio;		/* effective (maybe inherited) */
	uint8_t base_prio;	/* as created / set */
	uint8_t state;		/* enum os_task_state */
	uint8_t slice;		/* ticks left in this time slice */
	uint8_t suspended;	/* suspend requested (applies when a wait ends) */
	struct os_waitq *waitq; /* queue blocked on, or NULL */
	int wait_result;
	uint32_t wait_a; /* object-specific wait data */
	uint32_t wait_b;
	void *wait_p;
	os_tick_t wake_at;
	struct os_mutex *held;	     /* mutexes owned, newest first */
	struct os_mutex *wait_mutex; /* mutex being waited for, or NULL */
	uint64_t cpu_ns;	     /* CPU time consumed */
	uint64_t cpu_mark_ns;	     /* cpu_ns at the start of the window */
	uint16_t cpu_permille;	     /* share of the last window */
};

/* Stack storage, aligned for every port, with the port's extra headroom. */
#define OS_STACK_SIZEOF(bytes)	     ((((bytes) + CONFIG_ARCH_STACK_EXTRA) + 7u) & ~7u)
#define OS_STACK_DEFINE(name, bytes) static uint64_t name[OS_STACK_SIZEOF(bytes) / sizeof(uint64_t)]

/* ---- kernel and time --------------------------------------------------- */

/* Prepares the kernel; call once before creating tasks. */
void os_init(void);

/* Starts scheduling; never returns. */
void os_start(void) __attribute__((noreturn));

/* Ticks since os_start(); wraps after 2^32 ticks (compare with os_tick_after). */
os_tick_t os_ticks(void);

/* Monotonic time since boot in nanoseconds (finer than a tick where the port allows). */
uint64_t os_time_ns(void);

/* True if tick a is later than tick b (wrap-safe). */
static inline bool os_tick_after(os_tick_t a, os_tick_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * UTC wall clock in ns since 1970, and its setter (e.g. SNTP). Starts from the
 * host clock on the hosted port and from 1970 + uptime on boards without one.
 */
int64_t os_wallclock_ns(void);
void os_wallclock_set(int64_t unix_ns);

/*
 * The device's time zone: a fixed offset from UTC in minutes, east positive
 * (+330 is +05:30, -480 is -08:00), for showing local time (`date`, apps).
 * No daylight-saving rules. Starts at CONFIG_OS_TZ_OFFSET_MIN.
 */
#define OS_TZ_OFFSET_MAX_MIN (14 * 60)
int os_tz_offset_min(void);
/* @retval -ERANGE beyond +-OS_TZ_OFFSET_MAX_MIN (nothing changes) */
int os_tz_set_offset_min(int minutes);

/*
 * Stops the system: prints "PANIC: <why>" and the running task, calls the
 * panic hook if one is set, then halts the port (hosted: exit status 3).
 */
void os_panic(const char *why) __attribute__((noreturn));
void os_set_panic_hook(void (*hook)(const char *why, const struct os_task *task));

/* Halts the system with an exit status (hosted: process exit; QEMU: semihosting exit). */
void os_exit(int status) __attribute__((noreturn));

/* ---- tasks ------------------------------------------------------------- */

/*
 * Creates a task and makes it ready. stack/stack_size come from
 * OS_STACK_DEFINE (use sizeof). The name is kept by reference.
 * @retval -EINVAL bad priority, stack too small, or task already live
 */
int os_task_create(struct os_task *t, const char *name, os_task_fn fn, void *arg, unsigned prio,
		   void *stack, size_t stack_size);

/*
 * Deletes a task (NULL = the caller, which does not return). Mutexes it
 * held pass to their next waiter, who sees -EOWNERDEAD.
 * @retval -EINVAL the task is not live or is the idle task
 */
int os_task_delete(struct os_task *t);

/* @retval -EINVAL not live, idle, or (resume) not suspended */
int os_task_suspend(struct os_task *t);
int os_task_resume(struct os_task *t);

/* Changes the base priority. @retval -EINVAL bad priority or task */
int os_task_set_prio(struct os_task *t, unsigned prio);

struct os_task *os_task_self(void);

/* Sleeps at least `ticks` ticks (0 = yield). */
void os_sleep(os_tick_t ticks);
void os_sleep_ms(uint32_t ms);

/* Lets other ready tasks of the same priority run. */
void os_yield(void);

/*
 * Keeps the CPU busy for `ticks` ticks without blocking. On the hosted
 * virtual clock this is simulated CPU time (the clock advances while the
 * task runs, so time slicing and preemption happen as on hardware).
 */
void os_busy_wait(os_tick_t ticks);

/* Bytes of the task's stack ever used (high-water mark). */
size_t os_task_stack_used(const struct os_task *t);

struct os_task_info {
	const char *name;
	uint8_t prio;
	uint8_t base_prio;
	uint8_t state;
	uint16_t cpu_permille; /* share of the CPU in the last window, 0..1000 */
	uint32_t stack_size;
	uint32_t stack_used;
	uint64_t cpu_ns;
};

/* Fills up to max entries (creation order); returns the number of tasks. */
int os_task_list(struct os_task_info *out, int max);

const char *os_task_state_name(unsigned state);

/* ---- semaphores -------------------------------------------------------- */

struct os_sem {
	struct os_waitq wq;
	uint32_t count;
	uint32_t max; /* 1 = binary */
};

#define OS_WAITQ_INIT(obj, field)                                  \
	{                                                          \
		{                                                  \
			&(obj).field.waiters, &(obj).field.waiters \
		}                                                  \
	}
#define OS_SEM_DEFINE(name, initial, maximum) \
	struct os_sem name = {OS_WAITQ_INIT(name, wq), (initial), (maximum)}

void os_sem_init(struct os_sem *s, uint32_t initial, uint32_t max);
int os_sem_take(struct os_sem *s, os_tick_t timeout);
/* @retval -EOVERFLOW the count is already at its maximum (nothing changes) */
int os_sem_give(struct os_sem *s);
int os_sem_give_isr(struct os_sem *s);
uint32_t os_sem_count(const struct os_sem *s);

/* ---- mutexes (priority inheritance, recursive) ------------------------- */

struct os_mutex {
	struct os_waitq wq;
	struct os_task *owner;
	uint32_t depth;
	struct os_mutex *next_held;
};

#define OS_MUTEX_DEFINE(name) struct os_mutex name = {OS_WAITQ_INIT(name, wq), NULL, 0, NULL}

void os_mutex_init(struct os_mutex *m);
/*
 * Locks (again, if the caller owns it). While a higher-priority task waits,
 * the owner runs at that task's priority.
 * @retval -EOWNERDEAD acquired, but the previous owner was deleted holding it
 */
int os_mutex_lock(struct os_mutex *m, os_tick_t timeout);
/* @retval -EPERM the caller does not own the mutex */
int os_mutex_unlock(struct os_mutex *m);

/* ---- message queues (copy by value) ------------------------------------ */

struct os_queue {
	struct os_waitq rx_wq; /* receivers waiting for a message */
	struct os_waitq tx_wq; /* senders waiting for room */
	uint8_t *buf;
	uint16_t msg_size;
	uint16_t cap;
	uint16_t head;
	uint16_t count;
};

#define OS_QUEUE_DEFINE(name, msgsize, capacity)            \
	static uint8_t name##_buf[(msgsize) * (capacity)];  \
	struct os_queue name = {OS_WAITQ_INIT(name, rx_wq), \
				OS_WAITQ_INIT(name, tx_wq), \
				name##_buf,                 \
				(msgsize),                  \
				(capacity),                 \
				0,                          \
				0}

void os_queue_init(struct os_queue *q, void *buf, size_t msg_size, size_t cap);
/* Copies msg_size bytes from msg (caller keeps msg). */
int os_queue_send(struct os_queue *q, const void *msg, os_tick_t timeout);
int os_queue_send_isr(struct os_queue *q, const void *msg);
/* Copies the oldest message into msg (msg_size bytes). */
int os_queue_recv(struct os_queue *q, void *msg, os_tick_t timeout);
unsigned os_queue_count(const struct os_queue *q);

/* Mailboxes: queues of pointers. The pointed-to object changes hands. */
#define OS_MBOX_DEFINE(name, capacity) OS_QUEUE_DEFINE(name, sizeof(void *), capacity)
static inline int os_mbox_post(struct os_queue *q, void *msg, os_tick_t timeout)
{
	return os_queue_send(q, &msg, timeout);
}
static inline int os_mbox_post_isr(struct os_queue *q, void *msg)
{
	return os_queue_send_isr(q, &msg);
}
static inline int os_mbox_fetch(struct os_queue *q, void **msg, os_tick_t timeout)
{
	return os_queue_recv(q, msg, timeout);
}

/* ---- event flags ------------------------------------------------------- */

#define OS_FLAGS_ANY   0x0u /* wake when any bit of the mask is set */
#define OS_FLAGS_ALL   0x1u /* wake when every bit of the mask is set */
#define OS_FLAGS_CLEAR 0x2u /* clear the matched bits on the way out */

struct os_flags {
	struct os_waitq wq;
	uint32_t bits;
};

#define OS_FLAGS_DEFINE(name) struct os_flags name = {OS_WAITQ_INIT(name, wq), 0}

void os_flags_init(struct os_flags *f, uint32_t initial);
/* On success *matched (if not NULL) gets the flags as they satisfied the wait. */
int os_flags_wait(struct os_flags *f, uint32_t mask, unsigned opts, uint32_t *matched,
		  os_tick_t timeout);
void os_flags_set(struct os_flags *f, uint32_t bits);
void os_flags_set_isr(struct os_flags *f, uint32_t bits);
void os_flags_clear(struct os_flags *f, uint32_t bits);
uint32_t os_flags_get(const struct os_flags *f);

/* ---- software timers (callbacks run in the timer task) ----------------- */

struct os_timer;
typedef void (*os_timer_fn)(struct os_timer *t, void *arg);

struct os_timer {
	struct os_list link;
	os_tick_t expires;
	os_tick_t period; /* 0 = one-shot */
	os_timer_fn fn;
	void *arg;
	const char *name;
	bool active;
};

void os_timer_init(struct os_timer *t, const char *name, os_timer_fn fn, void *arg);
/* (Re)arms: first expiry after `delay` ticks (>= 1), then every `period` (0 = once). */
int os_timer_start(struct os_timer *t, os_tick_t delay, os_tick_t period);
/* @retval -EALREADY the timer was not running */
int os_timer_stop(struct os_timer *t);
bool os_timer_active(const struct os_timer *t);

/* ---- fixed-block memory pools ------------------------------------------ */

struct os_pool {
	const char *name;
	uint8_t *mem;
	void *free_list;
	uint32_t block_size;
	uint16_t count;
	uint16_t used;
	uint16_t peak;
	uint32_t fails;
	bool ready;
	struct os_pool *next;
};

#define OS_POOL_BLOCK(sz) ((((sz) < sizeof(void *) ? sizeof(void *) : (sz)) + 7u) & ~7u)
#define OS_POOL_DEFINE(name, blksize, nblocks)                              \
	static uint64_t name##_mem[OS_POOL_BLOCK(blksize) * (nblocks) / 8]; \
	struct os_pool name = {#name,	  (uint8_t *)name##_mem,            \
			       NULL,	  OS_POOL_BLOCK(blksize),           \
			       (nblocks), 0,                                \
			       0,	  0,                                \
			       false,	  NULL}

void os_pool_init(struct os_pool *p, const char *name, void *mem, size_t block_size, size_t count);
/* ISR-safe. @retval -ENOMEM the pool is empty */
int os_pool_alloc(struct os_pool *p, void **blk);
/* ISR-safe. @retval -EINVAL blk is not a block of this pool */
int os_pool_free(struct os_pool *p, void *blk);

struct os_pool_info {
	const char *name;
	uint32_t block_size;
	uint16_t count;
	uint16_t used;
	uint16_t peak;
	uint32_t fails;
};
/* Pools that have been used or initialised; returns how many there are. */
int os_pool_list(struct os_pool_info *out, int max);

/* ---- interrupts -------------------------------------------------------- */

/* Masks interrupts; returns the previous state for os_irq_unlock(). Nests. */
unsigned os_irq_lock(void);
void os_irq_unlock(unsigned key);

/* Ports call these around every interrupt handler that may use the kernel. */
void os_isr_enter(void);
void os_isr_exit(void);
bool os_in_isr(void);

/* Attaches a handler to a port IRQ line. @retval -EINVAL bad line */
int os_irq_connect(unsigned irq, void (*handler)(void *arg), void *arg);
void os_irq_enable(unsigned irq);
void os_irq_disable(unsigned irq);

/* ---- statistics -------------------------------------------------------- */

struct os_stats {
	uint32_t context_switches;
	uint32_t tasks;
	uint64_t idle_ns;
};
void os_get_stats(struct os_stats *st);

const char *os_version(void);

#endif /* KESTREL_OS_KERNEL_H */
