#!/usr/bin/env python3
"""Load test of `backprop serve`: many tabs training, and how fast the page still loads.

    python3 scripts/load_test.py BINARY [--sessions 32] [--seconds 60] [--heavy]

Starts BINARY serve on a free port with --max-sessions SESSIONS, opens SESSIONS WebSocket
sessions that configure (page defaults, or --heavy: spiral, 8 layers of 32 ReLU, batch 1) and
play, each reading every message like a tab would, and meanwhile requests GET / every 50 ms.
Samples the server's RSS every second. Then closes the tabs and waits until the server is back
to idle. Prints sessions, GET / latency (p50, p99, max), RSS (start, peak, last minute's range,
after close) and CPU after close. A measurement, not a test: it asserts nothing.
Needs `pip install websocket-client`.
"""
import argparse, json, multiprocessing, os, re, statistics, subprocess, sys, threading, time, urllib.request

import websocket  # websocket-client


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
    return int(m.group(1)) / 1024 if m else float("nan")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tab(url, settings, stop, counts, i):
    ws = websocket.create_connection(url, origin=url.replace("ws://", "http://").rsplit("/", 1)[0], timeout=30,
                                     skip_utf8_validation=True)
    ws.send(json.dumps({"type": "configure", "settings": settings}))
    ws.send(json.dumps({"type": "play"}))
    while not stop.is_set():
        try:
            m = ws.recv()
        except websocket.WebSocketTimeoutException:
            continue
        except Exception:
            break
        counts[i] += 1
        if '"type":"error"' in m[:40] or '"type": "error"' in m[:40]:
            print("tab", i, "error:", m[:200], file=sys.stderr)
    ws.close()


def run_tabs(url, settings, sessions, stop, total):
    counts = [0] * sessions
    threads = [threading.Thread(target=tab, args=(url, settings, stop, counts, i), daemon=True) for i in range(sessions)]
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join(timeout=10)
    total.value = sum(counts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--sessions", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--heavy", action="store_true")
    a = ap.parse_args()

    server = subprocess.Popen([a.binary, "serve", "--port", "0", "--max-sessions", str(a.sessions)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    m = re.search(r"http://([^/]+)/", line)
    if not m:
        sys.exit(f"server printed no URL: {line!r}")
    base = f"http://{m.group(1)}"
    time.sleep(0.5)
    pid = server.pid
    start_rss = rss_mb(pid)

    settings = {}
    if a.heavy:
        settings = {"dataset": "spiral", "layers": "32,32,32,32,32,32,32,32", "activation": "relu", "batch-size": "1"}
    # The tabs live in a process of their own, so that their frame parsing (Python, under one
    # lock) does not delay the GET / timings taken here.
    stop = multiprocessing.Event()
    total = multiprocessing.Value("l", 0)
    tabs = multiprocessing.Process(target=run_tabs, args=(base.replace("http://", "ws://") + "/ws", settings, a.sessions, stop, total))
    tabs.start()
    time.sleep(2)  # all tabs connected and playing

    latencies, rss = [], []
    t0 = time.time()
    next_rss = t0
    while time.time() - t0 < a.seconds:
        s = time.perf_counter()
        with urllib.request.urlopen(base + "/", timeout=30) as r:
            r.read()
        latencies.append((time.perf_counter() - s) * 1000)
        if time.time() >= next_rss:
            rss.append(rss_mb(pid))
            next_rss += 1
        time.sleep(0.05)
    stop.set()
    tabs.join(timeout=20)
    messages = total.value
    time.sleep(3)
    cpu0 = cpu_seconds(pid)
    time.sleep(5)
    idle_cpu = (cpu_seconds(pid) - cpu0) / 5
    end_rss = rss_mb(pid)
    server.terminate()
    t_term = time.time()
    server.wait(timeout=10)
    exit_s = time.time() - t_term

    q = statistics.quantiles(latencies, n=100)
    last = rss[-60:]
    print(f"sessions {a.sessions}{' (heavy)' if a.heavy else ''}, {a.seconds:.0f} s, {messages} messages to the tabs "
          f"({messages / a.seconds / a.sessions:.1f}/s per tab), {len(latencies)} GET /")
    print(f"GET / latency ms: p50 {q[49]:.1f}, p99 {q[98]:.1f}, max {max(latencies):.1f}")
    print(f"RSS MB: start {start_rss:.0f}, peak {max(rss):.0f}, last {len(last)} s {min(last):.0f}-{max(last):.0f}, "
          f"after the tabs closed {end_rss:.0f}")
    print(f"CPU after the tabs closed: {idle_cpu * 100:.1f} % of a core; SIGTERM to exit: {exit_s:.2f} s")


if __name__ == "__main__":
    main()
