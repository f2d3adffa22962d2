/*
 * kbench: kernel micro-benchmarks on the Cortex-M3 port, measured in
 * instructions under QEMU.
 *
 * Method. Run with `qemu-system-arm -icount shift=0,sleep=off`: QEMU then
 * advances virtual time by 2^0 = 1 ns per executed instruction, and
 * SysTick (25 MHz, CLKSOURCE = 1) runs on virtual time, so os_time_ns()
 * - ticks plus the SysTick sub-tick count, 40 ns resolution - reads
 * instructions executed. Each benchmark runs an operation many times
 * between two os_time_ns() reads and divides. The calibration step runs
 * a loop of known length (2 instructions per iteration) first and prints
 * what the clock saw, so the 1 insn = 1 ns relationship is checked on
 * every run rather than assumed. Without -icount the numbers are host
 * nanoseconds and mean little.
 *
 * The 1 kHz tick (every 10^6 instructions) and its handler are included
 * in every figure; it is below 0.1% of each measurement.
 *
 * Benchmarks (all between two tasks of equal priority):
 *   yield        A and B call os_yield() in turn: one yield + one switch.
 *   sem          A gives s1 and takes s2, B takes s1 and gives s2: one
 *                round trip = 2 gives, 2 takes, 2 switches.
 *   queue        the same with 4-byte messages through two queues.
 *   sem (none)   give + take of a semaphore nobody waits on (no switch).
 */
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>

#include <board.h>

#define KB_YIELDS    20000u
#define KB_ROUNDS    10000u
#define KB_SPIN	     1000000u
#define KB_PRIO_MAIN 4u
#define KB_PRIO_WORK 8u

static struct os_task kb_main_task, kb_task_a, kb_task_b;
OS_STACK_DEFINE(kb_main_stack, 1024);
OS_STACK_DEFINE(kb_stack_a, 1024);
OS_STACK_DEFINE(kb_stack_b, 1024);

static OS_SEM_DEFINE(kb_done, 0, 2);
static OS_SEM_DEFINE(kb_s1, 0, 1);
static OS_SEM_DEFINE(kb_s2, 0, 1);
OS_QUEUE_DEFINE(kb_q1, sizeof(uint32_t), 4);
OS_QUEUE_DEFINE(kb_q2, sizeof(uint32_t), 4);

static uint64_t kb_t0, kb_t1;
static int kb_errors;

static void kb_check(int rc)
{
	if (rc != 0) {
		kb_errors++;
	}
}

/* Two instructions per iteration: subs, bne. */
static void kb_spin(uint32_t n)
{
	__asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

static void yield_a(void *arg)
{
	(void)arg;
	kb_t0 = os_time_ns();
	for (unsigned i = 0; i < KB_YIELDS; i++) {
		os_yield(); /* to B, and B's yield brings us back: 2 switches */
	}
	kb_t1 = os_time_ns();
	kb_check(os_sem_give(&kb_done));
}

static void yield_b(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < KB_YIELDS; i++) {
		os_yield();
	}
	kb_check(os_sem_give(&kb_done));
}

static void sem_a(void *arg)
{
	(void)arg;
	kb_t0 = os_time_ns();
	for (unsigned i = 0; i < KB_ROUNDS; i++) {
		kb_check(os_sem_give(&kb_s1));
		kb_check(os_sem_take(&kb_s2, OS_WAIT_FOREVER));
	}
	kb_t1 = os_time_ns();
	kb_check(os_sem_give(&kb_done));
}

static void sem_b(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < KB_ROUNDS; i++) {
		kb_check(os_sem_take(&kb_s1, OS_WAIT_FOREVER));
		kb_check(os_sem_give(&kb_s2));
	}
	kb_check(os_sem_give(&kb_done));
}

