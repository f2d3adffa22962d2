/*
 * Kernel clock on SysTick (ARMv7-M ARM B3.3).
 *
 * SysTick counts the processor clock (CLKSOURCE = 1, CONFIG_CPU_HZ) down
 * from RVR to 0 and raises exception 15 on every wrap, so with
 * RVR = CONFIG_CPU_HZ / hz - 1 it interrupts at hz. The handler counts
 * ticks for arch_time_ns() and announces each tick to the kernel.
 *
 * arch_time_ns() = ticks * (1e9 / hz) + (RVR - CVR) cycles. The counter may
 * wrap between reading the tick count and CVR; ICSR.PENDSTSET then shows a
 * wrap not yet counted by the handler (interrupts are masked while we
 * read), and CVR is read again so the two agree.
 *
 * On QEMU the counter runs on virtual time; with -icount shift=0 one
 * nanosecond is one instruction, which bench/kernel uses.
 */
#include <kestrel/arch/port.h>

#include "cortexm_regs.h"

static volatile uint64_t cm_ticks;  /* SysTick wraps since arch_clock_start() */
static uint32_t cm_ticks_pending;   /* counted but not yet announced */
static uint32_t cm_cycles_per_tick; /* RVR + 1; 0 until the clock runs */
static uint32_t cm_ns_per_tick;

_Static_assert(CONFIG_CPU_HZ >= 1000000u, "CONFIG_CPU_HZ below 1 MHz is not supported");

void arch_clock_start(uint32_t hz)
{
	uint32_t cycles;

	if (hz == 0 || hz > CONFIG_CPU_HZ) {
		os_panic("arch_clock_start: bad tick rate");
	}
	cycles = CONFIG_CPU_HZ / hz;
	if (cycles - 1u > SYST_RVR_MAX) {
		os_panic("arch_clock_start: tick rate too low for SysTick");
	}
	cm_cycles_per_tick = cycles;
	cm_ns_per_tick = 1000000000u / hz;
	SYST_CSR = 0;
	SYST_RVR = cycles - 1u;
	SYST_CVR = 0; /* any write clears the counter and COUNTFLAG */
	SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

/*
 * The clock starts in os_start() just before arch_start(); a tick that
 * lands before the first task is switched in (os_current still NULL) is
 * held back and announced with the next one, since the kernel's tick
 * accounting charges it to os_current.
 */
void cm_systick_handler(void)
{
	cm_ticks++;
	cm_ticks_pending++;
	if (os_current == NULL) {
		return;
	}
	os_isr_enter();
	os_tick_announce(cm_ticks_pending);
	cm_ticks_pending = 0;
	os_isr_exit();
}

/* Cycles of the current tick period elapsed so far, and whole ticks. */
static uint32_t cm_clock_read(uint64_t *ticks)
{
	uint32_t cvr = SYST_CVR;
	uint64_t t = cm_ticks;

	if (SCB_ICSR & SCB_ICSR_PENDSTSET) {
		/* Wrapped but not yet handled: count it, re-read past the wrap. */
		cvr = SYST_CVR;
		t++;
	}
	*ticks = t;
	return cm_cycles_per_tick - 1u - cvr;
}

uint64_t arch_time_ns(void)
{
	unsigned key;
	uint64_t ticks;
	uint32_t cycles;

	if (cm_cycles_per_tick == 0) {
		return 0;
	}
	key = arch_irq_lock();
	cycles = cm_clock_read(&ticks);
	arch_irq_unlock(key);
	return ticks * cm_ns_per_tick + (uint64_t)cycles * 1000000000u / CONFIG_CPU_HZ;
}

/*
 * Spins until the kernel tick count has advanced by `ticks`; needs the
 * tick interrupt, so it must not be called with interrupts masked.
 */
void arch_busy_wait(os_tick_t ticks)
{
	os_tick_t start = os_ticks();

	while ((os_tick_t)(os_ticks() - start) < ticks) {
		__asm__ volatile("" ::: "memory");
	}
}

int64_t arch_wallclock_boot_ns(void)
{
	return 0; /* no RTC on this port */
}
