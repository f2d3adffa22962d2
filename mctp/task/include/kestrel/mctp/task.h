/*
 * MCTP device glue: the state that owns one struct mctp_endpoint with its
 * services (control responder, Code Construct echo/bench, NVMe-MI responder
 * over the simulated NVMe subsystem), fed by link drivers.
 *
 * Two layers:
 *
 *   mctp_glue_*  pure: pulls bytes/transfers from each link's driver, runs
 *                the binding deframer, feeds the endpoint, buffers and
 *                flushes transmit data, streams bench data. No kernel calls;
 *                unit tests drive it with fake links.
 *   mctp_task_*  kernel: one task that owns a static struct mctp_glue and
 *                runs mctp_glue_service() whenever a driver signals data,
 *                a shell command posts a call, or a timeout is due.
 *
 * A link driver (hosted pty or Unix socket, a UART or USB device
 * controller) implements struct mctp_link_ops. Its receive interrupt calls
 * mctp_task_notify_isr(); the task then pulls with ops->rx until it
 * returns 0. Nothing else in the glue touches driver state.
 */
#ifndef KESTREL_MCTP_TASK_H
#define KESTREL_MCTP_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/mctp/core.h>
#include <kestrel/mctp/nvme_mi.h>
#include <kestrel/mctp/serial.h>
#include <kestrel/mctp/usb.h>
#include <kestrel/mctp/vendor.h>

/* Bytes of serial frames gathered before one driver write. */
#ifndef CONFIG_MCTP_GLUE_SERIAL_TXBUF
#define CONFIG_MCTP_GLUE_SERIAL_TXBUF 4096
#endif
/* Bench data messages sent per service pass (the rest waits for the next). */
#ifndef CONFIG_MCTP_GLUE_BENCH_BUDGET
#define CONFIG_MCTP_GLUE_BENCH_BUDGET 8
#endif
/* Consecutive failed flushes after which a bench stream is abandoned. */
#ifndef CONFIG_MCTP_GLUE_BENCH_FAILS
#define CONFIG_MCTP_GLUE_BENCH_FAILS 4
#endif
/* Receive chunks pulled per link per service pass (bounds one pass). */
#ifndef CONFIG_MCTP_GLUE_RX_BURST
#define CONFIG_MCTP_GLUE_RX_BURST 64
#endif
_Static_assert(CONFIG_MCTP_GLUE_SERIAL_TXBUF >= MCTP_SERIAL_FRAME_MAX(MCTP_SERIAL_MAX_PKT),
	       "serial tx buffer must hold one worst-case frame");

enum mctp_link_kind {
	MCTP_LINK_SERIAL, /* DSP0253 byte stream */
	MCTP_LINK_USB,	  /* DSP0283 bulk transfers of <= 512 bytes */
};

/*
 * Driver operations. Both run in the MCTP task and return a negative errno
 * on failure.
 *   rx: copies pending received data into buf: serial, any part of the byte
 *       stream; USB, exactly one bulk OUT transfer, truncated to cap (the
 *       glue passes 513 bytes, so an oversize transfer is seen and counted).
 *       @retval bytes copied @retval 0 nothing pending.
 *   tx: sends serial bytes (whole frames) or one bulk IN transfer.
 *       @retval 0 sent @retval -EAGAIN peer not draining (data dropped)
 *       @retval -ENOTCONN nobody attached (data dropped).
 */
struct mctp_link_ops {
	int (*rx)(void *ctx, uint8_t *buf, size_t cap);
	int (*tx)(void *ctx, const uint8_t *buf, size_t len);
};

