/*
 * Cortex-M3 port: tasks, start-up, interrupt masking, idle, halt and the
 * console hook. The context switch itself is PendSV in switch.S; the clock
 * is clock.c, interrupt dispatch irq.c, reset and faults startup.c.
 *
 * Execution model: tasks run in privileged thread mode on the process
 * stack (PSP); exception handlers run on the main stack (MSP), which is
 * the boot stack main() ran on. Kernel critical sections mask interrupts
 * with PRIMASK (cpsid i), which also holds off PendSV, so a switch
 * requested inside a critical section happens when it ends.
 */
#include <kestrel/arch/port.h>
#include <kestrel/cortexm.h>

#include "cortexm_regs.h"

#ifndef CONFIG_ARCH_SEMIHOSTING
#define CONFIG_ARCH_SEMIHOSTING 0
#endif

/* Semihosting (ARM DUI 0471 / "Semihosting for AArch32 and AArch64" 2.0). */
#define SH_SYS_EXIT_EXTENDED		0x20u
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* In switch.S. */
void cm_start_first(uint32_t msp_top) __attribute__((noreturn));

extern uint32_t __stack_top[];

static cortexm_console_fn cm_console_fn;
static void *cm_console_ctx;

/* Frame words a fresh task starts from: r4-r11 then the exception frame. */
enum {
	CM_FR_R4 = 0,
	CM_FR_R0 = 8,
	CM_FR_R12 = 12,
	CM_FR_LR = 13,
	CM_FR_PC = 14,
	CM_FR_XPSR = 15,
	CM_FR_WORDS = 16,
};

void arch_init(void)
{
	cm_irq_init();
}

/* A task's entry function "returned" past os_task_entry(): cannot happen. */
static void cm_task_returned(void)
{
	os_panic("task returned past os_task_entry");
}

/*
 * Builds the context PendSV restores (see switch.S): the exception frame
 * "returns" to os_task_entry() in Thumb state with an 8-byte aligned stack,
 * as AAPCS requires at a public interface.
 */
void arch_task_init(struct os_task *t)
{
	uintptr_t top = ((uintptr_t)t->stack + t->stack_size) & ~(uintptr_t)7u;
	uint32_t *sp = (uint32_t *)top - CM_FR_WORDS;
	unsigned i;

	for (i = 0; i < CM_FR_WORDS; i++) {
		sp[i] = 0;
	}
	sp[CM_FR_LR] = (uint32_t)(uintptr_t)cm_task_returned;
	sp[CM_FR_PC] = (uint32_t)(uintptr_t)os_task_entry & ~1u;
	sp[CM_FR_XPSR] = CM_XPSR_THUMB;
	t->arch.sp = (uint32_t)(uintptr_t)sp;
}

void arch_task_exit(struct os_task *t)
{
	(void)t; /* stacks are caller-owned; nothing to release */
}

/*
 * Starts os_next: the boot stack is reclaimed as the handler stack and the
 * first PendSV (with os_current == NULL) loads the task's context.
 */
void arch_start(void)
{
	__asm__ volatile("cpsid i" ::: "memory");
	os_current = NULL;
	cm_start_first((uint32_t)(uintptr_t)__stack_top);
}

void arch_switch_pend(void)
{
	SCB_ICSR = SCB_ICSR_PENDSVSET;
	cm_dsb_isb();
}

unsigned arch_irq_lock(void)
{
	unsigned key = cm_get_primask();

	__asm__ volatile("cpsid i" ::: "memory");
	return key;
}

void arch_irq_unlock(unsigned key)
{
	__asm__ volatile("msr primask, %0" ::"r"(key) : "memory");
}

void arch_idle(void)
{
	__asm__ volatile("dsb\n\twfi" ::: "memory");
}

void cortexm_console_set(cortexm_console_fn fn, void *ctx)
{
	unsigned key = arch_irq_lock();

	cm_console_ctx = ctx;
	cm_console_fn = fn;
	arch_irq_unlock(key);
}

void arch_console_write(const char *s, size_t n)
{
	cortexm_console_fn fn = cm_console_fn;

	if (fn != NULL) {
		fn(cm_console_ctx, s, n);
	}
}

void cortexm_reset(void)
{
	cm_dsb_isb();
	SCB_AIRCR = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESET;
	cm_dsb_isb();
	for (;;) {
		__asm__ volatile("wfi");
	}
}

/*
 * SYS_EXIT_EXTENDED: r0 = 0x20, r1 -> {reason, status}; QEMU exits with
 * `status`. Only on boards that run under a semihosting host: without a
 * debugger, BKPT would fault.
 */
static void cm_semihost_exit(int status)
{
	volatile uint32_t block[2] = {SH_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
	register uint32_t r0 __asm__("r0") = SH_SYS_EXIT_EXTENDED;
	register volatile uint32_t *r1 __asm__("r1") = block;

	__asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

void arch_halt(int status)
{
	__asm__ volatile("cpsid i" ::: "memory");
	if (CONFIG_ARCH_SEMIHOSTING) {
		cm_semihost_exit(status);
	}
	for (;;) {
		__asm__ volatile("wfi");
	}
}
