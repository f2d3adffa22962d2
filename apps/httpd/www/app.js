"use strict";
/* Status page: polls /api/status every second; the clock ticks locally between polls. */
var wallOffset = null; /* device wall clock minus browser clock, ms */
var tzOffset = 0;       /* device time zone, minutes east of UTC */

function $(id) { return document.getElementById(id); }
function pad(n) { return (n < 10 ? "0" : "") + n; }
function esc(s) {
  return String(s).replace(/[&<>"]/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c];
  });
}
function fmtUptime(s) {
  var d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  return (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m " + (s % 60) + "s";
}
function tzName(min) {
  if (!min) return "UTC";
  var a = Math.abs(min);
  return "UTC" + (min < 0 ? "-" : "+") + pad(Math.floor(a / 60)) + ":" + pad(a % 60);
}
function tick() {
  if (wallOffset === null) return;
  var t = new Date(Date.now() + wallOffset + tzOffset * 60000); /* device local time */
  $("clock").textContent = pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes()) + ":" + pad(t.getUTCSeconds());
  $("date").textContent = t.toISOString().slice(0, 10) + " " +
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][t.getUTCDay()];
}
function rows(tbody, html) { tbody.innerHTML = html.join(""); }
function render(s) {
  $("device").textContent = s.device;
  document.title = s.device + " status";
  $("version").textContent = "v" + s.version;
  var dev = Date.parse(s.time);
  if (!isNaN(dev)) wallOffset = dev - Date.now();
  tzOffset = s.tz_offset_min || 0;
  $("tz").textContent = tzName(tzOffset);
  tick();
  $("uptime").textContent = fmtUptime(s.uptime_s);
  $("ctxsw").textContent = s.context_switches;
  $("ntasks").textContent = s.tasks_total;
  var idle = 0;
  rows(document.querySelector("#tasks tbody"), s.tasks.map(function (t) {
    if (t.name === "idle") idle = t.cpu_pct;
    var pct = t.stack_size ? Math.round(100 * t.stack_used / t.stack_size) : 0;
    return "<tr><td>" + esc(t.name) + "</td><td class=n>" +
      (t.prio === t.base_prio ? t.prio : t.base_prio + "/" + t.prio) +
      "</td><td><span class=\"st " + esc(t.state) + "\">" + esc(t.state) + "</span></td><td class=n>" +
      t.cpu_pct.toFixed(1) + "</td><td><div class=bar title=\"" + pct + "%\"><i style=\"width:" + pct +
      "%\"></i></div><span class=\"muted stk\">" + t.stack_used + " / " + t.stack_size + "</span></td></tr>";
  }));
  $("busy").textContent = (100 - idle).toFixed(1) + " %";
  var net = Object.keys(s.net);
  rows(document.querySelector("#net tbody"), net.length ? net.map(function (k) {
    return "<tr><td>" + esc(k) + "</td><td class=n>" + s.net[k] + "</td></tr>";
  }) : ["<tr><td class=muted>no counters</td></tr>"]);
  rows(document.querySelector("#pools tbody"), s.pools.length ? s.pools.map(function (p) {
    return "<tr><td>" + esc(p.name) + "</td><td class=n>" + p.block_size + "</td><td class=n>" +
      p.used + "/" + p.count + "</td><td class=n>" + p.peak + "</td><td class=n>" + p.fails + "</td></tr>";
  }) : ["<tr><td colspan=5 class=muted>no pools</td></tr>"]);
}
function poll() {
  var x = new XMLHttpRequest();
  x.open("GET", "/api/status");
  x.timeout = 3000;
  x.onload = function () {
    if (x.status === 200) {
      try { render(JSON.parse(x.responseText)); $("link").className = "dot"; return; } catch (e) {}
    }
    $("link").className = "dot off";
  };
  x.onerror = x.ontimeout = function () { $("link").className = "dot off"; };
  x.send();
}
poll();
setInterval(poll, 1000);
setInterval(tick, 250);
