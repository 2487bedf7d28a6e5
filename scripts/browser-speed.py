#!/usr/bin/env python3
"""The page's training speed in headless Chromium, both transports in one run: the engine in
the browser (the static site, WebAssembly in a worker) and `backprop serve` (native, over a
WebSocket). A benchmark, not a test: it prints figures and checks nothing.

    python3 scripts/browser-speed.py [path/to/backprop] [seconds]

For each: the time from navigation to the first snapshot with the controls enabled (the page
interactive), then the spiral 6×6 ReLU preset played "as fast as it goes" for `seconds`:
epochs per second and snapshots (frames) per second, and the browser's own drawing rate.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "backprop")
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 10
SPIRAL = ("#dataset=spiral&noise=0&points=500&data-seed=42&ratio=0.5&layers=6,6,6,6,6,6&activation=relu&head=tanh"
          "&init=playground&batch-size=10&order=stored&epochs=1000000&lr=0.003&seed=0&speed=max")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port):
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROME", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1000"):
        options.add_argument(a)
    return webdriver.Chrome(service=Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def measure(driver, url, label):
    driver.get("about:blank")
    driver.get(url)
    ready = """const b = window.backprop; return !!(b && b.state.snap && b.state.snap.settings.layers === '6,6,6,6,6,6'
               && !document.getElementById('play').disabled) ? performance.now() : null"""
    deadline = time.time() + 60
    interactive = None
    while interactive is None and time.time() < deadline:
        interactive = driver.execute_script(ready)
        time.sleep(0.01)
    driver.execute_script("""window.__frames = 0; const tick = () => { window.__frames++; requestAnimationFrame(tick); };
                             requestAnimationFrame(tick); document.getElementById('play').click();""")
    time.sleep(1)   # past the first frames
    sample = "const s = window.backprop.state.snap; return [performance.now(), s.epoch, s.seq, window.__frames]"
    t0, e0, q0, f0 = driver.execute_script(sample)
    time.sleep(SECONDS)
    t1, e1, q1, f1 = driver.execute_script(sample)
    dt = (t1 - t0) / 1000
    eps, fps, draw = (e1 - e0) / dt, (q1 - q0) / dt, (f1 - f0) / dt
    print(f"{label:<34} interactive {interactive:7.0f} ms   {eps:9.0f} epochs/s   {fps:5.1f} snapshots/s   {draw:5.1f} drawn frames/s", flush=True)
    driver.execute_script("document.getElementById('play').click()")
    return eps


def main():
    site = tempfile.mkdtemp(prefix="backprop-speed-site-")
    subprocess.run([BINARY, "site", site, "--wasm", os.path.join(ROOT, ".build-wasm", "backprop.wasm")], check=True, stdout=subprocess.DEVNULL)
    static_port, serve_port = free_port(), free_port()
    static = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(static_port), "--directory", site],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    serve = subprocess.Popen([BINARY, "serve", "--port", str(serve_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(static_port)
        wait_for(serve_port)
        driver = browser()
        try:
            print(f"spiral 6x6 ReLU, batch 10, 250 training points, as fast as it goes, {SECONDS:.0f} s each; "
                  f"{os.cpu_count()} cores, {driver.capabilities.get('browserVersion', '?')}", flush=True)
            browser_eps = measure(driver, f"http://127.0.0.1:{static_port}/{SPIRAL}", "static site (wasm in a worker)")
            native_eps = measure(driver, f"http://127.0.0.1:{serve_port}/{SPIRAL}", "backprop serve (native)")
            print(f"browser / native: {browser_eps / native_eps:.2f}", flush=True)
        finally:
            driver.quit()
    finally:
        static.terminate()
        serve.terminate()


if __name__ == "__main__":
    main()
