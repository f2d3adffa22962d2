/*
 * GET /api/status: the device state the status page shows, as JSON.
 *
 *   {"device":"Kestrel hosted","version":"0.1.0",
 *    "time":"2026-11-21T10:00:00.123Z",      os_wallclock_ns(), ISO 8601 UTC
 *    "tz_offset_min":330,                    os_tz_offset_min(): the page
 *                                            shows the device's local time
 *    "uptime_s":42, "uptime_ms":42123,       os_time_ns()
 *    "context_switches":1234,
 *    "tasks":[{"name":"idle","prio":31,"base_prio":31,"state":"ready",
 *              "cpu_pct":99.1,"stack_used":64,"stack_size":512},...],
 *    "tasks_total":7,
 *    "pools":[{"name":"pbuf","block_size":1536,"used":2,"count":32,
 *              "peak":5,"fails":0},...],
 *    "net":{"ip_rx":10,...}}                  the board's counters hook
 *
 * The snapshot arrays are static (this runs only on the server task) to
 * keep the task's stack small.
 *
 * The task table is the expensive part: os_task_list() finds every task's
 * stack high-water mark by scanning its painted stack with interrupts
 * masked (on the hosted board that is 128 KiB of headroom per task, about
 * 0.3 ms per request; on a Cortex-M a few KiB per task). A client polling
 * the API as fast as it can would keep the whole device masked most of the
 * time, so the table is taken at most every STATUS_TASKS_MS and requests
 * in between reuse it. CPU shares only change once per
 * CONFIG_OS_CPU_WINDOW_TICKS (a second) anyway; time, uptime, pools and
 * counters are read on every request. Task names are copied: a task that
 * ended since may have taken the storage of its name with it.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/timeconv.h>
#include <kestrel/os/kernel.h>

#include "httpd_internal.h"

#define STATUS_TASKS_MS 250 /* oldest task table served (see the top) */
#define STATUS_NAME_MAX 16  /* task name bytes kept, NUL included */

static httpd_counters_fn status_counters;
static struct os_task_info status_tasks[CONFIG_HTTPD_STATUS_TASKS];
static char status_task_names[CONFIG_HTTPD_STATUS_TASKS][STATUS_NAME_MAX];
static int status_tasks_n = -1; /* tasks in the snapshot; -1: none taken yet */
static os_tick_t status_tasks_at;
static struct os_pool_info status_pools[CONFIG_HTTPD_STATUS_POOLS];
static struct httpd_counter status_net[CONFIG_HTTPD_STATUS_COUNTERS];

void httpd_set_net_counters_hook(httpd_counters_fn fn)
{
	status_counters = fn;
}

static void status_time(struct json_writer *w)
{
	int64_t ns = os_wallclock_ns();
	uint64_t up = os_time_ns();
	int64_t secs = ns / TC_NS_PER_SEC;
	int64_t frac = ns % TC_NS_PER_SEC;
	char iso[40];

	if (frac < 0) {
		secs--;
		frac += TC_NS_PER_SEC;
	}
	json_key(w, "time");
	if (tc_format_iso8601(iso, sizeof(iso), secs, (uint32_t)frac, 3) > 0) {
		json_str(w, iso);
	} else {
		json_null(w);
	}
	json_key(w, "tz_offset_min");
	json_int(w, os_tz_offset_min());
	json_key(w, "uptime_s");
	json_uint(w, up / 1000000000u);
	json_key(w, "uptime_ms");
	json_uint(w, up / 1000000u);
}

/* The task table, taken again when the snapshot is STATUS_TASKS_MS old. */
static int status_task_snapshot(void)
{
	os_tick_t now = os_ticks();
	int n;

	if (status_tasks_n >= 0 && now - status_tasks_at < OS_MS(STATUS_TASKS_MS)) {
		return status_tasks_n;
	}
	n = os_task_list(status_tasks, CONFIG_HTTPD_STATUS_TASKS);
	for (int i = 0; i < n && i < CONFIG_HTTPD_STATUS_TASKS; i++) {
		char *name = status_task_names[i];

		name[0] = '\0';
		if (status_tasks[i].name != NULL) {
			strncat(name, status_tasks[i].name, STATUS_NAME_MAX - 1);
		}
		status_tasks[i].name = name;
	}
	status_tasks_n = n;
	status_tasks_at = now;
	return n;
}

static void status_task_list(struct json_writer *w)
{
	int n = status_task_snapshot();
	int shown = n < CONFIG_HTTPD_STATUS_TASKS ? n : CONFIG_HTTPD_STATUS_TASKS;

	json_key(w, "tasks");
	json_arr_begin(w);
	for (int i = 0; i < shown; i++) {
		const struct os_task_info *t = &status_tasks[i];
		json_obj_begin(w);
		json_key(w, "name");
		json_str(w, t->name);
		json_key(w, "prio");
		json_uint(w, t->prio);
		json_key(w, "base_prio");
		json_uint(w, t->base_prio);
		json_key(w, "state");
		json_str(w, os_task_state_name(t->state));
		json_key(w, "cpu_pct");
		json_fixed1(w, t->cpu_permille);
		json_key(w, "stack_used");
		json_uint(w, t->stack_used);
		json_key(w, "stack_size");
		json_uint(w, t->stack_size);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "tasks_total");
	json_int(w, n);
}

static void status_pool_list(struct json_writer *w)
{
	int n = os_pool_list(status_pools, CONFIG_HTTPD_STATUS_POOLS);

	if (n > CONFIG_HTTPD_STATUS_POOLS) {
		n = CONFIG_HTTPD_STATUS_POOLS;
	}
	json_key(w, "pools");
	json_arr_begin(w);
	for (int i = 0; i < n; i++) {
		const struct os_pool_info *p = &status_pools[i];
		json_obj_begin(w);
		json_key(w, "name");
		json_str(w, p->name);
		json_key(w, "block_size");
		json_uint(w, p->block_size);
		json_key(w, "used");
		json_uint(w, p->used);
		json_key(w, "count");
		json_uint(w, p->count);
		json_key(w, "peak");
		json_uint(w, p->peak);
		json_key(w, "fails");
		json_uint(w, p->fails);
		json_obj_end(w);
	}
	json_arr_end(w);
}

static void status_net_counters(struct json_writer *w)
{
	int n = status_counters ? status_counters(status_net, CONFIG_HTTPD_STATUS_COUNTERS) : 0;

	if (n > CONFIG_HTTPD_STATUS_COUNTERS) {
		n = CONFIG_HTTPD_STATUS_COUNTERS;
	}
	json_key(w, "net");
	json_obj_begin(w);
	for (int i = 0; i < n; i++) {
		if (status_net[i].name != NULL) {
			json_key(w, status_net[i].name);
			json_uint(w, status_net[i].value);
		}
	}
	json_obj_end(w);
}

int httpd_status_handler(const struct http_request *req, struct httpd_body *body)
{
	struct json_writer w;
	struct os_stats st;
	int n;

	(void)req;
	os_get_stats(&st);
	json_init(&w, body->buf, body->cap);
	json_obj_begin(&w);
	json_key(&w, "device");
	json_str(&w, CONFIG_HTTPD_DEVICE_NAME);
	json_key(&w, "version");
	json_str(&w, os_version());
	status_time(&w);
	json_key(&w, "context_switches");
	json_uint(&w, st.context_switches);
	status_task_list(&w);
	status_pool_list(&w);
	status_net_counters(&w);
	json_obj_end(&w);
	n = json_finish(&w);
	if (n < 0) {
		return n;
	}
	body->len = (size_t)n;
	body->content_type = "application/json";
	return 0;
}