static void queue_a(void *arg)
{
	uint32_t msg;

	(void)arg;
	kb_t0 = os_time_ns();
	for (uint32_t i = 0; i < KB_ROUNDS; i++) {
		kb_check(os_queue_send(&kb_q1, &i, OS_WAIT_FOREVER));
		kb_check(os_queue_recv(&kb_q2, &msg, OS_WAIT_FOREVER));
		if (msg != i + 1u) {
			kb_errors++;
		}
	}
	kb_t1 = os_time_ns();
	kb_check(os_sem_give(&kb_done));
}

static void queue_b(void *arg)
{
	uint32_t msg;

	(void)arg;
	for (unsigned i = 0; i < KB_ROUNDS; i++) {
		kb_check(os_queue_recv(&kb_q1, &msg, OS_WAIT_FOREVER));
		msg++;
		kb_check(os_queue_send(&kb_q2, &msg, OS_WAIT_FOREVER));
	}
	kb_check(os_sem_give(&kb_done));
}

/* Runs a two-task benchmark; returns the measured ns (= instructions). */
static uint64_t kb_run_pair(void (*a)(void *arg), void (*b)(void *arg))
{
	kb_check(os_task_create(&kb_task_a, "bench-a", a, NULL, KB_PRIO_WORK, kb_stack_a,
				sizeof(kb_stack_a)));
	kb_check(os_task_create(&kb_task_b, "bench-b", b, NULL, KB_PRIO_WORK, kb_stack_b,
				sizeof(kb_stack_b)));
	kb_check(os_sem_take(&kb_done, OS_WAIT_FOREVER));
	kb_check(os_sem_take(&kb_done, OS_WAIT_FOREVER));
	os_sleep(2); /* let both tasks finish exiting before their TCBs are reused */
	return kb_t1 - kb_t0;
}

static void kb_row(const char *what, unsigned count, uint64_t ns)
{
	uint32_t per100 = (uint32_t)(ns * 100u / count);

	os_printf("%-36s %8u %10lu %7lu.%02lu\n", what, count, (unsigned long)ns,
		  (unsigned long)(per100 / 100u), (unsigned long)(per100 % 100u));
}

static void kb_main(void *arg)
{
	uint64_t t0, ns;

	(void)arg;
	os_printf("kbench: Kestrel %s kernel, %s (%s), QEMU -icount shift=0: 1 insn = 1 ns\n",
		  os_version(), KESTREL_BOARD_NAME, KESTREL_BOARD_CPU);

	t0 = os_time_ns();
	kb_spin(KB_SPIN);
	ns = os_time_ns() - t0;
	os_printf("calibration: %u loop instructions read as %lu ns\n", 2u * KB_SPIN,
		  (unsigned long)ns);

	os_printf("%-36s %8s %10s %10s\n", "operation", "count", "insns", "insns/op");
	kb_row("context switch (os_yield, 2 tasks)", 2u * KB_YIELDS, kb_run_pair(yield_a, yield_b));
	kb_row("semaphore ping-pong round trip", KB_ROUNDS, kb_run_pair(sem_a, sem_b));
	kb_row("queue send/recv round trip (4 B)", KB_ROUNDS, kb_run_pair(queue_a, queue_b));

	t0 = os_time_ns();
	for (unsigned i = 0; i < KB_ROUNDS; i++) {
		kb_check(os_sem_give(&kb_s1));
		kb_check(os_sem_take(&kb_s1, OS_NO_WAIT));
	}
	kb_row("semaphore give+take, no waiter", KB_ROUNDS, os_time_ns() - t0);

	if (kb_errors != 0) {
		os_printf("kbench: FAIL (%d kernel calls failed)\n", kb_errors);
		os_exit(1);
	}
	os_printf("kbench: done\n");
	os_exit(0);
}

int main(void)
{
	os_init();
	board_console_init();
	os_task_create(&kb_main_task, "bench", kb_main, NULL, KB_PRIO_MAIN, kb_main_stack,
		       sizeof(kb_main_stack));
	os_start();
}
