/*
 * Blocking host-name lookup for apps: a dotted quad directly, otherwise
 * the DNS resolver (include/kestrel/net/dns.h) run inside the network task
 * with net_call(); its callback wakes the caller through a semaphore. A
 * generation number makes a late answer to an abandoned lookup harmless.
 */
#include <kestrel/apps/wget.h>
#include <kestrel/net/dns.h>
#include <kestrel/net/nettask.h>
#include <kestrel/os/kernel.h>

static OS_MUTEX_DEFINE(rs_mutex); /* one lookup at a time owns rs_* below */
static struct os_sem rs_done;
static volatile uint32_t rs_gen;
static int rs_status;
static uint32_t rs_addr;

struct rs_req {
	const char *host;
	uint32_t *addr;
};

/* Runs in the network task. */
static void rs_cb(void *ctx, const char *name, int status, uint32_t addr)
{
	(void)name;
	if ((uint32_t)(uintptr_t)ctx != rs_gen) {
		return; /* the caller gave up on this one */
	}
	rs_status = status;
	rs_addr = addr;
	(void)os_sem_give(&rs_done);
}

static int rs_start(struct net_stack *st, void *arg)
{
	struct rs_req *r = arg;

	return dns_gethostbyname(st, r->host, r->addr, rs_cb, (void *)(uintptr_t)rs_gen);
}

int wget_resolve(const char *host, uint32_t *addr, uint32_t timeout_ms)
{
	struct rs_req req = {host, addr};
	int rc;

	if (net_parse_ipv4(host, addr) == 0) {
		return 0;
	}
	if (net_task_stack() == NULL) {
		return -ENETDOWN;
	}
	(void)os_mutex_lock(&rs_mutex, OS_WAIT_FOREVER);
	rs_gen++;
	os_sem_init(&rs_done, 0, 1);
	rc = net_call(rs_start, &req);
	if (rc == -EINPROGRESS) {
		rc = os_sem_take(&rs_done, OS_MS(timeout_ms));
		if (rc == 0) {
			rc = rs_status;
			*addr = rs_addr;
		} else {
			rs_gen++;
			rc = -EAGAIN;
		}
	}
	(void)os_mutex_unlock(&rs_mutex);
	return rc;
}
