"""How fast the playground page trains, as a person sees it: epochs per second and frames
per second in headless Chromium, on the README's setup (spiral, 6 ReLU layers of 6, batch 10).

    swift build -c release --product backprop && swift build -c release --product backprop-serve
    python3 scripts/page_speed.py [path/to/backprop] [seconds] [screenshot.png] [extra settings, e.g. view=gradients]

Starts `backprop serve` on a free port, presses play, and after `seconds` (default 10) reads
the epoch counter and the page's own frames-per-second figure; prints both and the losses.
(10 s: at ~50,000 epochs/s the page's default 1,000,000 epochs end after 20, and a stopped
run draws no frames.)
Needs chromium, chromedriver (CHROMEDRIVER, default /usr/bin/chromedriver) and selenium,
as the browser test does. A benchmark, not a test: it asserts nothing about the figures.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "backprop")
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
SHOT = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
SETUP = "dataset=spiral&layers=6,6,6,6,6,6&activation=relu&batch-size=10&speed=max" + ("&" + sys.argv[4] if len(sys.argv) > 4 else "")


def number(driver, element_id):
    try:
        return float(driver.find_element(By.ID, element_id).text.replace(",", ""))
    except Exception:
        return float("nan")


def main():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([BINARY, "serve", "--port", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()  # the URL line: the server is listening
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROME", "/usr/bin/chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                     f"--user-data-dir={tempfile.mkdtemp()}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        try:
            driver.get(f"http://127.0.0.1:{port}/#{SETUP}")
            # The page redraws its diagram with every snapshot: look again rather than fail.
            wait = WebDriverWait(driver, 30, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '.node[data-layer="6"]'))
            driver.find_element(By.ID, "play").click()
            wait.until(lambda d: number(d, "epoch") > 0)
            e0, t0 = number(driver, "epoch"), time.time()
            time.sleep(SECONDS)
            e1, t1 = number(driver, "epoch"), time.time()
            fps = number(driver, "fps")
            if SHOT:
                driver.save_screenshot(SHOT)
            print(f"{SETUP}: {(e1 - e0) / (t1 - t0):,.0f} epochs/s over {t1 - t0:.1f} s "
                  f"(epoch {e0:,.0f} → {e1:,.0f}), {fps:.0f} frames/s shown, "
                  f"train loss {number(driver, 'train-loss'):.3f}, test loss {number(driver, 'test-loss'):.3f}")
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
