/*
 * Host-side receive ring of the hosted Ethernet drivers (see
 * kestrel/drivers/host/eth_host.h). The producer is a host thread that must
 * never touch kernel or stack state; the consumer is the IRQ handler on the
 * simulated CPU. They share only the ring, under `lock`.
 *
 * Handler loop: for each queued frame, allocate the pbuf first (outside the
 * lock: net_rx_alloc is kernel-side code), then copy the head slot into it
 * and pop the slot under the lock, then hand the pbuf on outside the lock.
 * When the pool is empty the frame is popped and dropped, as a MAC with no
 * free descriptor would; every drop is counted.
 */
#include <kestrel/drivers/host/eth_host.h>
#include <kestrel/errno.h>
#include <kestrel/net/nettask.h>
#include <kestrel/os/kernel.h>
#include <kestrel/posix.h>

#include <string.h>

int eth_host_init(struct eth_host *h)
{
	int irq;

	memset(h, 0, sizeof(*h));
	h->irq = -1;
	h->deliver = net_task_input;
	pthread_mutex_init(&h->lock, NULL);
	irq = posix_irq_alloc();
	if (irq < 0) {
		return irq;
	}
	h->irq = irq;
	return os_irq_connect((unsigned)irq, eth_host_isr, h);
}

void eth_host_set_hook(struct eth_host *h, const struct eth_rx_hook *hook)
{
	if (hook != NULL) {
		h->hook = *hook;
	} else {
		h->hook.fn = NULL;
		h->hook.ctx = NULL;
	}
}

void eth_host_attach(struct eth_host *h, struct netif *nif)
{
	h->nif = nif;
	if (h->irq >= 0) {
		posix_irq_source_add();
		os_irq_enable((unsigned)h->irq);
	}
}

int eth_host_push(struct eth_host *h, const void *frame, size_t len)
{
	unsigned slot;
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	if (len < ETH_HLEN || len > ETH_FRAME_MAX) {
		h->st.rx_errors++;
		rc = -EMSGSIZE;
	} else if (h->count == CONFIG_ETH_HOST_RING) {
		h->st.rx_ring_drops++;
		rc = -ENOSPC;
	} else {
		slot = (h->head + h->count) % CONFIG_ETH_HOST_RING;
		memcpy(h->frame[slot], frame, len);
		h->len[slot] = (uint16_t)len;
		h->count++;
	}
	pthread_mutex_unlock(&h->lock);
	if (rc == 0 && h->irq >= 0) {
		posix_irq_raise((unsigned)h->irq);
	}
	return rc;
}

/* Length of the head frame, or 0 when the ring is empty. */
static uint16_t host_peek(struct eth_host *h)
{
	uint16_t len = 0;

	pthread_mutex_lock(&h->lock);
	if (h->count != 0) {
		len = h->len[h->head];
	}
	pthread_mutex_unlock(&h->lock);
	return len;
}

/* Copies the head frame into p (if not NULL) and pops it. */
static void host_pop(struct eth_host *h, struct pbuf *p)
{
	pthread_mutex_lock(&h->lock);
	if (p != NULL) {
		pbuf_copy_in(p, 0, h->frame[h->head], h->len[h->head]);
	}
	h->head = (h->head + 1) % CONFIG_ETH_HOST_RING;
	h->count--;
	pthread_mutex_unlock(&h->lock);
}

void eth_host_isr(void *arg)
{
	struct eth_host *h = arg;
	uint16_t len;

	/* bounded: at most one ring's worth per interrupt; later frames re-raise */
	for (unsigned n = 0; n < CONFIG_ETH_HOST_RING; n++) {
		struct pbuf *p;

		len = host_peek(h);
		if (len == 0) {
			break;
		}
		p = h->nif != NULL ? net_rx_alloc(len) : NULL;
		host_pop(h, p);
		if (p == NULL) {
			h->st.rx_nomem_drops++;
			continue;
		}
		h->st.rx_frames++;
		h->st.rx_bytes += len;
		if (eth_rx_hand_off(&h->hook, h->nif, p, h->deliver) < 0) {
			h->st.rx_queue_drops++;
		}
	}
	if (host_peek(h) != 0 && h->irq >= 0) {
		posix_irq_raise((unsigned)h->irq);
	}
}

void eth_host_get_stats(struct eth_host *h, struct eth_host_stats *out)
{
	pthread_mutex_lock(&h->lock);
	*out = h->st;
	pthread_mutex_unlock(&h->lock);
}

void eth_host_count_tx(struct eth_host *h, size_t len, int rc)
{
	if (rc == 0) {
		h->st.tx_frames++;
		h->st.tx_bytes += (uint32_t)len;
	} else if (rc == -EBUSY) {
		h->st.tx_drops++;
	} else {
		h->st.tx_errors++;
	}
}

void eth_host_destroy(struct eth_host *h)
{
	if (h->irq >= 0) {
		os_irq_disable((unsigned)h->irq);
	}
	pthread_mutex_destroy(&h->lock);
}
