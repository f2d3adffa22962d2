/*
 * Kernel configuration: every knob with its documented default. A board
 * overrides any of them in its kestrel_config.h (found on the include path
 * from boards/<board>/), which this header includes first.
 */
#ifndef KESTREL_OS_CONFIG_H
#define KESTREL_OS_CONFIG_H

#include <kestrel_config.h>

/* Tick rate of the kernel clock (Hz). */
#ifndef CONFIG_OS_TICK_HZ
#define CONFIG_OS_TICK_HZ 1000
#endif

/* Number of priority levels, 2..32. 0 is the highest; the last is idle. */
#ifndef CONFIG_OS_PRIO_LEVELS
#define CONFIG_OS_PRIO_LEVELS 32
#endif

/* Ticks a task runs before another ready task of the same priority. */
#ifndef CONFIG_OS_TIME_SLICE_TICKS
#define CONFIG_OS_TIME_SLICE_TICKS 10
#endif

/* Priority and stack of the software-timer task. */
#ifndef CONFIG_OS_TIMER_TASK_PRIO
#define CONFIG_OS_TIMER_TASK_PRIO 1
#endif
#ifndef CONFIG_OS_TIMER_STACK_SIZE
#define CONFIG_OS_TIMER_STACK_SIZE 1024
#endif
#ifndef CONFIG_OS_IDLE_STACK_SIZE
#define CONFIG_OS_IDLE_STACK_SIZE 512
#endif

/*
 * Bytes added to every stack declared with OS_STACK_DEFINE(). The hosted
 * port runs tasks on host threads that also execute libc (and sanitizer)
 * frames, so its arch header raises this; on Cortex-M it is 0.
 */
#ifndef CONFIG_ARCH_STACK_EXTRA
#define CONFIG_ARCH_STACK_EXTRA 0
#endif

/* Window over which per-task CPU% is computed, in ticks. */
#ifndef CONFIG_OS_CPU_WINDOW_TICKS
#define CONFIG_OS_CPU_WINDOW_TICKS CONFIG_OS_TICK_HZ
#endif

/* Time zone at boot: minutes east of UTC (+330 = +05:30); see os_tz_offset_min(). */
#ifndef CONFIG_OS_TZ_OFFSET_MIN
#define CONFIG_OS_TZ_OFFSET_MIN 0
#endif

#if CONFIG_OS_PRIO_LEVELS < 2 || CONFIG_OS_PRIO_LEVELS > 32
#error "CONFIG_OS_PRIO_LEVELS must be 2..32"
#endif
#if CONFIG_OS_TIMER_TASK_PRIO >= CONFIG_OS_PRIO_LEVELS - 1
#error "the timer task must run above the idle priority"
#endif
#if CONFIG_OS_TZ_OFFSET_MIN < -14 * 60 || CONFIG_OS_TZ_OFFSET_MIN > 14 * 60
#error "CONFIG_OS_TZ_OFFSET_MIN must be within -840..840 (+-14:00)"
#endif
#if CONFIG_OS_TIME_SLICE_TICKS < 1
#error "CONFIG_OS_TIME_SLICE_TICKS must be at least 1"
#endif

#endif /* KESTREL_OS_CONFIG_H */
