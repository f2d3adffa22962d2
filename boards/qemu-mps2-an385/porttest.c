/*
 * porttest: self-checking firmware for the Cortex-M port, run in QEMU by
 * `scripts/qemu-smoke.py --porttest`. Each check prints "ok" or "FAIL";
 * the image exits (semihosting) with 0 when all pass, 1 otherwise.
 *
 * Checks:
 *   lock        arch_irq_lock() nests and reports the previous PRIMASK;
 *   regs        r4-r11 and r12 survive preemption by the tick and by other
 *               tasks (what PendSV and the exception frame must save);
 *   irq-preempt an IRQ handler that wakes a higher-priority task switches
 *               to it as soon as the handler returns (dispatcher, PendSV);
 *   sleep       os_sleep(100) takes 100 ticks and ~100 ms of os_time_ns();
 *   monotonic   os_time_ns() never goes backwards across SysTick wraps;
 *   slice       two busy tasks of one priority share the CPU;
 *   busy-wait   os_busy_wait(50) lasts ~50 ms.
 */
#include <kestrel/arch/port.h>
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>

#include "board.h"

#define PT_SOFT_IRQ 31u /* unused on the AN385; pended by software */
#define NVIC_ISPR0  (*(volatile uint32_t *)0xE000E200u)

static struct os_task pt_main_task, pt_hi_task, pt_a_task, pt_b_task;
OS_STACK_DEFINE(pt_main_stack, 1536);
OS_STACK_DEFINE(pt_hi_stack, 768);
OS_STACK_DEFINE(pt_a_stack, 768);
OS_STACK_DEFINE(pt_b_stack, 768);

static OS_SEM_DEFINE(pt_irq_sem, 0, 1);
static volatile uint32_t pt_hi_runs;
static volatile uint32_t pt_count_a, pt_count_b, pt_regs_bad, pt_time_bad;
static volatile bool pt_stop;
static int pt_failures;

static void pt_result(const char *name, bool ok, const char *detail)
{
	os_printf("porttest: %-12s %s %s\n", name, ok ? "ok  " : "FAIL", detail);
	if (!ok) {
		pt_failures++;
	}
}

static bool pt_within(uint64_t got, uint64_t want, unsigned percent)
{
	uint64_t d = got > want ? got - want : want - got;

	return d * 100u <= want * percent;
}

static void pt_check_lock(void)
{
	unsigned outer = arch_irq_lock();
	unsigned inner = arch_irq_lock();
	bool ok = outer == 0 && inner == 1;

	arch_irq_unlock(inner);
	ok = ok && arch_irq_lock() == 1; /* still masked after the inner unlock */
	arch_irq_unlock(1);
	arch_irq_unlock(outer);
	ok = ok && arch_irq_lock() == 0;
	arch_irq_unlock(0);
	pt_result("lock", ok, "");
}

/*
 * Loads r4-r11 and r12 with known values and checks them `iters` times;
 * returns 0 if they never changed. Long enough to be preempted often.
 */
static uint32_t pt_regs_spin(uint32_t iters)
{
	uint32_t bad = 0;

	__asm__ volatile("mov r4, #0x44\n\tmov r5, #0x55\n\tmov r6, #0x66\n\t"
			 "mov r8, #0x88\n\tmov r9, #0x99\n\tmov r10, #0xAA\n\t"
			 "mov r11, #0xBB\n\tmov r12, #0xCC\n"
			 "1:\n\t"
			 "cmp r4, #0x44\n\tbne 2f\n\tcmp r5, #0x55\n\tbne 2f\n\t"
			 "cmp r6, #0x66\n\tbne 2f\n\tcmp r8, #0x88\n\tbne 2f\n\t"
			 "cmp r9, #0x99\n\tbne 2f\n\tcmp r10, #0xAA\n\tbne 2f\n\t"
			 "cmp r11, #0xBB\n\tbne 2f\n\tcmp r12, #0xCC\n\tbne 2f\n\t"
			 "subs %[n], %[n], #1\n\tbne 1b\n\tb 3f\n"
			 "2:\n\tmovs %[bad], #1\n"
			 "3:\n"
			 : [bad] "+r"(bad), [n] "+r"(iters)
			 :
			 : "r4", "r5", "r6", "r8", "r9", "r10", "r11", "r12", "cc");
	return bad;
}

