#!/usr/bin/env python3
"""UDP echo, and the device's DHCP client, DNS resolver and SNTP client
against real Debian servers in the namespace: dnsmasq (DHCP + DNS) and
chronyd (NTP)."""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kestrel_netns as k  # noqa: E402

res = k.Results("interop.udp_dhcp_dns_sntp")

# --- UDP echo with a static address -------------------------------------
with k.DeviceNet() as net:
    r = net.ns_run([k.PYTHON, "-c", """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
ok = 0
for i in range(20):
    msg = b'udp %d ' % i * (i + 1)
    s.sendto(msg, (sys.argv[1], 7))
    try:
        d, a = s.recvfrom(4096)
        ok += d == msg
    except socket.timeout:
        pass
print('echoed', ok)
""", net.dev_ip], check=False)
    res.check("UDP echo (port 7), 20 datagrams", "echoed 20" in r.stdout, r.stdout)

# --- DHCP, DNS, SNTP against dnsmasq and chronyd -----------------------
with k.DeviceNet(static=False) as net:
    tmp = tempfile.mkdtemp()
    lease = os.path.join(tmp, "leases")
    dnsmasq = net.ns.popen(["dnsmasq", "--no-daemon", "--conf-file=/dev/null",
                            "--interface=" + net.tap, "--bind-interfaces",
                            "--dhcp-range=10.77.0.50,10.77.0.60,255.255.255.0,120",
                            "--dhcp-leasefile=" + lease, "--no-resolv", "--no-hosts",
                            "--address=/kestrel.test/10.77.0.99",
                            "--dhcp-option=option:dns-server,10.77.0.1",
                            "--dhcp-option=option:ntp-server,10.77.0.1",
                            "--log-dhcp"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    conf = os.path.join(tmp, "chrony.conf")
    with open(conf, "w") as f:
        f.write("allow all\nlocal stratum 8\nbindaddress 10.77.0.1\nport 123\n"
                "driftfile %s/drift\npidfile %s/chronyd.pid\ncmdport 0\n" % (tmp, tmp))
    chrony = net.ns.popen(["chronyd", "-d", "-x", "-f", conf],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        m = net.dev.expect(r"DHCP lease (10\.77\.0\.\d+)/(\d+) gw ([\d.]+)", 40)
        dev_ip = m.group(1)
        res.check("DHCP lease from dnsmasq in its range",
                  dev_ip.startswith("10.77.0.5") or dev_ip.startswith("10.77.0.60"), m.group(0))
        r = net.ns_run(["ping", "-c", "2", "-W", "2", dev_ip], check=False)
        res.check("reachable at the leased address", " 0% packet loss" in r.stdout, r.stdout)
        out = net.shell("nslookup kestrel.test", 20)
        res.check("DNS A record through dnsmasq", "10.77.0.99" in out, out)
        out = net.shell("nslookup no-such-name.test", 20)
        res.check("DNS failure reported", "10.77.0.99" not in out and
                  re.search(r"(?i)(not found|nxdomain|error|fail)", out) is not None, out)
        out = ""
        for _ in range(10):  # chronyd needs a moment before it serves time
            out = net.shell("ntpdate 10.77.0.1", 20)
            if re.search(r"(?i)offset", out):
                break
            time.sleep(1)
        res.check("SNTP against chronyd", re.search(r"(?i)offset", out) is not None, out)
    finally:
        dnsmasq.kill()
        chrony.kill()
res.done()