struct mctp_glue_link {
	enum mctp_link_kind kind;
	const char *name; /* e.g. "/dev/pts/3" (caller keeps it) */
	const struct mctp_link_ops *ops;
	void *ctx;
	uint8_t index; /* mctp_endpoint link index */
	uint16_t mtu;
	uint32_t rx_bytes, tx_bytes;
	uint32_t tx_drops; /* flushes the driver refused */
	bool tx_failed;	   /* a flush failed since the last service pass looked */
	struct mctp_serial_rx srx;
	struct mctp_usb_stats ustats;
	struct mctp_usb_tx utx;
	size_t stx_len;
	uint8_t stx[CONFIG_MCTP_GLUE_SERIAL_TXBUF];
};

struct mctp_glue_config {
	uint8_t static_eid; /* 0: dynamic (assigned by the bus owner) */
	bool has_uuid;
	uint8_t uuid[MCTP_UUID_SIZE];
	const char *serial_number; /* NVMe SN of the model; NULL: "KESTREL0001" */
};

struct mctp_glue {
	struct mctp_endpoint ep;
	struct mctp_vendor vendor;
	struct nvme_model model;
	struct nvme_mi_responder nvme;
	struct mctp_glue_link links[CONFIG_MCTP_MAX_LINKS];
	uint8_t n_links;
	uint8_t next_route; /* learned-route slot replaced next when the table is full */
	uint8_t bench_fails;
	uint32_t routes_learned;
	uint32_t bench_aborted;
	uint8_t scratch[CONFIG_MCTP_MAX_MSG]; /* bench data message */
	uint8_t rxbuf[MCTP_USB_XFER_SIZE + 1];
};

/* Resets `g` and registers the services. @retval 0 or a negative errno. */
int mctp_glue_init(struct mctp_glue *g, const struct mctp_glue_config *cfg);

/*
 * Adds a link; mtu is the packet payload the device sends (serial 64..251,
 * USB 64..247). @retval link index @retval -EINVAL bad mtu/kind
 * @retval -ENOMEM CONFIG_MCTP_MAX_LINKS reached.
 */
int mctp_glue_add_link(struct mctp_glue *g, enum mctp_link_kind kind, uint16_t mtu,
		       const struct mctp_link_ops *ops, void *ctx, const char *name);

/*
 * One pass: pulls received data from every link (bounded), feeds the
 * endpoint, expires timeouts, sends up to CONFIG_MCTP_GLUE_BENCH_BUDGET
 * bench messages and flushes transmit buffers.
 * @retval 1 more work is pending (bench streaming or receive burst cut short)
 * @retval 0 idle until a driver signals or a timeout.
 */
int mctp_glue_service(struct mctp_glue *g, uint32_t now_ms);

/* Sends anything buffered on every link. */
void mctp_glue_flush(struct mctp_glue *g);

/* Total drops over the endpoint, deframers and NVMe-MI (for tests and `mctp`). */
uint32_t mctp_glue_drops(const struct mctp_glue *g);

/* ---- the kernel task ---- */

/* Priority of the MCTP task: below the console shell, so it stays usable under load. */
#ifndef CONFIG_MCTP_TASK_PRIO
#define CONFIG_MCTP_TASK_PRIO 22
#endif
#ifndef CONFIG_MCTP_TASK_STACK
#define CONFIG_MCTP_TASK_STACK 4096
#endif

/* Initialises the task's glue (before mctp_task_add_link / _start). */
int mctp_task_init(const struct mctp_glue_config *cfg);
int mctp_task_add_link(enum mctp_link_kind kind, uint16_t mtu, const struct mctp_link_ops *ops,
		       void *ctx, const char *name);
/* Creates the task. @retval 0 @retval -EALREADY started. */
int mctp_task_start(void);
/* From a driver's interrupt handler (or any task): receive data is pending. */
void mctp_task_notify_isr(void);
/*
 * Runs fn(glue, arg) in the MCTP task and returns its result (the caller
 * blocks). This is how shell commands read or change MCTP state.
 * @retval -ENODEV task not started.
 */
int mctp_task_call(int (*fn)(struct mctp_glue *g, void *arg), void *arg);

#endif /* KESTREL_MCTP_TASK_H */
