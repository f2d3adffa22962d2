/*
 * kbench_host: the kernel micro-benchmarks of kbench.c on the hosted port,
 * in host nanoseconds per operation (real clock).
 *
 * On the hosted port a context switch is a hand-over between two host
 * threads (post one semaphore, wait on another), so these numbers measure
 * the simulation's cost on this machine, not what a Cortex-M would do;
 * compare kernels with the instruction counts from QEMU instead. Each
 * figure is the best of five runs to damp scheduler noise.
 */
#include <stdio.h>

#include <kestrel/os/kernel.h>
#include <kestrel/posix.h>

#define YIELDS 20000u
#define ROUNDS 10000u
#define RUNS   5

static struct os_task main_task, task_a, task_b;
OS_STACK_DEFINE(main_stack, 8192);
OS_STACK_DEFINE(stack_a, 8192);
OS_STACK_DEFINE(stack_b, 8192);
static OS_SEM_DEFINE(done, 0, 2);
static OS_SEM_DEFINE(s1, 0, 1);
static OS_SEM_DEFINE(s2, 0, 1);
OS_QUEUE_DEFINE(q1, sizeof(uint32_t), 4);
OS_QUEUE_DEFINE(q2, sizeof(uint32_t), 4);

static void yielder(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < YIELDS; i++) {
		os_yield();
	}
	os_sem_give(&done);
}

static void sem_a(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < ROUNDS; i++) {
		os_sem_give(&s1);
		os_sem_take(&s2, OS_WAIT_FOREVER);
	}
	os_sem_give(&done);
}

static void sem_b(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < ROUNDS; i++) {
		os_sem_take(&s1, OS_WAIT_FOREVER);
		os_sem_give(&s2);
	}
	os_sem_give(&done);
}

static void q_a(void *arg)
{
	uint32_t v = 0;
	(void)arg;
	for (unsigned i = 0; i < ROUNDS; i++) {
		os_queue_send(&q1, &i, OS_WAIT_FOREVER);
		os_queue_recv(&q2, &v, OS_WAIT_FOREVER);
	}
	os_sem_give(&done);
}

static void q_b(void *arg)
{
	uint32_t v = 0;
	(void)arg;
	for (unsigned i = 0; i < ROUNDS; i++) {
		os_queue_recv(&q1, &v, OS_WAIT_FOREVER);
		os_queue_send(&q2, &v, OS_WAIT_FOREVER);
	}
	os_sem_give(&done);
}

/* Runs a pair of tasks to completion; returns ns per iteration. */
static double run_pair(os_task_fn fa, os_task_fn fb, unsigned iters)
{
	double best = 1e18;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = os_time_ns();
		os_task_create(&task_a, "a", fa, NULL, 8, stack_a, sizeof(stack_a));
		os_task_create(&task_b, "b", fb, NULL, 8, stack_b, sizeof(stack_b));
		os_sem_take(&done, OS_WAIT_FOREVER);
		os_sem_take(&done, OS_WAIT_FOREVER);
		double ns = (double)(os_time_ns() - t0) / iters;
		if (ns < best) {
			best = ns;
		}
		os_sleep(2); /* let both tasks exit */
	}
	return best;
}

static void bench_main(void *arg)
{
	uint64_t t0;
	double none = 1e18;

	(void)arg;
	printf("operation                         ns/op (hosted, best of %d)\n", RUNS);
	printf("yield + switch (2 tasks)          %.0f\n", run_pair(yielder, yielder, 2 * YIELDS));
	printf("semaphore ping-pong round trip    %.0f\n", run_pair(sem_a, sem_b, ROUNDS));
	printf("queue round trip (4-byte msg)     %.0f\n", run_pair(q_a, q_b, ROUNDS));
	for (int r = 0; r < RUNS; r++) {
		t0 = os_time_ns();
		for (unsigned i = 0; i < 100000; i++) {
			os_sem_give(&s1);
			os_sem_take(&s1, OS_NO_WAIT);
		}
		double ns = (double)(os_time_ns() - t0) / 100000;
		none = ns < none ? ns : none;
	}
	printf("semaphore give + take, no waiter  %.0f\n", none);
	fflush(stdout);
	os_exit(0);
}

int main(void)
{
	os_init();
	os_task_create(&main_task, "bench", bench_main, NULL, 4, main_stack, sizeof(main_stack));
	os_start();
}
