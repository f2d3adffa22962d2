/* Configuration of the QEMU mps2-an385 (Cortex-M3) board. See kestrel/os/config.h. */
#ifndef KESTREL_BOARD_CONFIG_H
#define KESTREL_BOARD_CONFIG_H

#define KESTREL_BOARD_NAME "qemu-mps2-an385"
#define KESTREL_BOARD_CPU  "Cortex-M3"
#define CONFIG_CPU_HZ	   25000000u

/* Port: external NVIC lines on the AN385, and QEMU semihosting for exit. */
#define CONFIG_ARCH_NUM_IRQS	32
#define CONFIG_ARCH_SEMIHOSTING 1

/* Console: CMSDK UART0 (RX interrupt is IRQ 0, TX IRQ 1). */
#define BOARD_UART0_BASE   0x40004000u
#define BOARD_UART0_RX_IRQ 0u
#define BOARD_CONSOLE_BAUD 115200u

/* Priority of the console shell task (0 = highest). */
#ifndef CONFIG_BOARD_SHELL_PRIO
#define CONFIG_BOARD_SHELL_PRIO 20
#endif

#endif