/* Busy task: counts, checks registers and time, until pt_stop. */
static void pt_busy(void *arg)
{
	volatile uint32_t *count = arg;
	uint64_t last = 0;

	while (!pt_stop) {
		uint64_t now = os_time_ns();

		if (now < last) {
			pt_time_bad++;
		}
		last = now;
		pt_regs_bad += pt_regs_spin(200);
		(*count)++;
	}
}

static void pt_hi_main(void *arg)
{
	(void)arg;
	for (;;) {
		if (os_sem_take(&pt_irq_sem, OS_WAIT_FOREVER) == 0) {
			pt_hi_runs++;
		}
	}
}

static void pt_soft_isr(void *arg)
{
	(void)arg;
	os_sem_give_isr(&pt_irq_sem);
}

static void pt_check_irq_preempt(void)
{
	uint32_t before;
	bool ok = true;
	unsigned i;

	os_task_create(&pt_hi_task, "pt-hi", pt_hi_main, NULL, 1, pt_hi_stack, sizeof(pt_hi_stack));
	ok = os_irq_connect(PT_SOFT_IRQ, pt_soft_isr, NULL) == 0;
	os_irq_enable(PT_SOFT_IRQ);
	for (i = 0; i < 100 && ok; i++) {
		before = pt_hi_runs;
		NVIC_ISPR0 = 1u << PT_SOFT_IRQ;
		__asm__ volatile("dsb\n\tisb" ::: "memory");
		/* The handler and the woken task ran before this line. */
		ok = pt_hi_runs == before + 1u;
	}
	os_irq_disable(PT_SOFT_IRQ);
	pt_result("irq-preempt", ok, "(100 software-pended IRQs)");
}

static void pt_check_timing(void)
{
	os_tick_t k0 = os_ticks();
	uint64_t t0 = os_time_ns();
	uint64_t dt;

	os_sleep(100);
	dt = os_time_ns() - t0;
	pt_result("sleep", os_ticks() - k0 == 100u && pt_within(dt, 100000000u, 3),
		  "(100 ticks, ~100 ms)");

	t0 = os_time_ns();
	os_busy_wait(50);
	dt = os_time_ns() - t0;
	pt_result("busy-wait", pt_within(dt, 50000000u, 3), "(~50 ms)");
}

static void pt_check_tasks(void)
{
	os_task_create(&pt_a_task, "pt-a", pt_busy, (void *)&pt_count_a, 10, pt_a_stack,
		       sizeof(pt_a_stack));
	os_task_create(&pt_b_task, "pt-b", pt_busy, (void *)&pt_count_b, 10, pt_b_stack,
		       sizeof(pt_b_stack));
	os_sleep(300);
	pt_stop = true;
	os_sleep(50);
	pt_result("regs", pt_regs_bad == 0 && pt_count_a > 0, "(r4-r12 across preemption)");
	pt_result("monotonic", pt_time_bad == 0, "");
	pt_result("slice",
		  pt_count_a > 0 && pt_count_b > 0 && pt_count_a < 3u * pt_count_b &&
			  pt_count_b < 3u * pt_count_a,
		  "(equal-priority busy tasks)");
}

static void pt_main(void *arg)
{
	(void)arg;
	os_printf("porttest: Cortex-M port checks on %s\n", KESTREL_BOARD_NAME);
	pt_check_lock();
	pt_check_irq_preempt();
	pt_check_timing();
	pt_check_tasks();
	os_printf("porttest: %s\n", pt_failures == 0 ? "PASS" : "FAIL");
	os_exit(pt_failures == 0 ? 0 : 1);
}

int main(void)
{
	os_init();
	board_console_init();
	os_task_create(&pt_main_task, "porttest", pt_main, NULL, 3, pt_main_stack,
		       sizeof(pt_main_stack));
	os_start();
}
