/*
 * External interrupts: one dispatcher for every NVIC line.
 *
 * All 32 external vectors point at cm_irq_dispatch(). It reads the active
 * exception number from IPSR (ARMv7-M ARM B1.4.2; external IRQ k is
 * exception 16 + k), looks the handler up in a table that
 * arch_irq_connect() fills, and brackets it with os_isr_enter() /
 * os_isr_exit() so a handler may wake tasks; the switch itself is pended
 * and happens in PendSV once the last handler has returned.
 *
 * Every line gets the same priority (CM_PRIO_IRQ, also SysTick's), so
 * handlers never nest and the kernel's ISR bookkeeping stays simple.
 */
#include <kestrel/arch/port.h>

#include "cortexm_regs.h"

#ifndef CONFIG_ARCH_NUM_IRQS
#define CONFIG_ARCH_NUM_IRQS 32
#endif

struct cm_irq_entry {
	void (*handler)(void *arg);
	void *arg;
};

static struct cm_irq_entry cm_irq_table[CONFIG_ARCH_NUM_IRQS];

/* Interrupts that fired with no handler connected (then disabled). */
static uint32_t cm_irq_spurious;

void cm_irq_init(void)
{
	unsigned i;

	for (i = 0; i < CONFIG_ARCH_NUM_IRQS; i++) {
		NVIC_IPR8(i) = CM_PRIO_IRQ;
	}
	for (i = 0; i < (CONFIG_ARCH_NUM_IRQS + 31u) / 32u; i++) {
		NVIC_ICER(i) = 0xFFFFFFFFu;
		NVIC_ICPR(i) = 0xFFFFFFFFu;
	}
	SCB_SHPR8(CM_EXC_PENDSV) = CM_PRIO_PENDSV;
	SCB_SHPR8(CM_EXC_SYSTICK) = CM_PRIO_IRQ;
}

void cm_irq_dispatch(void)
{
	unsigned irq = (unsigned)(cm_get_ipsr() & 0x1FFu) - CM_EXC_IRQ0;
	struct cm_irq_entry *e;

	if (irq >= CONFIG_ARCH_NUM_IRQS || cm_irq_table[irq].handler == NULL) {
		/* Nobody owns the line: silence it rather than loop on it. */
		if (irq < CONFIG_ARCH_NUM_IRQS) {
			NVIC_ICER(irq / 32u) = 1u << (irq % 32u);
		}
		cm_irq_spurious++;
		return;
	}
	e = &cm_irq_table[irq];
	os_isr_enter();
	e->handler(e->arg);
	os_isr_exit();
}

int arch_irq_connect(unsigned irq, void (*handler)(void *arg), void *arg)
{
	unsigned key;

	if (irq >= CONFIG_ARCH_NUM_IRQS) {
		return -EINVAL;
	}
	key = arch_irq_lock();
	cm_irq_table[irq].handler = handler;
	cm_irq_table[irq].arg = arg;
	arch_irq_unlock(key);
	return 0;
}

void arch_irq_enable(unsigned irq)
{
	if (irq < CONFIG_ARCH_NUM_IRQS) {
		NVIC_ISER(irq / 32u) = 1u << (irq % 32u);
	}
}

/* Disables the line; a handler already running finishes. */
void arch_irq_disable(unsigned irq)
{
	if (irq < CONFIG_ARCH_NUM_IRQS) {
		NVIC_ICER(irq / 32u) = 1u << (irq % 32u);
		cm_dsb_isb();
	}
}
