/* Cortex-M port: per-task state kept in the TCB. */
#ifndef KESTREL_ARCH_TYPES_H
#define KESTREL_ARCH_TYPES_H

#include <stdint.h>

struct os_arch_task {
	uint32_t sp; /* saved process stack pointer; PendSV uses offset 0 */
};

#endif
