/*
 * Cortex-M3 context switch, first-task start and fault entry.
 *
 * A task's saved context, on its own stack (PSP), lowest address first:
 *
 *   OFFSET  SIZE  DESCRIPTION
 *   0x00    32    r4-r11, pushed by PendSV (software frame)
 *   0x20    32    r0-r3, r12, lr, pc, xPSR, pushed by the exception entry
 *                 (hardware frame, ARMv7-M ARM B1.5.6)
 *
 * os_task.arch.sp (offset 0 of struct os_task) points at the r4 slot.
 * Only the basic frame exists: the port targets cores without an FPU
 * (EXC_RETURN is always 0xFFFFFFFD, thread mode on PSP).
 */
	.syntax unified
	.thumb
	.text

	.equ	EXC_RETURN_THREAD_PSP, 0xFFFFFFFD

/*
 * PendSV_Handler: switches from os_current to os_next.
 *
 * PendSV has the lowest priority, so it runs only when no other handler is
 * active and PRIMASK is clear; it always returns to thread mode on PSP. It
 * masks interrupts while it reads and writes os_current/os_next so an ISR
 * cannot change os_next halfway. os_current == NULL means "no task yet"
 * (arch_start): nothing is saved and the boot (MSP) context is abandoned.
 */
	.section .text.PendSV_Handler, "ax", %progbits
	.global	PendSV_Handler
	.type	PendSV_Handler, %function
	.thumb_func
PendSV_Handler:
	cpsid	i
	ldr	r3, =os_current
	ldr	r1, [r3]		/* r1 = from */
	ldr	r2, =os_next
	ldr	r2, [r2]		/* r2 = to */
	cmp	r1, r2
	beq	1f			/* switch was cancelled: nothing to do */
	cbz	r1, 2f			/* first switch: no context to save */
	mrs	r0, psp
	stmdb	r0!, {r4-r11}
	str	r0, [r1]		/* from->arch.sp */
2:
	push	{r3, lr}		/* keep 8-byte MSP alignment for the call */
	mov	r0, r1
	mov	r1, r2
	bl	os_switch_hook		/* os_switch_hook(from, to) */
	pop	{r3, lr}
	ldr	r2, =os_next
	ldr	r2, [r2]
	str	r2, [r3]		/* os_current = os_next */
	ldr	r0, [r2]		/* to->arch.sp */
	ldmia	r0!, {r4-r11}
	msr	psp, r0
	ldr	lr, =EXC_RETURN_THREAD_PSP
1:
	cpsie	i
	bx	lr
	.size	PendSV_Handler, . - PendSV_Handler

/*
 * cm_start_first(msp_top): never returns.
 *
 * Called by arch_start() in thread mode on MSP with interrupts masked.
 * Resets MSP to the top of the boot stack (main()'s frames are dead from
 * here on, the stack becomes the handler stack), pends PendSV and unmasks
 * interrupts: PendSV then switches into os_next as if it had been running.
 */
	.section .text.cm_start_first, "ax", %progbits
	.global	cm_start_first
	.type	cm_start_first, %function
	.thumb_func
cm_start_first:
	msr	msp, r0
	movs	r0, #0
	msr	control, r0		/* thread mode stays privileged, on MSP */
	isb
	ldr	r0, =0xE000ED04		/* ICSR */
	ldr	r1, =0x10000000		/* PENDSVSET */
	str	r1, [r0]
	dsb
	cpsie	i
	isb
3:
	wfi				/* PendSV preempts before we get here */
	b	3b
	.size	cm_start_first, . - cm_start_first

/*
 * Fault entry: passes the stacked exception frame (from MSP or PSP, as
 * EXC_RETURN bit 2 tells) and EXC_RETURN to cm_fault(frame, exc_return).
 */
	.section .text.cm_fault_entry, "ax", %progbits
	.global	HardFault_Handler
	.global	MemManage_Handler
	.global	BusFault_Handler
	.global	UsageFault_Handler
	.type	HardFault_Handler, %function
	.type	MemManage_Handler, %function
	.type	BusFault_Handler, %function
	.type	UsageFault_Handler, %function
	.thumb_func
HardFault_Handler:
	.thumb_func
MemManage_Handler:
	.thumb_func
BusFault_Handler:
	.thumb_func
UsageFault_Handler:
	tst	lr, #4
	ite	eq
	mrseq	r0, msp
	mrsne	r0, psp
	mov	r1, lr
	b	cm_fault
	.size	HardFault_Handler, . - HardFault_Handler

	.section .note.GNU-stack, "", %progbits
