/* Configuration of the QEMU mps2-an385 (Cortex-M3) board. See kestrel/os/config.h. */
#ifndef KESTREL_BOARD_CONFIG_H
#define KESTREL_BOARD_CONFIG_H

#define KESTREL_BOARD_NAME "qemu-mps2-an385"
#define CONFIG_CPU_HZ      25000000u

#endif
