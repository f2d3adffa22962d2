/* Configuration of the hosted (Linux process) board. See kestrel/os/config.h. */
#ifndef KESTREL_BOARD_CONFIG_H
#define KESTREL_BOARD_CONFIG_H

#define KESTREL_BOARD_NAME "hosted"

/*
 * Host threads run libc and, in sanitizer builds, ASan frames on the task
 * stack; give every task generous headroom beyond what the firmware asks.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CONFIG_ARCH_STACK_EXTRA (512 * 1024)
#else
#define CONFIG_ARCH_STACK_EXTRA (128 * 1024)
#endif

#endif
