"""The playground page in a real headless Chromium, as a person would use it.

Run by .ci/run after `swift test` (which builds the `backprop` binary):
    python3 Tests/Browser/test_page.py [path/to/backprop] [screenshot-dir]
Starts `backprop serve` on a free port, drives the page with Selenium and
chromedriver (path given explicitly), and saves screenshots. Exits non-zero on
the first failed check.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "backprop")
SHOTS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "browser-screenshots")
DRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROME = os.environ.get("CHROME", "/usr/bin/chromium")
passed = failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
        print("ok  ", what, flush=True)
    else:
        failed += 1
        print("FAIL", what, flush=True)
        raise SystemExit(finish())


def finish():
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def number(driver, element_id):
    text = driver.find_element(By.ID, element_id).text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return float("nan")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    port = free_port()
    server = subprocess.Popen([BINARY, "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # The URL comes once the socket listens, after the server's own log line.
        lines = [server.stdout.readline() for _ in range(1)]
        while f"http://127.0.0.1:{port}/" not in lines[-1] and lines[-1] and len(lines) < 10:
            lines.append(server.stdout.readline())
        check(f"http://127.0.0.1:{port}/" in lines[-1], f"serve prints its URL ({' | '.join(l.strip() for l in lines)})")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROME
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1000"):
            options.add_argument(a)
        driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
        try:
            run(driver, port)
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return finish()


def run(driver, port):
    # The page redraws the network diagram with every snapshot (~20 a second at release
    # speed), so an element found a moment ago may be gone: look again rather than fail.
    wait = WebDriverWait(driver, 30, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
    url = f"http://127.0.0.1:{port}/#dataset=spiral&layers=8,8,8&activation=tanh&lr=0.03&batch-size=10&noise=0"
    driver.get(url)
    # The server greets every socket with its default session; the page then sends the URL's
    # settings, so wait for those to arrive rather than for the first drawing.
    try:
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '.node[data-layer="1"]')) == 8
                   and d.find_elements(By.CSS_SELECTOR, "path.link"))
    except Exception:
        pass
    check(driver.find_element(By.CSS_SELECTOR, '#datasets button[data-dataset="spiral"]').get_attribute("class") == "selected",
          "the URL's data set is selected")
    check(len(driver.find_elements(By.CSS_SELECTOR, '.node[data-layer="1"]')) == 8, "the URL's network is built (8 neurons)")
    driver.save_screenshot(os.path.join(SHOTS, "1-loaded.png"))

    # Play: the epoch count rises and the training loss falls on the spiral. (Not the test
    # loss: with noise 0 and 8,8,8 the net overfits, so the test loss dips to ~0.26 near epoch
    # 2,700 and climbs again — a window the release build passes in under a second.)
    start_loss = number(driver, "train-loss")
    driver.find_element(By.ID, "play").click()
    wait.until(lambda d: number(d, "epoch") > 0)
    e1 = number(driver, "epoch")
    time.sleep(2)
    check(number(driver, "epoch") > e1, f"epochs rise while playing ({e1:.0f} → {number(driver, 'epoch'):.0f})")
    deadline = time.time() + 90
    while time.time() < deadline and not number(driver, "train-loss") < start_loss * 0.6:
        time.sleep(1)
    end_loss = number(driver, "train-loss")
    check(end_loss < start_loss * 0.6, f"training loss falls ({start_loss:.3f} → {end_loss:.3f})")
    eps, fps = number(driver, "eps"), number(driver, "fps")
    print(f"     epochs/s shown {eps:.0f}, frames/s shown {fps:.0f}", flush=True)
    check(fps > 0 and eps > 0, "epochs/s and frames/s are shown while playing")
    driver.save_screenshot(os.path.join(SHOTS, "2-spiral-trained.png"))
    driver.find_element(By.ID, "play").click()
    wait.until(lambda d: d.find_element(By.ID, "play").text == "▶")

    # Switch data set and activation; the URL follows.
    driver.find_element(By.CSS_SELECTOR, '#datasets button[data-dataset="xor"]').click()
    wait.until(lambda d: "dataset=xor" in d.current_url)
    check("dataset=xor" in driver.current_url, "switching the data set updates the URL")
    Select(driver.find_element(By.ID, "activation")).select_by_visible_text("relu")
    wait.until(lambda d: "activation=relu" in d.current_url)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, 'select.layer-activation[data-layer="0"]').get_attribute("value") == "relu")
    check(True, "switching the activation rebuilds the network with relu")

    # Add a neuron to the first hidden layer.
    before = len(driver.find_elements(By.CSS_SELECTOR, '.node[data-layer="1"]'))
    driver.find_element(By.CSS_SELECTOR, '.add-neuron[data-layer="0"]').click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '.node[data-layer="1"]')) == before + 1)
    check(True, f"adding a neuron gives {before + 1} in layer 1")

    # Edit a weight by clicking its link and answering the prompt.
    # Found and clicked in one script, so a redraw in between cannot leave a stale reference.
    driver.execute_script("document.querySelector('path.link[data-layer=\"0\"][data-to=\"0\"][data-from=\"0\"]')"
                          ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    alert = wait.until(lambda d: d.switch_to.alert)
    alert.send_keys("1.2345")
    alert.accept()
    wait.until(lambda d: "1.2345" in d.find_element(By.CSS_SELECTOR, 'path.link[data-layer="0"][data-to="0"][data-from="0"] title').get_attribute("textContent"))
    check(True, "clicking a link edits its weight (now 1.2345)")
    driver.save_screenshot(os.path.join(SHOTS, "3-xor-relu-edited.png"))

    # Upload a CSV of our own.
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("x1,x2,label\n")
        for i in range(120):
            x, y = (i % 12) - 5.5, (i // 12) - 4.5
            f.write(f"{x},{y},{1 if x * x + y * y < 12 else 0}\n")
        path = f.name
    driver.find_element(By.ID, "csv-file").send_keys(path)
    wait.until(lambda d: "dataset=csv" in d.current_url)
    check("dataset=csv" in driver.current_url, "uploading a CSV switches to own data")
    driver.find_element(By.ID, "play").click()
    time.sleep(3)
    driver.find_element(By.ID, "play").click()
    driver.find_element(By.ID, "show-test").click()
    driver.save_screenshot(os.path.join(SHOTS, "4-own-csv.png"))

    # Copy as command gives a backprop train line; an error keeps the page alive.
    driver.find_element(By.ID, "copy-command").click()
    check(driver.find_element(By.ID, "command-text").text.startswith("backprop train"), "copy as command gives a backprop train line")
    driver.execute_script("socket.send('not json')")
    wait.until(lambda d: "malformed" in d.find_element(By.ID, "banner").text)
    check(True, "a malformed message is answered with an error banner")
    driver.find_element(By.ID, "step").click()
    time.sleep(1)
    check(number(driver, "epoch") > 0, "the session still trains after the error")


if __name__ == "__main__":
    sys.exit(main())
