/*
 * Event flags: 32 bits that tasks wait on, for any or all of a mask.
 *
 * set() evaluates every waiter against the flags as they are after the
 * set; bits that satisfied an OS_FLAGS_CLEAR waiter are cleared only after
 * all waiters were considered, so one set can release several tasks that
 * wait for the same bit.
 */
#include "os_internal.h"

void os_flags_init(struct os_flags *f, uint32_t initial)
{
	list_init(&f->wq.waiters);
	f->bits = initial;
}

static bool flags_match(uint32_t bits, uint32_t mask, unsigned opts)
{
	return (opts & OS_FLAGS_ALL) ? (bits & mask) == mask : (bits & mask) != 0;
}

int os_flags_wait(struct os_flags *f, uint32_t mask, unsigned opts, uint32_t *matched,
		  os_tick_t timeout)
{
	unsigned key = os_irq_lock();
	struct os_task *self = os_current;
	uint32_t got = 0;
	int ret = 0;

	if (mask == 0) {
		ret = -EINVAL;
	} else if (flags_match(f->bits, mask, opts)) {
		got = f->bits;
		if (opts & OS_FLAGS_CLEAR) {
			f->bits &= ~mask;
		}
	} else if (os_in_isr()) {
		ret = -EBUSY;
	} else {
		self->wait_a = mask;
		self->wait_b = opts;
		ret = os_block(&f->wq, timeout, &key);
		got = self->wait_a;
	}
	os_irq_unlock(key);
	if (ret == 0 && matched != NULL) {
		*matched = got;
	}
	return ret;
}

void os_flags_set(struct os_flags *f, uint32_t bits)
{
	unsigned key = os_irq_lock();
	struct os_list *pos = f->wq.waiters.next;
	uint32_t clear = 0;

	f->bits |= bits;
	while (pos != &f->wq.waiters) {
		struct os_task *w = task_of(pos);

		pos = pos->next; /* os_wake unlinks w */
		if (flags_match(f->bits, w->wait_a, w->wait_b)) {
			if (w->wait_b & OS_FLAGS_CLEAR) {
				clear |= w->wait_a;
			}
			w->wait_a = f->bits;
			os_wake(w, 0);
		}
	}
	f->bits &= ~clear;
	os_irq_unlock(key);
}

void os_flags_set_isr(struct os_flags *f, uint32_t bits)
{
	os_flags_set(f, bits);
}

void os_flags_clear(struct os_flags *f, uint32_t bits)
{
	unsigned key = os_irq_lock();
	f->bits &= ~bits;
	os_irq_unlock(key);
}

uint32_t os_flags_get(const struct os_flags *f)
{
	return f->bits;
}
