/*
 * Cortex-M startup: the vector table, Reset_Handler and the fault report.
 *
 * Vector table layout (ARMv7-M ARM B1.5.3): word 0 is the initial MSP,
 * word n (n >= 1) the handler of exception n; external interrupt k is
 * exception 16 + k. Every external interrupt goes to one dispatcher
 * (irq.c) which finds the handler from IPSR, so this table never changes
 * when a driver connects an interrupt.
 *
 * Symbols from the linker script (arch/cortex-m/cortex-m.ld):
 *   __data_load   load address of .data in flash
 *   __data_start / __data_end, __bss_start / __bss_end
 *   __stack_top   top of the boot stack, which becomes the handler stack
 */
#include <stdint.h>
#include <string.h>

#include <kestrel/arch/port.h>
#include <kestrel/cortexm.h>
#include <kestrel/lib/fmt.h>

#include "cortexm_regs.h"

#ifndef CONFIG_ARCH_NUM_IRQS
#define CONFIG_ARCH_NUM_IRQS 32
#endif

typedef void (*cm_vector)(void);

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
extern const cm_vector cm_vectors[16 + CONFIG_ARCH_NUM_IRQS];

void Reset_Handler(void) __attribute__((noreturn));
void NMI_Handler(void);
void Default_Handler(void);
void cm_fault(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn));

/* In switch.S */
void PendSV_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);

__attribute__((section(".isr_vector"), used))
const cm_vector cm_vectors[16 + CONFIG_ARCH_NUM_IRQS] = {
	(cm_vector)(uintptr_t)__stack_top,
	Reset_Handler,
	NMI_Handler,
	HardFault_Handler,
	MemManage_Handler,
	BusFault_Handler,
	UsageFault_Handler,
	0,
	0,
	0,
	0,
	Default_Handler, /* SVCall: the port does not use SVC */
	Default_Handler, /* DebugMonitor */
	0,
	PendSV_Handler,
	cm_systick_handler,
	[16 ... 16 + CONFIG_ARCH_NUM_IRQS - 1] = cm_irq_dispatch,
};
_Static_assert(CONFIG_ARCH_NUM_IRQS >= 1 && CONFIG_ARCH_NUM_IRQS <= 240, "ARMv7-M has 1..240 IRQs");

/*
 * The entry point after reset (and what QEMU's -kernel jumps to via word
 * 1 of the table). Interrupts stay masked until arch_start() so nothing
 * fires into a half-initialised kernel.
 */
void Reset_Handler(void)
{
	__asm__ volatile("cpsid i" ::: "memory");
	SCB_VTOR = (uint32_t)(uintptr_t)cm_vectors;

	memcpy(__data_start, __data_load,
	       (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start));
	memset(__bss_start, 0, (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start));

	/* Separate fault handlers instead of escalation to HardFault; trap x/0. */
	SCB_SHCSR |= SCB_SHCSR_MEMFAULT | SCB_SHCSR_BUSFAULT | SCB_SHCSR_USGFAULT;
	SCB_CCR |= SCB_CCR_DIV_0_TRP | SCB_CCR_STKALIGN;
	cm_dsb_isb();

	arch_halt(main());
}

void NMI_Handler(void)
{
	os_panic("NMI");
}

/* Reserved or unexpected system exception (SVC, DebugMonitor). */
void Default_Handler(void)
{
	char buf[48];
	int n = kfmt_snprintf(buf, sizeof(buf), "unexpected exception %u\n",
			      (unsigned)(cm_get_ipsr() & 0x1FFu));

	arch_console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	os_panic("unexpected exception");
}

static const char *cm_fault_name(uint32_t exc)
{
	switch (exc) {
	case 3:
		return "HardFault";
	case CM_EXC_MEMMANAGE:
		return "MemManage";
	case CM_EXC_BUSFAULT:
		return "BusFault";
	case CM_EXC_USAGEFAULT:
		return "UsageFault";
	default:
		return "fault";
	}
}

/*
 * Prints where the CPU faulted and panics. frame is the hardware frame
 * (r0 r1 r2 r3 r12 lr pc xpsr); the stacked pc is the faulting instruction
 * for precise faults (B1.5.6). CFSR bits: ARMv7-M ARM B3.2.15.
 */
void cm_fault(const uint32_t *frame, uint32_t exc_return)
{
	char buf[160];
	uint32_t exc = cm_get_ipsr() & 0x1FFu;
	int n;

	__asm__ volatile("cpsid i" ::: "memory");
	n = kfmt_snprintf(buf, sizeof(buf),
			  "\n*** %s: pc=0x%08x lr=0x%08x xpsr=0x%08x sp=0x%08x (%s)\n"
			  "*** cfsr=0x%08x hfsr=0x%08x mmfar=0x%08x bfar=0x%08x\n",
			  cm_fault_name(exc), (unsigned)frame[6], (unsigned)frame[5],
			  (unsigned)frame[7], (unsigned)(uintptr_t)frame,
			  (exc_return & 4u) ? "psp" : "msp", (unsigned)SCB_CFSR, (unsigned)SCB_HFSR,
			  (unsigned)SCB_MMFAR, (unsigned)SCB_BFAR);
	arch_console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	os_panic(cm_fault_name(exc));
}
