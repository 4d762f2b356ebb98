#!/usr/bin/env python3
"""Live capture end to end, on a veth pair between two network namespaces this test creates.

Checks: capture on an interface, privilege drop (-u nobody), periodic stats events with
capture.kernel_* counters, SIGHUP reopening a rotated eve.json, clean SIGINT shutdown that
writes every pending flow event, exit 0. Never touches a real interface. Skips (77) when
not root or when network namespaces cannot be made here.
"""
import argparse, json, os, pwd, signal, socket, subprocess, sys, tempfile, time

SKIP = 77
NS1, NS2 = "imst-a-%d" % os.getpid(), "imst-b-%d" % os.getpid()
A_IP, B_IP = "10.254.77.1", "10.254.77.2"   # addresses of our own test hosts only


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def setup():
    sh("ip", "netns", "add", NS1)
    sh("ip", "netns", "add", NS2)
    sh("ip", "link", "add", "imst-va", "netns", NS1, "type", "veth", "peer", "name", "imst-vb",
       "netns", NS2)
    sh("ip", "-n", NS1, "addr", "add", A_IP + "/24", "dev", "imst-va")
    sh("ip", "-n", NS2, "addr", "add", B_IP + "/24", "dev", "imst-vb")
    for ns, dev in ((NS1, "imst-va"), (NS2, "imst-vb")):
        sh("ip", "-n", ns, "link", "set", dev, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")


def teardown():
    sh("ip", "netns", "del", NS1, check=False)
    sh("ip", "netns", "del", NS2, check=False)


def send_udp(count, port):
    """Sends `count` UDP datagrams from NS2 to A_IP:port (bounded, local test hosts only)."""
    code = ("import socket,time\n"
            "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
            "for i in range(%d):\n"
            "    s.sendto(b'imsentry live test %%d' %% i, ('%s', %d)); time.sleep(0.01)\n"
            % (count, A_IP, port))
    sh("ip", "netns", "exec", NS2, sys.executable, "-c", code)


def events(path):
    if not os.path.exists(path):
        return []
    return [json.loads(l) for l in open(path) if l.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--source")
    ap.add_argument("--build")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("SKIP: live capture test needs root")
        return SKIP
    try:
        setup()
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        teardown()
        print("SKIP: cannot create network namespaces here: %s" % e)
        return SKIP
    passed = failed = 0

    def check(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print("FAIL: " + what)

    tmp = tempfile.mkdtemp(prefix="imsentry-live-")
    os.chmod(tmp, 0o755)
    logdir = os.path.join(tmp, "log", "nested")
    cfg = os.path.join(tmp, "live.yaml")
    with open(cfg, "w") as f:
        f.write("stats:\n  interval: 1\n")
    proc = None
    try:
        proc = subprocess.Popen(["ip", "netns", "exec", NS1, a.binary, "-i", "imst-va", "-l", logdir,
                                 "-c", cfg, "-u", "nobody"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        eve = os.path.join(logdir, "eve.json")
        for _ in range(100):
            if os.path.exists(eve) or proc.poll() is not None:
                break
            time.sleep(0.05)
        time.sleep(0.5)
        send_udp(20, 9999)
        time.sleep(1.5)
        # log rotation: move the file away, SIGHUP, and the sensor must write a new one
        os.rename(eve, eve + ".1")
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        send_udp(10, 9998)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        err = err.decode("utf-8", "replace")
        check(proc.returncode == 0, "exit status %s, stderr: %s" % (proc.returncode, err))
        check(os.path.exists(eve), "eve.json was not reopened after SIGHUP")
        old, new = events(eve + ".1"), events(eve)
        allev = old + new
        st = os.stat(eve)
        check(st.st_mode & 0o777 == 0o640, "eve.json mode %o" % (st.st_mode & 0o777))
        check(st.st_uid == pwd.getpwnam("nobody").pw_uid, "eve.json not owned by the -u user")
        stats = [e for e in allev if e["event_type"] == "stats"]
        check(len(stats) >= 2, "expected periodic stats events, got %d" % len(stats))
        last = stats[-1]["stats"] if stats else {}
        kp = last.get("capture", {}).get("kernel_packets", 0)
        check(kp >= 30, "capture.kernel_packets %s < 30" % kp)
        check("kernel_drops" in last.get("capture", {}), "capture.kernel_drops missing")
        flows = [e for e in allev if e["event_type"] == "flow" and e.get("proto") == "UDP"]
        ports = {e.get("dest_port") for e in flows}
        check(9999 in ports and 9998 in ports, "flow events for both UDP flows (got %s)" % ports)
        f9998 = [e for e in new if e["event_type"] == "flow" and e.get("dest_port") == 9998]
        check(len(f9998) == 1 and f9998[0]["flow"]["pkts_toserver"] == 10,
              "the flow after rotation is in the new file with 10 packets: %s" % f9998)
        check(new and new[-1]["event_type"] == "stats", "final stats event written at shutdown")
        check("running as nobody" in err, "privilege drop reported")
    finally:
        if proc and proc.poll() is None:
            proc.kill()
        teardown()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
