#include "sock_test.h"

#include <kestrel/posix.h>

static struct net_stack the_stack;
static const char *suite_name;
static const struct kt_case *suite_cases;
static size_t suite_n;
static void (*suite_setup)(void);
static struct os_task runner;
OS_STACK_DEFINE(runner_stack, 32768);
static struct st_counts baseline;
static int baseline_tasks;

struct helper {
	struct os_task task;
	struct os_sem done;
	void (*fn)(void *arg);
	void *arg;
};
static struct helper helpers[ST_HELPERS];
OS_STACK_DEFINE(helper_stack0, 16384);
OS_STACK_DEFINE(helper_stack1, 16384);
OS_STACK_DEFINE(helper_stack2, 16384);
OS_STACK_DEFINE(helper_stack3, 16384);
OS_STACK_DEFINE(helper_stack4, 16384);
OS_STACK_DEFINE(helper_stack5, 16384);
OS_STACK_DEFINE(helper_stack6, 16384);
OS_STACK_DEFINE(helper_stack7, 16384);
static uint64_t *const helper_stacks[ST_HELPERS] = {
	helper_stack0, helper_stack1, helper_stack2, helper_stack3,
	helper_stack4, helper_stack5, helper_stack6, helper_stack7,
};

static int tasks_live(void)
{
	struct os_task_info info[64];
	int n = os_task_list(info, 64);
	int live = 0;

	for (int i = 0; i < n && i < 64; i++) {
		if (info[i].state != OS_TASK_DEAD) {
			live++;
		}
	}
	return live;
}

static void helper_main(void *arg)
{
	struct helper *h = arg;

	h->fn(h->arg);
	os_sem_give(&h->done);
}

void st_spawn(int slot, void (*fn)(void *arg), void *arg)
{
	struct helper *h = &helpers[slot];
	static const char *const names[ST_HELPERS] = {"h0", "h1", "h2", "h3",
						      "h4", "h5", "h6", "h7"};

	h->fn = fn;
	h->arg = arg;
	os_sem_init(&h->done, 0, 1);
	if (os_task_create(&h->task, names[slot], helper_main, h, ST_RUNNER_PRIO,
			   helper_stacks[slot], OS_STACK_SIZEOF(16384)) != 0) {
		KT_FAIL("cannot start helper %d", slot);
	}
}

int st_join(int slot, uint32_t ms)
{
	return os_sem_take(&helpers[slot].done, OS_MS(ms));
}

int st_listen(uint16_t port, int backlog)
{
	struct net_sockaddr_in a = net_sockaddr(NET_INADDR_LOOPBACK, port);
	int one = 1;
	int fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	int err;

	if (fd < 0) {
		return fd;
	}
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_REUSEADDR, &one, sizeof(one));
	err = net_bind(fd, &a);
	if (err == 0) {
		err = net_listen(fd, backlog);
	}
	if (err < 0) {
		net_close(fd);
		return err;
	}
	return fd;
}

int st_connect(uint16_t port)
{
	struct net_sockaddr_in a = net_sockaddr(NET_INADDR_LOOPBACK, port);
	int fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	int err;

	if (fd < 0) {
		return fd;
	}
	err = net_connect(fd, &a);
	if (err < 0) {
		net_close(fd);
		return err;
	}
	return fd;
}

int st_udp(uint16_t port)
{
	struct net_sockaddr_in a = net_sockaddr(NET_INADDR_LOOPBACK, port);
	int fd = net_socket(NET_AF_INET, NET_SOCK_DGRAM, 0);
	int err;

	if (fd < 0) {
		return fd;
	}
	err = net_bind(fd, &a);
	if (err < 0) {
		net_close(fd);
		return err;
	}
	return fd;
}

int st_send_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		int n = net_send(fd, (const char *)buf + done, len - done, 0);

		if (n <= 0) {
			return n == 0 ? -EIO : n;
		}
		done += (size_t)n;
	}
	return 0;
}

int st_recv_all(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		int n = net_recv(fd, (char *)buf + done, len - done, 0);

		if (n <= 0) {
			return n == 0 ? -EIO : n;
		}
		done += (size_t)n;
	}
	return 0;
}

static int counts_fn(struct net_stack *st, void *arg)
{
	struct st_counts *c = arg;
	struct tcp_stack *ts = tcp_net(st);
	struct udp_info u[CONFIG_NET_UDP_PCBS];
	struct pbuf_stats ps;

	c->tcp_pcbs = (unsigned)tcp_pcbs_in_use(ts);
	c->tcp_bufs = (unsigned)tcp_bufs_in_use(ts);
	c->tcp_syn = (unsigned)tcp_syn_cache_in_use(ts);
	c->udp_pcbs = udp_table(st, u, CONFIG_NET_UDP_PCBS);
	pbuf_pool_stats(&st->pool, &ps);
	c->pbufs = ps.used;
	return 0;
}

void st_counts(struct st_counts *c)
{
	c->sockets = net_socket_list(NULL, 0);
	(void)net_call(counts_fn, c);
}

static bool counts_equal(const struct st_counts *a, const struct st_counts *b)
{
	return a->sockets == b->sockets && a->tcp_pcbs == b->tcp_pcbs &&
	       a->tcp_bufs == b->tcp_bufs && a->tcp_syn == b->tcp_syn &&
	       a->udp_pcbs == b->udp_pcbs && a->pbufs == b->pbufs;
}

static void teardown(void)
{
	struct st_counts c;

	os_sleep(OS_MS(20)); /* let helpers that just signalled completion return */
	/* TIME-WAIT lasts 2 MSL; wait it out (virtual time) */
	for (int i = 0; i < 2 * CONFIG_TCP_MSL_MS / 100 + 50; i++) {
		st_counts(&c);
		if (counts_equal(&c, &baseline)) {
			break;
		}
		os_sleep(OS_MS(100));
	}
	if (!counts_equal(&c, &baseline)) {
		KT_FAIL("leak: sockets %d/%d tcp pcbs %u/%u bufs %u/%u syn %u/%u udp %u/%u "
			"pbufs %u/%u (now/baseline)",
			c.sockets, baseline.sockets, c.tcp_pcbs, baseline.tcp_pcbs, c.tcp_bufs,
			baseline.tcp_bufs, c.tcp_syn, baseline.tcp_syn, c.udp_pcbs,
			baseline.udp_pcbs, c.pbufs, baseline.pbufs);
	}
	if (tasks_live() != baseline_tasks) {
		KT_FAIL("task leak: %d live tasks, expected %d", tasks_live(), baseline_tasks);
	}
}

static void runner_main(void *arg)
{
	(void)arg;
	if (suite_setup != NULL) {
		suite_setup();
	}
	os_sleep(OS_MS(50));
	st_counts(&baseline);
	baseline_tasks = tasks_live();
	os_exit(kt_run(suite_name, suite_cases, suite_n, teardown));
}

int sock_test_main(const char *suite, const struct kt_case *cases, size_t n, void (*setup)(void))
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	suite_name = suite;
	suite_cases = cases;
	suite_n = n;
	suite_setup = setup;
	posix_set_clock(POSIX_CLOCK_VIRTUAL);
	os_init();
	if (net_task_start(&the_stack) != 0) {
		printf("cannot start the network task\n");
		return 1;
	}
	os_task_create(&runner, "runner", runner_main, NULL, ST_RUNNER_PRIO, runner_stack,
		       sizeof(runner_stack));
	os_start();
}
