/*
 * ARMv7-M system registers used by the Cortex-M port. Private to
 * arch/cortex-m. Addresses and bit positions are from the ARMv7-M
 * Architecture Reference Manual (DDI 0403E), section B3.2 (System Control
 * Space), B3.3 (SysTick) and B3.4 (NVIC).
 *
 * ADDRESS      REGISTER   USE HERE
 * 0xE000E010   SYST_CSR   SysTick enable, tick interrupt, clock source
 * 0xE000E014   SYST_RVR   reload value (counts LOAD..0, LOAD + 1 cycles)
 * 0xE000E018   SYST_CVR   current value (counts down)
 * 0xE000E100   NVIC_ISER  set-enable, one bit per external IRQ
 * 0xE000E180   NVIC_ICER  clear-enable
 * 0xE000E280   NVIC_ICPR  clear-pending
 * 0xE000E400   NVIC_IPR   one priority byte per external IRQ
 * 0xE000ED04   ICSR       PendSV set, SysTick pending
 * 0xE000ED08   VTOR       vector table offset
 * 0xE000ED0C   AIRCR      priority grouping, system reset request
 * 0xE000ED14   CCR        divide-by-zero and unaligned trapping, STKALIGN
 * 0xE000ED18   SHPR1..3   priorities of the system handlers (byte each)
 * 0xE000ED24   SHCSR      enables MemManage, BusFault, UsageFault
 * 0xE000ED28   CFSR       configurable fault status (MMFSR|BFSR|UFSR)
 * 0xE000ED2C   HFSR       hard fault status
 * 0xE000ED34   MMFAR      MemManage fault address
 * 0xE000ED38   BFAR       bus fault address
 */
#ifndef KESTREL_CORTEXM_REGS_H
#define KESTREL_CORTEXM_REGS_H

#include <stdint.h>

#define CM_REG(addr)  (*(volatile uint32_t *)(uintptr_t)(addr))
#define CM_REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

/* SysTick (B3.3.2) */
#define SYST_CSR	   CM_REG(0xE000E010u)
#define SYST_RVR	   CM_REG(0xE000E014u)
#define SYST_CVR	   CM_REG(0xE000E018u)
#define SYST_CSR_ENABLE	   (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* 1 = processor clock */
#define SYST_CSR_COUNTFLAG (1u << 16)
#define SYST_RVR_MAX	   0x00FFFFFFu

/* NVIC (B3.4.3): 32 interrupts per register word */
#define NVIC_ISER(n)   CM_REG(0xE000E100u + 4u * (n))
#define NVIC_ICER(n)   CM_REG(0xE000E180u + 4u * (n))
#define NVIC_ICPR(n)   CM_REG(0xE000E280u + 4u * (n))
#define NVIC_IPR8(irq) CM_REG8(0xE000E400u + (irq))

/* System Control Block (B3.2.2) */
#define SCB_ICSR       CM_REG(0xE000ED04u)
#define SCB_VTOR       CM_REG(0xE000ED08u)
#define SCB_AIRCR      CM_REG(0xE000ED0Cu)
#define SCB_CCR	       CM_REG(0xE000ED14u)
#define SCB_SHPR8(exc) CM_REG8(0xE000ED18u + (exc)-4u) /* exceptions 4..15 */
#define SCB_SHCSR      CM_REG(0xE000ED24u)
#define SCB_CFSR       CM_REG(0xE000ED28u)
#define SCB_HFSR       CM_REG(0xE000ED2Cu)
#define SCB_MMFAR      CM_REG(0xE000ED34u)
#define SCB_BFAR       CM_REG(0xE000ED38u)

#define SCB_ICSR_PENDSVSET (1u << 28)
#define SCB_ICSR_PENDSTSET (1u << 26)
#define SCB_AIRCR_VECTKEY  (0x05FAu << 16)
#define SCB_AIRCR_SYSRESET (1u << 2)
#define SCB_CCR_DIV_0_TRP  (1u << 4)
#define SCB_CCR_STKALIGN   (1u << 9)
#define SCB_SHCSR_MEMFAULT (1u << 16)
#define SCB_SHCSR_BUSFAULT (1u << 17)
#define SCB_SHCSR_USGFAULT (1u << 18)

/* Exception numbers (B1.5.2) */
#define CM_EXC_MEMMANAGE  4u
#define CM_EXC_BUSFAULT	  5u
#define CM_EXC_USAGEFAULT 6u
#define CM_EXC_SVCALL	  11u
#define CM_EXC_PENDSV	  14u
#define CM_EXC_SYSTICK	  15u
#define CM_EXC_IRQ0	  16u

/*
 * Priorities (upper bits significant; QEMU and most parts implement at
 * least 3). Kernel locking uses PRIMASK, so priorities only decide
 * nesting: SysTick and every external IRQ share one level and never
 * preempt each other, and PendSV sits below them all so a context switch
 * only happens once no handler is active.
 */
#define CM_PRIO_IRQ    0x80u
#define CM_PRIO_PENDSV 0xFFu

/* xPSR with only the Thumb bit: the state a fresh task starts in. */
#define CM_XPSR_THUMB 0x01000000u

static inline uint32_t cm_get_ipsr(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, ipsr" : "=r"(v));
	return v;
}

static inline uint32_t cm_get_primask(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, primask" : "=r"(v)::"memory");
	return v;
}

static inline void cm_dsb_isb(void)
{
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* Used by startup.c and irq.c. */
void cm_irq_init(void);
void cm_irq_dispatch(void);
void cm_systick_handler(void);

#endif /* KESTREL_CORTEXM_REGS_H */
