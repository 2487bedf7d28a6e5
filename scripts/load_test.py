#!/usr/bin/env python3
"""Load test of `backprop serve`: many tabs training, and how fast the page still loads.

    python3 scripts/load_test.py BINARY [--sessions 32] [--seconds 60] [--heavy] [--every S]

Starts BINARY serve on a free port with --max-sessions SESSIONS, opens SESSIONS WebSocket
sessions that configure (page defaults, or --heavy: spiral, 8 layers of 32 ReLU, batch 1) and
play, each reading every message like a tab would, and meanwhile requests GET / every 50 ms.
Samples the server's RSS every second (with --every S, prints each S seconds' range as it goes:
a soak, e.g. --seconds 1800 --every 300). Then closes the tabs and waits until the server is back
to idle. Prints sessions, GET / latency (p50, p99, max), RSS (start, peak, last minute's range,
after close) and CPU after close. A measurement, not a test: it asserts nothing.
Needs `pip install websocket-client`.

    python3 scripts/load_test.py BINARY --case stalled|flood|step [--seconds 30]

The attacks, each against a server of its own, each printing its figures:
  stalled  8 tabs that ask for large data sets and never read: how many of their sockets the
           server closed, its RSS while they were held and afterwards, and a reading tab's frames/s.
  flood    one client (127.0.0.2) opens 400 connections that never finish a request: how many were
           closed at once (the per-address cap), and GET / latency from 127.0.0.1 meanwhile.
  step     two tabs send the largest allowed step again and again beside one playing tab: that
           tab's snapshots per second, against the same tab alone.
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


def start_server(binary, *extra):
    server = subprocess.Popen([binary, "serve", "--port", "0", *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = re.search(r"http://([^/]+)/", server.stdout.readline())
    if not m:
        sys.exit("the server printed no URL")
    time.sleep(0.5)
    return server, f"http://{m.group(1)}"


def ws_connect(base, host=None):
    url = base.replace("http://", "ws://") + "/ws"
    return websocket.create_connection(url, origin=base, timeout=30, skip_utf8_validation=True)


def frames_per_second(base, seconds):
    """A tab that plays the page defaults and reads everything: its snapshots per second."""
    ws = ws_connect(base)
    ws.send(json.dumps({"type": "configure", "settings": {}}))
    ws.send(json.dumps({"type": "play"}))
    n, t0 = 0, time.time()
    while time.time() - t0 < seconds:
        if '"type":"snapshot"' in ws.recv():
            n += 1
    ws.close()
    return n / seconds


def case_stalled(binary, seconds):
    import socket
    server, base = start_server(binary)
    port = int(base.rsplit(":", 1)[1])
    start_rss = rss_mb(server.pid)
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    stalled = []
    for _ in range(8):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {base}\r\n\r\n").encode())
        for _ in range(30):
            payload = json.dumps({"type": "configure", "settings": {"points": "5000"}}).encode()
            s.sendall(bytes([0x81, 0xFE, len(payload) >> 8, len(payload) & 0xFF, 0, 0, 0, 0]) + payload)
        stalled.append(s)
    time.sleep(2)
    held_rss = rss_mb(server.pid)
    fps = frames_per_second(base, seconds)
    closed = 0
    for s in stalled:
        s.settimeout(5)
        try:
            while s.recv(65536):
                pass
            closed += 1
        except ConnectionResetError:
            closed += 1
        except OSError:
            pass
        s.close()
    time.sleep(2)
    print(f"stalled: {closed} of {len(stalled)} stalled sockets closed by the server; RSS MB start {start_rss:.0f}, "
          f"while held {held_rss:.0f}, after {rss_mb(server.pid):.0f}; a reading tab meanwhile {fps:.1f} frames/s")
    server.terminate(); server.wait(timeout=10)


def case_flood(binary, seconds):
    import socket
    server, base = start_server(binary)
    port = int(base.rsplit(":", 1)[1])
    flood = [socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0)) for _ in range(400)]
    for s in flood:
        s.sendall(b"GET / HT")   # never finished
    time.sleep(1)
    closed = 0
    for s in flood:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except (BlockingIOError, ConnectionResetError) as e:
            closed += isinstance(e, ConnectionResetError)
    latencies = []
    t0 = time.time()
    while time.time() - t0 < min(seconds, 8):   # within the 10 s header deadline
        s = time.perf_counter()
        with urllib.request.urlopen(base + "/", timeout=30) as r:
            r.read()
        latencies.append((time.perf_counter() - s) * 1000)
        time.sleep(0.05)
    q = statistics.quantiles(latencies, n=100)
    print(f"flood: 400 half-open connections from 127.0.0.2, {closed} closed at once; GET / from 127.0.0.1 meanwhile: "
          f"p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, max {max(latencies):.1f} ms ({len(latencies)} requests)")
    for s in flood:
        s.close()
    server.terminate(); server.wait(timeout=10)


def stepper(base, stop, refused):
    """A tab that asks for the largest step the server allows (10,000 epochs of 5,000 points of
    the page's network: within the step's work bound) again and again."""
    ws = ws_connect(base)
    ws.send(json.dumps({"type": "configure", "settings": {"points": "5000"}}))
    ws.settimeout(1)
    while not stop.is_set():
        ws.send(json.dumps({"type": "step", "value": 10000}))
        try:
            for _ in range(50):
                if '"type":"error"' in ws.recv():
                    refused.append(1)
        except Exception:
            pass
    ws.close()


def case_step(binary, seconds):
    server, base = start_server(binary)
    alone = frames_per_second(base, seconds)
    stop, refused = threading.Event(), []
    steppers = [threading.Thread(target=stepper, args=(base, stop, refused), daemon=True) for _ in range(2)]
    for t in steppers:
        t.start()
    time.sleep(1)
    beside = frames_per_second(base, seconds)
    stop.set()
    print(f"step: a playing tab alone {alone:.1f} snapshots/s; beside two tabs stepping 10,000 epochs at a time {beside:.1f}/s"
          f" ({len(refused)} steps refused)")
    server.terminate(); server.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--sessions", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--heavy", action="store_true")
    ap.add_argument("--every", type=float, default=0, help="also print the RSS range of each such many seconds (a soak)")
    ap.add_argument("--case", choices=["stalled", "flood", "step"])
    a = ap.parse_args()
    if a.case:
        {"stalled": case_stalled, "flood": case_flood, "step": case_step}[a.case](a.binary, a.seconds)
        return

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
            if a.every and len(rss) % int(a.every) == 0:
                part = rss[-int(a.every):]
                print(f"{len(rss):6d} s  RSS MB {min(part):.0f}-{max(part):.0f}, CPU {cpu_seconds(pid):.0f} s so far", flush=True)
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
