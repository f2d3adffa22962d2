/*
 * Message queues: fixed-size messages copied by value into a ring.
 *
 * A receiver waiting on an empty queue gets the next message copied
 * straight into its buffer (wait_p); a sender waiting on a full queue
 * leaves a pointer to its message (wait_p) and the receiver that frees a
 * slot copies it in and wakes the sender. Either way no task ever retries,
 * and priority order among waiters is kept.
 */
#include "os_internal.h"

#include <string.h>

void os_queue_init(struct os_queue *q, void *buf, size_t msg_size, size_t cap)
{
	list_init(&q->rx_wq.waiters);
	list_init(&q->tx_wq.waiters);
	q->buf = buf;
	q->msg_size = (uint16_t)msg_size;
	q->cap = (uint16_t)cap;
	q->head = 0;
	q->count = 0;
}

static uint8_t *slot(struct os_queue *q, unsigned i)
{
	return q->buf + (size_t)((q->head + i) % q->cap) * q->msg_size;
}

int os_queue_send(struct os_queue *q, const void *msg, os_tick_t timeout)
{
	unsigned key = os_irq_lock();
	struct os_task *w = waitq_first(&q->rx_wq);
	int ret = 0;

	if (w != NULL) {
		memcpy(w->wait_p, msg, q->msg_size);
		os_wake(w, 0);
	} else if (q->count < q->cap) {
		memcpy(slot(q, q->count), msg, q->msg_size);
		q->count++;
	} else if (os_in_isr()) {
		ret = -EBUSY;
	} else {
		os_current->wait_p = (void *)(uintptr_t)msg;
		ret = os_block(&q->tx_wq, timeout, &key);
	}
	os_irq_unlock(key);
	return ret;
}

int os_queue_send_isr(struct os_queue *q, const void *msg)
{
	return os_queue_send(q, msg, OS_NO_WAIT);
}

int os_queue_recv(struct os_queue *q, void *msg, os_tick_t timeout)
{
	unsigned key = os_irq_lock();
	int ret = 0;

	if (q->count > 0) {
		struct os_task *w;

		memcpy(msg, slot(q, 0), q->msg_size);
		q->head = (uint16_t)((q->head + 1) % q->cap);
		q->count--;
		w = waitq_first(&q->tx_wq);
		if (w != NULL) {
			memcpy(slot(q, q->count), w->wait_p, q->msg_size);
			q->count++;
			os_wake(w, 0);
		}
	} else if (os_in_isr()) {
		ret = -EBUSY;
	} else {
		os_current->wait_p = msg;
		ret = os_block(&q->rx_wq, timeout, &key);
	}
	os_irq_unlock(key);
	return ret;
}

unsigned os_queue_count(const struct os_queue *q)
{
	return q->count;
}
