/*
 * Hosted port: clocks and the tick.
 *
 * Real clock: CLOCK_MONOTONIC since arch_init(), and a host thread that
 * raises the tick line every 1/OS_TICK_HZ s on absolute deadlines (so
 * ticks do not drift). The tick handler announces however many ticks the
 * clock says have passed, so a late tick never loses time.
 *
 * Virtual clock: a tick counter advanced only by the idle loop (straight
 * to the next kernel deadline) and by os_busy_wait(), one tick at a time.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>

#include <kestrel/arch/port.h>
#include <kestrel/posix.h>

#include "posix_internal.h"

#define TICK_NS (1000000000ull / OS_TICK_HZ)

static enum posix_clock clock_mode = POSIX_CLOCK_REAL;
static uint64_t boot_mono_ns;
static int64_t boot_wall_ns;
static uint64_t virt_ticks;
static uint64_t announced_ticks;

static uint64_t host_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void posix_set_clock(enum posix_clock clock)
{
	clock_mode = clock;
}

enum posix_clock posix_get_clock(void)
{
	return clock_mode;
}

void arch_init(void)
{
	boot_mono_ns = host_ns(CLOCK_MONOTONIC);
	boot_wall_ns = (int64_t)host_ns(CLOCK_REALTIME);
	posix_cpu_init();
}

int64_t arch_wallclock_boot_ns(void)
{
	return boot_wall_ns;
}

uint64_t arch_time_ns(void)
{
	if (clock_mode == POSIX_CLOCK_VIRTUAL) {
		return virt_ticks * TICK_NS;
	}
	return host_ns(CLOCK_MONOTONIC) - boot_mono_ns;
}

void posix_clock_advance(os_tick_t ticks)
{
	virt_ticks += ticks;
	posix_irq_mark(POSIX_IRQ_TICK);
}

static void tick_isr(void *arg)
{
	uint64_t now = clock_mode == POSIX_CLOCK_VIRTUAL ? virt_ticks : arch_time_ns() / TICK_NS;
	uint64_t elapsed = now - announced_ticks;

	(void)arg;
	announced_ticks = now;
	os_tick_announce((uint32_t)elapsed);
}

static void *tick_thread(void *arg)
{
	struct timespec next;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		next.tv_nsec += (long)TICK_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		posix_irq_raise(POSIX_IRQ_TICK);
	}
	return NULL;
}

void arch_clock_start(uint32_t hz)
{
	pthread_t th;

	(void)hz; /* OS_TICK_HZ is fixed at build time */
	arch_irq_connect(POSIX_IRQ_TICK, tick_isr, NULL);
	if (clock_mode == POSIX_CLOCK_REAL) {
		posix_irq_source_add();
		pthread_create(&th, NULL, tick_thread, NULL);
		pthread_detach(th);
	}
}
