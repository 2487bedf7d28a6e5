"""The playground page in a real headless Chromium, used as a person would use it.

Run by .ci/run after `swift test`:
    python3 Tests/Browser/test_page.py [path/to/backprop] [screenshot-dir] [--site]
Starts `backprop serve` on a free port — or, with --site, writes the static site (`backprop site`,
the engine as WebAssembly in a worker) and serves it with Python's plain static file server, no
`backprop` process — and drives the page with Selenium and chromedriver:
real pointer clicks at elements' coordinates (ActionChains), typed keys, a server restart,
a reload, narrow windows. Saves screenshots (the sheet's presets among them). Exits non-zero
on the first failed check. No check asserts a timing; times are printed as figures.
"""
import contextlib
import io
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARGS = [a for a in sys.argv[1:] if a != "--site"]
SITE = "--site" in sys.argv[1:]
# What the page's status says once it can train: its engine is this tab's worker, or the server.
OPEN = "in this browser" if SITE else "connected"
BINARY = ARGS[0] if len(ARGS) > 0 else os.path.join(ROOT, ".build", "release", "backprop")
SHOTS = ARGS[1] if len(ARGS) > 1 else os.path.join(ROOT, "browser-screenshots")
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


class Server:
    """`backprop serve` on one port; restartable on the same port."""
    static = False

    def __init__(self, port, lessons=None):
        self.port, self.process = port, None
        self.options = ["--lessons", lessons] if lessons else []

    def start(self):
        self.process = subprocess.Popen([BINARY, "serve", "--port", str(self.port)] + self.options, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = [self.process.stdout.readline()]
        while f"http://127.0.0.1:{self.port}/" not in lines[-1] and lines[-1] and len(lines) < 10:
            lines.append(self.process.stdout.readline())
        return lines

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class StaticServer:
    """The static site (`backprop site`) behind Python's `http.server`: no backprop process.
    Its log counts the requests the page makes."""
    static = True

    def __init__(self, port, lessons=None):
        self.port, self.process = port, None
        self.directory = tempfile.mkdtemp(prefix="backprop-site-")
        self.log = os.path.join(self.directory + "-requests.log")
        out = subprocess.run([BINARY, "site", self.directory, "--wasm", os.path.join(ROOT, ".build-wasm", "backprop.wasm")]
                             + (["--lessons", lessons] if lessons else []), capture_output=True, text=True)
        check(out.returncode == 0 and os.path.exists(os.path.join(self.directory, "engine.json")),
              f"backprop site writes the static site ({(out.stdout + out.stderr).strip()[:160]})")

    def start(self):
        self.process = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(self.port), "--directory", self.directory],
                                        stdout=subprocess.DEVNULL, stderr=open(self.log, "a"))
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return [f"http://127.0.0.1:{self.port}/"]
            except OSError:
                time.sleep(0.1)
        return ["the static server did not start"]

    def requests(self):
        with open(self.log) as f:
            return sum(1 for line in f if '"GET ' in line)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def main():
    os.makedirs(SHOTS, exist_ok=True)
    server = StaticServer(free_port()) if SITE else Server(free_port())
    try:
        lines = server.start()
        check(f"http://127.0.0.1:{server.port}/" in lines[-1], f"the server prints its URL ({' | '.join(l.strip() for l in lines)})")
        driver = browser(1500, 1000)
        try:
            run(driver, server)
        finally:
            driver.quit()
    finally:
        server.stop()
    return finish()


def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROME
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(a)
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def js(driver, script, *args):
    return driver.execute_script(script, *args)


def epoch(driver):
    return js(driver, "const s = window.backprop.state.snap; return s ? s.epoch : -1")


def snap(driver, key):
    return js(driver, f"return window.backprop.state.snap.{key}")


def point_at(driver, x, y, click=False):
    """The pointer moved to a point of the window (and clicked there): a real pointer action."""
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(round(x)), int(round(y)))
    if click:
        actions.pointer_action.click()
    actions.perform()


def capture_downloads(driver):
    """From now on each file the page downloads is also kept in window.blobs (emptied here)."""
    js(driver, """if (!URL.createObjectURL.kept) {
        const made = URL.createObjectURL;
        URL.createObjectURL = (b) => { window.blobs.push(b); return made(b); };
        URL.createObjectURL.kept = true;
      }
      window.blobs = [];""")


def link_index(driver, layer, to, frm):
    return js(driver, f"return +document.querySelector('path.hit[data-layer=\"{layer}\"][data-to=\"{to}\"][data-from=\"{frm}\"]').dataset.index")


def shot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, name))


def run(driver, server):
    base = f"http://127.0.0.1:{server.port}/"
    # The network diagram's squares are rebuilt when the layers change: look again rather than fail.
    wait = WebDriverWait(driver, 60, poll_frequency=0.1, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
    click = lambda el: ActionChains(driver).move_to_element(el).click().perform()
    by_id = lambda i: driver.find_element(By.ID, i)
    paused = lambda d: js(d, "const s = window.backprop.state.snap; return s && s.state !== 'running'")

    # ---- A link's settings, including an invalid one: the rest are kept, the bad one named and dropped.
    driver.get(base + "#dataset=spiral&layers=8,8,8&activation=tanh&lr=abc&noise=0&speed=max")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '.node[data-layer="1"]')) == 8)
    check(by_id("status").text == OPEN, f"the page connects ({by_id('status').text})")
    check(by_id("datasets").find_element(By.CSS_SELECTOR, '[data-dataset="spiral"]').get_attribute("aria-pressed") == "true", "the URL's data set is selected")
    wait.until(lambda d: "lr=" in by_id("banner").text)
    check("not a number" in by_id("banner").text, f"the invalid lr is named ({by_id('banner').text[:90]})")
    check("lr=abc" not in driver.current_url and "lr=0.03" in driver.current_url and "dataset=spiral" in driver.current_url,
          "the URL drops the invalid value and keeps the rest")
    shot(driver, "1-loaded.png")

    # ---- Play as fast as it goes: epochs rise, the training loss falls; pause is quick.
    start_loss = snap(driver, "trainLoss")
    click(by_id("play"))
    wait.until(lambda d: epoch(d) > 200)
    deadline = time.time() + 60
    while time.time() < deadline and not snap(driver, "trainLoss") < start_loss * 0.6:
        time.sleep(0.2)
    check(snap(driver, "trainLoss") < start_loss * 0.6, f"training loss falls ({start_loss:.3f} → {snap(driver, 'trainLoss'):.3f})")
    eps, fps = by_id("eps").text, by_id("fps").text
    print(f"     shown while playing: {eps} epochs/s, {fps} frames/s", flush=True)
    check(by_id("play").get_attribute("aria-label") == "pause", "the play button becomes pause")
    # Timed inside the page: from the click event to the paused snapshot's arrival.
    js(driver, """const w = window.backprop; w.pausedAt = null;
        document.getElementById('play').addEventListener('click', () => { w.clickedAt = performance.now(); }, { once: true });
        const on = w.connection.onMessage; w.connection.onMessage = (m) => {
            if (m.type === 'snapshot' && m.state !== 'running' && w.pausedAt === null) w.pausedAt = performance.now(); on(m); };""")
    click(by_id("play"))
    wait.until(paused)
    print(f"     pause: {js(driver, 'return window.backprop.pausedAt - window.backprop.clickedAt'):.0f} ms from the click to the paused snapshot", flush=True)
    shot(driver, "2-spiral-trained.png")

    # ---- The pace: at 1 epoch a frame, no snapshot moves more than one epoch.
    Select(by_id("speed")).select_by_value("1")
    wait.until(lambda d: "speed=1" in d.current_url)
    js(driver, """const w = window.backprop; w.epochs = [];
        const on = w.connection.onMessage; w.connection.onMessage = (m) => { if (m.type === 'snapshot') w.epochs.push([m.seq, m.epoch]); on(m); };""")
    click(by_id("play"))
    wait.until(lambda d: len(js(d, "return window.backprop.epochs")) > 30)
    click(by_id("play"))
    wait.until(paused)
    # In the order the server made them (a frame can be overtaken by a command's reply).
    seen = [e for _, e in sorted(js(driver, "return window.backprop.epochs"))]
    steps = [b - a for a, b in zip(seen, seen[1:])]
    check(max(steps) <= 1 and sum(steps) > 20, f"1 epoch per frame: {len(seen)} snapshots, largest step {max(steps)}")

    # ---- Stop at an epoch typed in: training stops exactly there and says so.
    target = epoch(driver) + 150
    field = by_id("stop-epoch")
    click(field)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(target), Keys.TAB)
    wait.until(lambda d: f"epochs={target}" in d.current_url)
    Select(by_id("speed")).select_by_value("max")
    click(by_id("play"))
    wait.until(lambda d: paused(d) and epoch(d) >= target)
    check(epoch(driver) == target, f"play stops exactly at the stop epoch ({epoch(driver)} of {target})")
    wait.until(lambda d: "Stopped at epoch" in by_id("notices").text)
    check(True, f"the page says why: {by_id('notices').text}")
    for step, expected in [("10", target + 10), ("100", target + 110), ("1", target + 111)]:
        click(driver.find_element(By.CSS_SELECTOR, f'[data-step="{step}"]'))
        wait.until(lambda d: epoch(d) == expected)
    check(epoch(driver) == target + 111, "steps of 10, 100 and 1 epochs are exact")
    # Text that is not a number is said, not taken as "never".
    click(field)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("1e", Keys.TAB)
    wait.until(lambda d: "not a number" in by_id("banner").text)
    check(f"epochs={target}" in driver.current_url, f"a stop epoch that is not a number is named and changes nothing ({by_id('banner').text[:60]})")

    # ---- Keyboard: → steps, space plays and pauses, r resets. (No stop epoch, or play refuses.)
    field = by_id("stop-epoch")
    click(field)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE, Keys.TAB)
    wait.until(lambda d: "epochs=1000000" in d.current_url)
    by_id("epoch").click()  # focus on the page, not a control
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    wait.until(lambda d: epoch(d) == target + 112)
    label = lambda d: by_id("play").get_attribute("aria-label")
    ActionChains(driver).send_keys(" ").perform()
    wait.until(lambda d: label(d) == "pause")
    focus = js(driver, "const e = document.activeElement; return e ? e.tagName + '#' + e.id : null")
    ActionChains(driver).send_keys(" ").perform()
    try:
        WebDriverWait(driver, 20, poll_frequency=0.1).until(lambda d: label(d) == "play" and paused(d))
    except Exception:
        check(False, f"space pauses (still {snap(driver, 'state')}; focus was {focus}, now "
                     f"{js(driver, 'const e = document.activeElement; return e ? e.tagName + String.fromCharCode(35) + e.id : null')})")
    ActionChains(driver).send_keys("r").perform()
    wait.until(lambda d: epoch(d) == 0)
    check(True, "keys: → steps one epoch, space plays and pauses, r resets to epoch 0")

    # ---- New weights: the next seed, shown.
    click(by_id("new-weights"))
    wait.until(lambda d: by_id("seed").text == "1" and "seed=1" in d.current_url)
    check(True, "new weights moves to seed 1 and shows it")

    # ---- Edit a weight by clicking its link with the pointer, and read it on hover.
    Select(by_id("speed")).select_by_value("1")
    # The weight from neuron 4 to neuron 3 of the next layer, pointed at where it is the nearest link.
    x, y = clear_pixel(link_curves(driver), link_index(driver, 1, 2, 3))
    point_at(driver, x, y)
    wait.until(lambda d: by_id("link-tip").is_displayed())
    check("weight from neuron 4 of layer 1 to neuron 3 of layer 2" in by_id("link-tip").text, f"hovering a link shows its weight ({by_id('link-tip').text})")
    under = ["link", 1, 2, 3]
    point_at(driver, x, y, click=True)
    wait.until(lambda d: by_id("editor").is_displayed())
    # A bad entry first: refused, and the next good one still goes through.
    by_id("editor-value").send_keys(Keys.CONTROL, "a")
    by_id("editor-value").send_keys("abc", Keys.ENTER)
    check(by_id("editor").is_displayed() and not js(driver, "return document.getElementById('editor-value').validity.valid"),
          "a weight that is not a number is refused in the editor")
    by_id("editor-value").send_keys(Keys.CONTROL, "a")
    by_id("editor-value").send_keys("1.2345", Keys.ENTER)
    _, l, o, i = under
    wait.until(lambda d: js(d, f"return window.backprop.state.snap.weights[{l}][{o}][{i}]") == 1.2345)
    check(True, f"a pointer click on a link edits its weight, after a refused entry too (layer {l}, {i} → {o}: 1.2345)")
    bias = driver.find_element(By.CSS_SELECTOR, '.bias[data-layer="0"][data-neuron="1"]')
    click(bias)
    wait.until(lambda d: by_id("editor").is_displayed())
    by_id("editor-value").send_keys(Keys.CONTROL, "a")
    by_id("editor-value").send_keys("-0.5", Keys.ENTER)
    wait.until(lambda d: snap(d, "biases[0][1]") == -0.5)
    check(True, "a pointer click on a bias square edits the bias")
    shot(driver, "3-weight-edited.png")

    # ---- The gradient view: links show ∂L/∂w; a pointer click on one shows the chain rule,
    # whose numbers (read from the page) multiply out and match a finite difference.
    Select(by_id("view")).select_by_value("gradients")
    wait.until(lambda d: js(d, "const s = window.backprop.state.snap; return !!(s && s.gradients)"))
    click(driver.find_element(By.CSS_SELECTOR, '[data-step="10"]'))
    wait.until(lambda d: "∂L/∂w" in by_id("max-weight-label").text)
    point_at(driver, *clear_pixel(link_curves(driver), link_index(driver, 1, 0, 0)), click=True)
    wait.until(lambda d: by_id("chain").is_displayed() and d.find_elements(By.ID, "chain-product"))
    check(js(driver, "return document.activeElement.id") == "chain" and "weight from neuron 1 of layer 1 to neuron 1 of layer 2" in by_id("chain").text,
          "a click on a link in the gradient view opens its chain rule, focused")
    # All numbers at once, from one rendering of the panel.
    values = js(driver, "return Object.fromEntries([...document.querySelectorAll('#chain [data-value]')].map(e => [e.id.slice(6), +e.dataset.value]))")
    value = lambda name: values[name]
    delta, a, product = value("delta"), value("input"), value("product")
    check(abs(product - delta * a) <= 1e-12 * max(1e-12, abs(product)), f"the panel's δ · a multiplies out ({delta:.4g} · {a:.4g} = {product:.4g})")
    check(abs(value("delta") - value("sum") * value("derivative")) <= 1e-9 * max(1e-12, abs(delta)), "δ = (Σ w δ) · φ'(z̃) with the panel's numbers")
    g, fd = value("gradient"), value("fd")
    check(abs(g - fd) <= 1e-3 * max(1e-9, abs(g)) + 1e-9, f"∂L/∂w {g:.6g} matches the finite difference {fd:.6g}")
    first = by_id("chain").text
    ActionChains(driver).move_to_element_with_offset(by_id("output"), 50, 50).click().perform()
    wait.until(lambda d: by_id("chain").text != first)
    check("training point #" in by_id("chain").text, "a click on the output map chooses the sample the panel explains")
    shot(driver, "gradients-chain-rule.png")
    js(driver, "document.getElementById('chain').scrollIntoView({block: 'center'})")
    by_id("chain").screenshot(os.path.join(SHOTS, "gradients-chain-panel.png"))
    js(driver, "window.scrollTo(0, 0)")
    Select(by_id("view")).select_by_value("weights")
    wait.until(lambda d: js(d, "const s = window.backprop.state.snap; return s && !s.gradients"))

    # ---- Tab reaches every kind of control: buttons, selects, features, neurons, links, biases.
    js(driver, "document.getElementById('reset').focus()")
    reached = set()
    for _ in range(400):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        kind = js(driver, """const e = document.activeElement; if (!e) return null;
            if (e.classList.contains('feature')) return 'feature'; if (e.classList.contains('node')) return 'neuron';
            if (e.classList.contains('hit')) return 'link'; if (e.classList.contains('bias')) return 'bias'; return e.id || e.tagName;""")
        reached.add(kind)
    needed = {"play", "speed", "stop-epoch", "preset", "feature", "neuron", "link", "bias", "add-class", "log-loss", "copy-command"}
    check(needed <= reached, f"Tab reaches {sorted(needed)} (missing: {sorted(needed - reached)})")
    # The links are one tab stop: fewer presses from reset to "copy as command" than there are
    # links; the arrows move from link to link.
    js(driver, "document.getElementById('reset').focus()")
    presses, links_total = 0, js(driver, "return document.querySelectorAll('#links .hit').length")
    while js(driver, "return document.activeElement.id") != "copy-command" and presses < 600:
        ActionChains(driver).send_keys(Keys.TAB).perform()
        presses += 1
        if js(driver, "return document.activeElement.classList.contains('hit')"):
            first = js(driver, "return document.activeElement.dataset.index")
            ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
            moved = js(driver, "return document.activeElement.classList.contains('hit') && document.activeElement.dataset.index")
    check(presses < links_total and moved == str(int(first) + 1),
          f"{presses} Tab presses from reset to copy-as-command past {links_total} links (one tab stop; → moved from link {first} to {moved})")
    previews = js(driver, "return [...document.querySelectorAll('.node.feature.off canvas')].map(c => Boolean(c.dataset.drawn))")
    check(previews and all(previews), f"features that are off show their map, dimmed ({len(previews)} of them)")
    # Enter on a focused feature turns it on, and the focus stays on it.
    feature = driver.find_element(By.CSS_SELECTOR, '.node.feature.off')
    name = feature.get_attribute("data-feature")
    js(driver, "arguments[0].focus()", feature)
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait.until(lambda d: "x1%5E2" in d.current_url or "x1^2" in d.current_url)
    wait.until(lambda d: js(d, "return document.activeElement.dataset.feature") == name)
    check(True, f"Enter on a focused feature turns it on, and the focus stays on {name}")

    if server.static:
        # ---- The static site: once loaded, nothing more is asked of the server, and training
        # goes on with it gone.
        before = server.requests()
        click(by_id("step"))
        wait.until(lambda d: epoch(d) == 1)
        server.stop()
        for _ in range(3):
            click(driver.find_element(By.CSS_SELECTOR, '[data-step="10"]'))
        wait.until(lambda d: epoch(d) == 31)
        check(by_id("status").text == OPEN and by_id("play").is_enabled(),
              "with the static server gone the page trains on (epoch 31, controls enabled)")
        server.start()
        check(server.requests() == before, f"no request after load: the server saw {server.requests() - before} while the page trained")
    else:
        # ---- Reconnect: the server goes away and comes back; the session comes back with it.
        click(by_id("step"))
        wait.until(lambda d: epoch(d) == 1)
        for _ in range(3):
            click(driver.find_element(By.CSS_SELECTOR, '[data-step="10"]'))
        wait.until(lambda d: epoch(d) == 31)
        weights = snap(driver, "weights")
        url = driver.current_url
        server.stop()
        wait.until(lambda d: by_id("status").text == "disconnected")
        check(not by_id("play").is_enabled() and "reconnecting" in by_id("banner").text, "a lost server shows disconnected and disables the controls")
        shot(driver, "4-disconnected.png")
        server.start()
        wait.until(lambda d: by_id("status").text == "connected" and epoch(d) == 31)
        restored = snap(driver, "weights")
        check(restored == weights and driver.current_url == url,
              f"reconnected by itself: settings, weights and epoch restored ({driver.current_url if driver.current_url != url else 'same URL'}; "
              f"weights {'same' if restored == weights else 'differ: ' + str(restored)[:80] + ' vs ' + str(weights)[:80]})")
        check(by_id("play").is_enabled(), "controls work again after reconnecting")

    # ---- Own data: a CSV, a clicked point of the chosen class (training goes on), a reload.
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("x1,x2,label\n")
        for k in range(120):
            x, y = (k % 12) - 5.5, (k // 12) - 4.5
            f.write(f"{x},{y},{1 if x * x + y * y < 12 else 0}\n")
        path = f.name
    by_id("csv-file").send_keys(path)
    wait.until(lambda d: "dataset=csv" in d.current_url)
    Select(by_id("add-class")).select_by_value("1")
    for _ in range(2):
        click(driver.find_element(By.CSS_SELECTOR, '[data-step="10"]'))
    wait.until(lambda d: epoch(d) == 20)
    count = lambda d: js(d, "const x = window.backprop.state.data; return x.train.length + x.test.length")
    n = count(driver)
    for dx in (-60, 60):
        ActionChains(driver).move_to_element_with_offset(by_id("output"), dx, -40).click().perform()
    wait.until(lambda d: count(d) == n + 2)
    check(Select(by_id("add-class")).first_selected_option.get_attribute("value") == "1", "the chosen class stays chosen after adding points")
    curve = lambda d: js(d, "return window.backprop.state.history.map(r => r[0])")
    check(epoch(driver) == 20 and curve(driver)[-2:] == [10, 20],
          f"adding points does not restart training or the loss curve (epoch {epoch(driver)}, curve {curve(driver)[-5:]})")
    weights, before = snap(driver, "weights"), curve(driver)
    driver.refresh()
    wait.until(lambda d: js(d, "return window.backprop && window.backprop.state.snap && window.backprop.state.snap.epoch") == 20)
    wait.until(lambda d: len(curve(d)) >= len(before))
    check(count(driver) == n + 2 and snap(driver, "weights") == weights and "dataset=csv" in driver.current_url and curve(driver) == before,
          f"a reload keeps own data, weights, epoch and the loss curve ({curve(driver)})")
    shot(driver, "5-own-data.png")
    # Points added to a generated data set keep its plane, test points of any class can be added,
    # and own data downloads as the CSV the command names, its sets kept by a test column.
    click(driver.find_element(By.CSS_SELECTOR, '#datasets button[data-dataset="circle"]'))
    wait.until(lambda d: "dataset=circle" in d.current_url and snap(d, "settings")["dataset"] == "circle")
    plane, n = snap(driver, "region"), count(driver)
    Select(by_id("add-class")).select_by_value("test:1")
    ActionChains(driver).move_to_element_with_offset(by_id("output"), 30, 20).click().perform()
    wait.until(lambda d: count(d) == n + 1)
    last_test = js(driver, "const t = window.backprop.state.data.test; return t[t.length - 1][2]")
    check(snap(driver, "region") == plane and last_test == 1 and snap(driver, "settings")["dataset"] == "csv",
          f"a test point of class 1 added to the circle keeps its plane ({plane} → {snap(driver, 'region')})")
    wait.until(lambda d: by_id("download-data").is_displayed())
    capture_downloads(driver)
    click(by_id("download-data"))
    wait.until(lambda d: js(d, "return window.blobs.length") == 1)
    text = driver.execute_async_script("window.blobs[0].text().then(arguments[arguments.length - 1])")
    rows = text.strip().split("\n")
    check(rows[0] == "x1,x2,test,label" and len(rows) == n + 2 and rows[-1].endswith(",1,1") and "--data own-data.csv" in by_id("command-text").text + snap(driver, "command"),
          f"own data downloads as own-data.csv, the file its command names ({len(rows) - 1} rows, last {rows[-1]})")

    # ---- Errors keep the page alive; a dead network is said in words.
    js(driver, "window.backprop.connection.send('not json')")
    wait.until(lambda d: "malformed" in by_id("banner").text)
    check(True, "a malformed message is answered with an error banner")
    driver.get(base + "#dataset=circle&activation=relu&lr=10&speed=max&layers=4,2")
    wait.until(lambda d: js(d, "const s = window.backprop.state.snap; return s && s.settings.lr === '10'"))
    click(by_id("play"))
    wait.until(lambda d: "dead" in by_id("notices").text or "not moved" in by_id("notices").text)
    click(by_id("play"))
    check(True, f"a dead or stuck network is said in words: {by_id('notices').text[:100]}")

    # ---- The sheet's presets, each run to its stop epoch (screenshots for the README).
    # The spiral's one seed is chaotic after ~2,000 epochs (a last-bit change to tanh moved it from
    # 0.0795 to 0.1049, past the sheet's 0.1; over 20 seeds 0.009–0.153, see the README), so the page
    # is held to "learnt" — not learning stays near 0.5 — and the sheet's 0.1 to many seeds
    # (scripts/check-claims.sh).
    for name, shot_name, expect in [("gradients-sigmoid", "preset-gradients-sigmoid.png", None),
                                     ("gradients-relu", "preset-gradients-relu.png", None),
                                     ("spiral-6x6", "preset-spiral-6x6.png", lambda d: snap(d, "testLoss") < 0.2),
                                     ("moons", "preset-moons.png", lambda d: snap(d, "testAccuracy") > 0.9),
                                     ("regularization-l1", "preset-l1.png", None), ("regularization-l2", "preset-l2.png", None),
                                     ("regularization-none", "preset-none.png", None)]:
        Select(by_id("preset")).select_by_value(name)
        wait.until(lambda d: js(d, "const s = window.backprop.state.snap; return s && s.epoch === 0 && s.stopEpoch !== 1000000"))
        stop = snap(driver, "stopEpoch")
        click(by_id("play"))
        WebDriverWait(driver, 120, poll_frequency=0.2).until(lambda d: paused(d) and epoch(d) == stop)
        ok = expect is None or expect(driver)
        norms = ", ".join(f"{v:.1e}" for v in snap(driver, "gradientNorms"))
        check(ok, f"preset {name}: stopped at epoch {stop}, test loss {snap(driver, 'testLoss'):.4f}, max |w| {snap(driver, 'maxWeight'):.2f}, ‖∂L/∂W‖ per layer {norms}")
        shot(driver, shot_name)
        if name == "regularization-l1":
            click(by_id("pin"))
        if name == "regularization-l2":
            # Runs side by side: the L1 run pinned is labelled by what differs and drawn beside.
            caption = driver.find_element(By.CSS_SELECTOR, "#pinned figcaption").text
            curves = js(driver, "return window.backprop.pinnedCurves().map(c => c.rows.length)")
            check(caption.startswith("regularization l1 ·") and curves and curves[0] > 10 and by_id("pinned").find_element(By.TAG_NAME, "img").is_displayed(),
                  f"the pinned L1 run sits beside the L2 run: '{caption}', its test-loss curve over the chart ({curves[0] if curves else 0} points)")
            shot(driver, "pinned-l1-beside-l2.png")
        if name.startswith("regularization"):
            # The weights' statistics under the network, as the snapshot's weights give them.
            weights = [w for layer in snap(driver, "weights") for row in layer for w in row]
            zeros, mean = sum(1 for w in weights if w == 0), sum(abs(w) for w in weights) / len(weights)
            shown = (by_id("zero-weights").text, by_id("mean-weight").text)
            check(shown == (f"{zeros} of {len(weights)}", f"{mean:.3f}") and (zeros > 0) == (name == "regularization-l1")
                  and len(driver.find_elements(By.CSS_SELECTOR, "#weight-histogram rect")) > 3,
                  f"{name}: mean |w| {shown[1]}, zero weights {shown[0]}, and their histogram under the network")
        if name.startswith("gradients"):
            js(driver, "document.getElementById('grad-panel').scrollIntoView({block: 'center'})")
            by_id("grad-panel").screenshot(os.path.join(SHOTS, shot_name.replace(".png", "-norms.png")))
            js(driver, "window.scrollTo(0, 0)")

    # ---- A link made here opens the same run in another browser profile (a classmate's).
    def reproduced_elsewhere(what):
        link, weights = driver.current_url, snap(driver, "weights")
        other = browser(1280, 800)
        try:
            other.get(link)
            WebDriverWait(other, 60, poll_frequency=0.2).until(lambda d: js(d, "const s = window.backprop.state.snap; return s && s.epoch === 0"))
            stop = js(other, "return window.backprop.state.snap.stopEpoch")
            ActionChains(other).move_to_element(other.find_element(By.ID, "play")).click().perform()
            WebDriverWait(other, 120, poll_frequency=0.2).until(
                lambda d: js(d, "const s = window.backprop.state.snap; return s.state !== 'running' && s.epoch === arguments[0]", stop))
            check(js(other, "return window.backprop.state.snap.weights") == weights,
                  f"the link reproduces {what} in a second profile: the same weights at epoch {stop}")
        finally:
            other.quit()
    reproduced_elsewhere("the run")

    # ---- The presets menu with the keyboard: the arrows walk it without applying; Enter applies.
    before = driver.current_url
    js(driver, "document.getElementById('preset').focus()")
    ActionChains(driver).send_keys(Keys.ARROW_DOWN).send_keys(Keys.ARROW_DOWN).perform()
    time.sleep(0.5)
    walked = js(driver, "return document.getElementById('preset').value")
    check(driver.current_url == before and walked, f"arrow keys on the closed presets menu walk it ({walked}) without applying it")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait.until(lambda d: d.current_url != before and js(d, "const s = window.backprop.state.snap; return s && s.epoch === 0"))
    check(True, f"Enter applies the preset walked to ({walked})")

    # ---- The sheet's recipe by hand: the rate changed mid-run is in the link and the command as
    # a schedule, nothing warns, and the link reproduces the run; the data seed is shown.
    Select(by_id("preset")).select_by_value("moons")
    wait.until(lambda d: js(d, "const s = window.backprop.state.snap; return s && s.epoch === 0 && s.stopEpoch === 10000"))
    check(by_id("data-seed").text == "42" and "data-seed=42" in driver.current_url, f"the data seed is shown and in the link ({by_id('data-seed').text})")
    click(by_id("play"))
    wait.until(lambda d: epoch(d) >= 1000)
    click(by_id("play"))
    wait.until(paused)
    changed_at = epoch(driver)
    Select(by_id("lr")).select_by_visible_text("1")
    wait.until(lambda d: "piecewise" in (snap(d, "command") or ""))
    click(by_id("play"))
    WebDriverWait(driver, 120, poll_frequency=0.2).until(lambda d: paused(d) and epoch(d) == 10000)
    command = snap(driver, "command")
    check(f"--lr-schedule piecewise:{changed_at}=1" in command and "lr=3" in driver.current_url and f"lr-schedule=piecewise%3A{changed_at}%3D1" in driver.current_url
          and not by_id("unreproduced").is_displayed() and "now 1" in by_id("lr-now").text,
          f"a rate changed at epoch {changed_at} is a schedule in the command and the link ({command}), shown as the rate now")
    reproduced_elsewhere(f"a run whose rate was changed by hand at epoch {changed_at}")

    layouts(driver, by_id, wait)
    link_note(driver, by_id, wait)
    seeds_in_the_page(driver, by_id, wait)
    exported_run(driver, by_id, wait)
    a_lesson(driver, by_id, wait)
    backprop_by_hand(driver, by_id, wait)
    own_lessons(driver, by_id, wait)


def a_lesson(driver, by_id, wait):
    """A lesson walked with the pointer: chosen from the menu, its controls hidden, training held
    until a prediction is committed, the check judged on the live numbers and passed, the next
    step's setup applied; a link opens a step; a reload keeps the lesson, its step and its
    progress; leaving brings every control back."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False})
    base = driver.current_url.split("#")[0]
    driver.get(base + "#dataset=circle")
    js(driver, "sessionStorage.clear()")
    wait.until(lambda d: js(d, "return !!(window.backprop && window.backprop.state.snap) && document.querySelectorAll('#preset optgroup option').length > 0"))
    click = lambda el: ActionChains(driver).move_to_element(el).click().perform()
    lessons = js(driver, "return [...document.querySelectorAll('#preset optgroup option')].map(o => o.textContent)")
    check(len(lessons) >= 9 and lessons[0].startswith("The sheet"), f"the experiments menu lists the lessons ({len(lessons)}: {lessons[0]} …)")
    Select(by_id("preset")).select_by_visible_text("A first network: XOR")
    wait.until(lambda d: by_id("lesson-pane").is_displayed() and snap(d, "settings").get("dataset") == "xor" and snap(d, "settings").get("layers") == "none")
    hidden = js(driver, "return ['activation', 'head', 'optimizer', 'regularization'].map(id => document.getElementById(id).offsetParent === null)")
    check(all(hidden) and by_id("lr").is_displayed() and "lesson=xor" in driver.current_url and "step=1" in driver.current_url,
          f"the lesson's first step: its setup, its hidden controls, in the URL ({hidden})")
    click(by_id("play"))
    time.sleep(0.5)
    check(epoch(driver) == 0 and "prediction" in by_id("banner").text, f"play waits for a prediction ({by_id('banner').text[:60]})")
    click(driver.find_element(By.CSS_SELECTOR, "#lesson-options label:nth-child(2) input"))
    click(by_id("lesson-commit"))
    check("Your prediction: no." in by_id("lesson-committed").text, "the prediction is committed")
    click(by_id("play"))
    wait.until(lambda d: epoch(d) >= 500 and "Passed" in by_id("lesson-status").text)
    notice = by_id("lesson-notice").text
    check("No line separates" in notice and "epoch ≥ 500" in by_id("lesson-check").text, f"the check passes at the stop epoch and its notice shows ({notice[:40]})")
    click(by_id("lesson-next"))
    wait.until(lambda d: snap(d, "settings").get("features") == "x1,x2,x1*x2" and "step=2" in d.current_url)
    check("✗ test accuracy ≥ 0.98" in by_id("lesson-check").text, f"the next step: its setup and its check, not yet met ({by_id('lesson-check').text[:60]})")
    click(by_id("play"))
    wait.until(lambda d: "Passed" in by_id("lesson-status").text)
    check("✓ test accuracy ≥ 0.98" in by_id("lesson-check").text, "the feature cross passes the check on the live accuracy")
    shot(driver, "lesson-xor-1280x720.png")
    # A reload keeps the lesson at its step, its passed steps and the run.
    driver.refresh()
    wait.until(lambda d: js(d, "return !!(window.backprop && window.backprop.state.snap)") and by_id("lesson-pane").is_displayed())
    dots = js(driver, "return [...document.querySelectorAll('#lesson-dots button')].map(b => b.className.trim())")
    wait.until(lambda d: "Passed" in by_id("lesson-status").text)
    check(dots[:2] == ["passed", "here passed"] and epoch(driver) >= 500, f"a reload keeps the lesson, its step and its progress ({dots})")
    # A link opens a step; a teacher's link hides controls of its own.
    driver.get(base + "#lesson=learning-rate&step=2&hide=lr")
    wait.until(lambda d: by_id("lesson-step").text.startswith("Step 2 of 4") and snap(d, "settings").get("lr") == "3")
    check(not by_id("lr").is_displayed() and by_id("lesson-predict").is_displayed(), "a link opens a lesson's step with its setup, and hides what the link says")
    # Past a lesson's last step, the lesson it names: the sheet's follow one another.
    driver.get(base + "#lesson=activations&step=3")
    wait.until(lambda d: by_id("lesson-step").text.startswith("Step 3 of 3"))
    following = by_id("lesson-next").text
    click(by_id("lesson-next"))
    wait.until(lambda d: by_id("lesson-title").text.startswith("L1 and L2") and snap(d, "settings").get("regularization") == "none" and snap(d, "settings").get("ratio") == "0.1")
    check(following.startswith("next lesson: L1 and L2"), f"a lesson's last step leads to the next lesson ({following})")
    for width, height in ((800, 600), (390, 844)):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
        time.sleep(0.5)
        pane, net = rect_of(driver, "lesson-pane"), rect_of(driver, "network")
        check(pane["left"] >= 0 and pane["right"] <= width + 1 and pane["bottom"] <= net["top"] + 1,
              f"at {width}×{height} the lesson comes first, over the network, within the width")
        shot(driver, f"lesson-{width}x{height}.png")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False})
    click(by_id("lesson-close"))
    wait.until(lambda d: not by_id("lesson-pane").is_displayed())
    check(by_id("activation").is_displayed() and "lesson=" not in driver.current_url and not js(driver, "return window.backprop.state.snap.check || null"),
          "leaving the lesson brings the controls back and ends its check")


OWN_LESSON = """---
title: Our first hour
summary: The course's own start, before the sheet.
next: sheet
---

## Ten epochs of moons
setup: preset=moons&epochs=10
hide: presets, head

Press play and watch the boundary move.

check: epoch>=10

notice: Ten epochs in, the boundary has moved.
"""


def own_lessons(driver, by_id, wait):
    """A teacher's own lessons (`--lessons FOLDER`, given to `backprop serve` or `backprop site`):
    listed first, opened by a link, its step checked on the live numbers like a shipped one's,
    and leading on into the shipped ones."""
    folder = tempfile.mkdtemp(prefix="backprop-own-lessons-")
    with open(os.path.join(folder, "ours.md"), "w") as f:
        f.write(OWN_LESSON)
    other = (StaticServer if SITE else Server)(free_port(), lessons=folder)
    click = lambda el: ActionChains(driver).move_to_element(el).click().perform()
    try:
        other.start()
        driver.get(f"http://127.0.0.1:{other.port}/#lesson=ours")
        wait.until(lambda d: by_id("lesson-pane").is_displayed() and by_id("lesson-title").text == "Our first hour")
        first = js(driver, "return [...document.querySelectorAll('#preset optgroup option')].map(o => o.textContent)")
        check(len(first) >= 2 and first[0] == "Our first hour" and first[1].startswith("The sheet"),
              f"a teacher's lesson is listed first, the shipped ones after it ({first[:2]})")
        check(not by_id("head").is_displayed() and snap(driver, "settings").get("dataset") == "moons",
              "its step's setup and hidden controls apply")
        click(by_id("play"))
        wait.until(lambda d: epoch(d) >= 10 and "Passed" in by_id("lesson-status").text)
        check("boundary has moved" in by_id("lesson-notice").text, "its check passes on the live numbers and its notice shows")
        shot(driver, "own-lesson.png")
        following = by_id("lesson-next").text
        check(following.startswith("next lesson: The sheet"), f"it leads on into the shipped lessons ({following})")
    finally:
        other.stop()


def backprop_by_hand(driver, by_id, wait):
    """The by-hand lesson's first step with the pointer and the keyboard: a link's chain rule
    turned into an exercise, a sign error named as the first term that differs, the sheet's
    arithmetic on the panel's numbers accepted, and the step's check passed."""
    base = driver.current_url.split("#")[0]
    driver.get(base + "#lesson=backprop-by-hand&step=1")
    wait.until(lambda d: by_id("lesson-step").text.startswith("Step 1 of 3") and snap(d, "settings").get("head") == "sigmoid")
    click = lambda el: ActionChains(driver).move_to_element(el).click().perform()
    click(by_id("play"))
    wait.until(lambda d: epoch(d) == 20 and snap(d, "state") == "paused")
    p = js(driver, "return window.backprop.linkPoint(arguments[0], 0.3)", link_index(driver, 1, 0, 0))
    point_at(driver, p["x"], p["y"], click=True)
    wait.until(lambda d: by_id("chain").is_displayed() and "The chain rule for the weight from neuron 1 of layer 1" in by_id("chain").text)
    click(by_id("by-hand-toggle"))
    wait.until(lambda d: d.find_elements(By.ID, "by-hand"))
    text = by_id("chain").text
    number = lambda pattern: float(re.search(pattern, text).group(1).replace("−", "-"))
    yhat, y, a, w, rate = number(r"ŷ = (-?[\d.]+)"), number(r", y = (-?[\d.]+)"), number(r"a = (-?[\d.]+)"), number(r"w now = (-?[\d.]+)"), number(r"η = ([\d.e-]+)")
    check("δ =" not in text.split("(δ = ŷ − y)")[-1] and "∂L/∂w =" not in text, "by hand, the panel gives the forward pass and not the answers")
    delta = yhat - y
    answers = {"outputDelta": -delta, "gradient": delta * a, "weight": w - rate * delta * a}
    def answer(values):
        for name, v in values.items():
            field = driver.find_element(By.CSS_SELECTOR, f'#by-hand input[name="{name}"]')
            field.clear(); field.send_keys(f"{v:.4f}")
        driver.find_element(By.CSS_SELECTOR, "#by-hand input[name=weight]").send_keys(Keys.ENTER)
    answer(answers)
    wait.until(lambda d: by_id("by-hand-result").text.startswith("First to look at"))
    check("δ at the output differs from the engine's" in by_id("by-hand-result").text and "✗ by hand" in by_id("lesson-check").text,
          f"a sign error is named as the first term that differs ({by_id('by-hand-result').text[:70]})")
    answers["outputDelta"] = delta
    answer(answers)
    wait.until(lambda d: by_id("by-hand-result").text.startswith("All right") and "Passed" in by_id("lesson-status").text)
    check(len(driver.find_elements(By.CSS_SELECTOR, "#by-hand input.right")) == 3, "the sheet's δ = ŷ − y, δ·a and w − η·δ·a from the panel's numbers are right, and the step passes")
    shot(driver, "lesson-by-hand-1280x720.png")


def link_note(driver, by_id, wait):
    """A teacher's link carries a note: shown as text (markup stays text), cut at 280 characters,
    not refused as a setting, kept in the URL and across a reload."""
    base = driver.current_url.split("#")[0]
    note = "<b>Predict first:</b> will 4 neurons learn it? " + "x" * 400
    driver.get(base + "#dataset=xor&layers=4&note=" + urllib.parse.quote(note))
    wait.until(lambda d: snap(d, "settings").get("layers") == "4" and by_id("link-note").is_displayed())
    shown = by_id("link-note").text
    check(shown.startswith("Note with this link: <b>Predict first:</b> will 4 neurons") and len(shown) == len("Note with this link: ") + 280
          and not driver.find_elements(By.CSS_SELECTOR, "#link-note b") and "cannot set" not in by_id("notices").text
          and "note=%3Cb%3EPredict" in driver.current_url,
          f"a link's note is shown as text, cut at 280 characters, kept in the URL ({shown[:60]}…)")
    driver.refresh()
    wait.until(lambda d: js(d, "return !!(window.backprop && window.backprop.state.snap)") and by_id("link-note").is_displayed())
    check(by_id("link-note").text == shown and "note=" in driver.current_url, "the note stays across a reload")


def seeds_in_the_page(driver, by_id, wait):
    """Run seeds: the setup from five initial weights, the rate and the spread, and the command
    that measures the same — which, run, says the same."""
    base = driver.current_url.split("#")[0]
    driver.get(base + "#dataset=xor&layers=4&epochs=100&stop-when=test-accuracy%3E%3D0.9&seed=0")
    wait.until(lambda d: snap(d, "settings").get("stop-when") == "test-accuracy>=0.9" and snap(d, "stopEpoch") == 100)
    Select(by_id("seed-count")).select_by_visible_text("5")
    ActionChains(driver).move_to_element(by_id("run-seeds")).click().perform()
    WebDriverWait(driver, 120, poll_frequency=0.2).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#seed-maps figure")) == 5)
    summary, command = by_id("seeds-summary").text, by_id("seeds-command").text
    results = js(driver, "return [...document.querySelectorAll('#seed-maps figure')].map(f => [f.className, f.title])")
    wins = sum(1 for cls, _ in results if cls == "success")
    js(driver, "document.getElementById('seeds').scrollIntoView({block: 'center'})")
    by_id("seeds").screenshot(os.path.join(SHOTS, "seeds-xor.png"))
    js(driver, "window.scrollTo(0, 0)")
    out = subprocess.run(["bash", "-c", command.replace("backprop ", f"'{BINARY}' ", 1)], capture_output=True, text=True)
    line = (out.stdout.strip().splitlines() or [""])[-1]
    losses = sorted(float(t.split("test loss ")[1].split(",")[0].split(";")[0]) for _, t in results)
    check(out.returncode == 0 and line.startswith(f"{wins}/5 ") and f"{losses[0]:.4f}–{losses[-1]:.4f}" in line and f"{wins} of 5 succeeded" in summary,
          f"five seeds in the page: '{summary}'; its command measures the same ({line.split('  ')[0]}, test loss {losses[0]:.4f}–{losses[-1]:.4f})")


def exported_run(driver, by_id, wait):
    """The page's run downloaded as the sheet's numpy program trains the page's weights."""
    js(driver, "const p = document.getElementById('preset'); p.value = 'moons'; p.dispatchEvent(new Event('change'))")
    wait.until(lambda d: snap(d, "settings").get("dataset") == "moons" and epoch(d) == 0)
    ActionChains(driver).move_to_element(driver.find_element(By.CSS_SELECTOR, '[data-step="100"]')).click().perform()
    wait.until(lambda d: epoch(d) == 100)
    capture_downloads(driver)
    ActionChains(driver).move_to_element(driver.find_element(By.CSS_SELECTOR, '[data-download="numpy"]')).click().perform()
    wait.until(lambda d: js(d, "return window.blobs.length") == 1)
    text = driver.execute_async_script("window.blobs[0].text().then(arguments[arguments.length - 1])")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(text)
    out = subprocess.run([sys.executable, f.name], capture_output=True, text=True)
    said = (out.stdout + out.stderr).strip().splitlines()
    difference = float(said[-1].split("differ from Backprop's by ")[1].split(" ")[0]) if said and "differ from" in said[-1] else 1.0
    check(out.returncode == 0 and "trained 100 epochs" in out.stdout and difference <= 1e-11,
          f"run_numpy.py from the page trains its 100 epochs to the page's weights ({said[-1] if said else out.returncode})")
    # The pictures: each a PNG of its canvas's pixels.
    for picture in ("output", "loss-chart"):
        capture_downloads(driver)
        ActionChains(driver).move_to_element(driver.find_element(By.CSS_SELECTOR, f'[data-picture="{picture}"]')).click().perform()
        wait.until(lambda d: js(d, "return window.blobs.length") == 1)
        head = driver.execute_async_script("""const done = arguments[arguments.length - 1];
            window.blobs[0].arrayBuffer().then(b => done(Array.from(new Uint8Array(b.slice(0, 24)))))""")
        size = (int.from_bytes(bytes(head[16:20]), "big"), int.from_bytes(bytes(head[20:24]), "big"))
        canvas = js(driver, "const c = document.getElementById(arguments[0]); return [c.width, c.height]", picture)
        check(bytes(head[:8]) == b"\x89PNG\r\n\x1a\n" and list(size) == canvas and size[0] > 100,
              f"{picture}.png from the page: a PNG of the canvas's {size[0]}×{size[1]} pixels")
    # The figures as SVG: the command line's boundary.svg, network.svg and loss.svg, from the same code.
    for figure, mark in (("boundary.svg", "moons: epoch 100"), ("network.svg", "10 tanh"), ("loss.svg", "loss (sigmoid_bce)")):
        capture_downloads(driver)
        ActionChains(driver).move_to_element(driver.find_element(By.CSS_SELECTOR, f'[data-download="{figure}"]')).click().perform()
        wait.until(lambda d: js(d, "return window.blobs.length") == 1)
        svg = driver.execute_async_script("window.blobs[0].text().then(arguments[arguments.length - 1])")
        check(svg.startswith("<svg xmlns=") and mark in svg and svg.rstrip().endswith("</svg>"),
              f"{figure} from the page: the command line's figure ({len(svg):,} bytes, '{mark}' in it)")
    capture_downloads(driver)
    # The model as ONNX, offered by the server (its executable links swift-protobuf), not by the
    # static site (the engine is WebAssembly there).
    button = by_id("download-onnx")
    if SITE:
        check(not button.is_displayed(), "the static site offers no model.onnx (the WebAssembly engine writes no ONNX)")
        return
    ActionChains(driver).move_to_element(button).click().perform()
    wait.until(lambda d: js(d, "return window.blobs.length") == 1)
    encoded = driver.execute_async_script("""const done = arguments[arguments.length - 1];
        window.blobs[0].arrayBuffer().then(b => { let s = ''; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); done(btoa(s)); })""")
    import base64
    import numpy as np
    import onnx
    import onnxruntime
    model = onnx.load_from_string(base64.b64decode(encoded))
    onnx.checker.check_model(model, full_check=True)
    test = np.array([p[:2] for p in js(driver, "return window.backprop.state.data.test")], dtype=np.float32)
    got = onnxruntime.InferenceSession(model.SerializeToString()).run(None, {"x": test})[0][:, 0]
    program = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the program says what it trained; heard above
        exec(text.split("if len(sys.argv) > 1:")[0], program)
    expected = program["predict"](program["features"](test.astype(np.float64)))[:, 0]
    d = float(np.abs(got - expected).max())
    check(d <= 1e-5, f"model.onnx from the page runs in onnxruntime with the run's predictions on its test points (float32: {d:.1e})")


def inside(rect, width, height):
    return rect["left"] >= -1 and rect["top"] >= -1 and rect["right"] <= width + 1 and rect["bottom"] <= height + 1


def rect_of(driver, element_id):
    return js(driver, "const r = document.getElementById(arguments[0]).getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width}", element_id)


def distance_to(points, x, y):
    best = float("inf")
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy or 1)))
        best = min(best, math.hypot(x - ax - t * dx, y - ay - t * dy))
    return best


def along(points, step=1.0):
    """Points every `step` px along a polyline."""
    out = []
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        length = math.hypot(bx - ax, by - ay)
        for k in range(max(1, int(length / step))):
            f = k * step / length if length else 0
            out.append((ax + f * (bx - ax), ay + f * (by - ay)))
    return out


def link_curves(driver):
    """Every link's curve in window coordinates, as 25 points (the page's own sampling)."""
    n = js(driver, "return document.querySelectorAll('#links .hit').length")
    return js(driver, "return Array.from({length: arguments[0]}, (_, i) => Array.from({length: 25}, (_, k) => { const p = window.backprop.linkPoint(i, k / 24); return [p.x, p.y]; }))", n)


def clear_pixel(curves, i):
    """The whole pixel nearest link i's midpoint that is nearer to it than to any other link by 0.75 px."""
    boxes = [(min(p[0] for p in c) - 3, max(p[0] for p in c) + 3, min(p[1] for p in c) - 3, max(p[1] for p in c) + 3) for c in curves]
    path = along(curves[i][2:23])
    middle = len(path) / 2
    for k in sorted(range(len(path)), key=lambda k: abs(k - middle)):
        px, py = round(path[k][0]), round(path[k][1])
        own = distance_to(curves[i], px, py)
        others = min((distance_to(curves[j], px, py) for j in range(len(curves))
                      if j != i and boxes[j][0] <= px <= boxes[j][1] and boxes[j][2] <= py <= boxes[j][3]), default=99)
        if others - own >= 0.75:
            return (px, py)
    return None


def every_link_by_pointer(driver, by_id, wait):
    """Clicks each link of the diagram with the pointer and checks the editor opens for it. The
    pointer lands on whole pixels, so each link is clicked at the pixel nearest its midpoint that is
    closer to it than to any other link by at least 0.75 px — going out from the middle where
    others cross it there (the weights i→j and j→i between two layers always meet at their common
    midpoint, and in a 6×6 net so do many others)."""
    curves = link_curves(driver)
    n = len(curves)
    missed, unclear, off_middle = [], [], 0
    for i in range(n):
        chosen = clear_pixel(curves, i)
        if chosen is None:
            unclear.append(i)
            continue
        off_middle += math.hypot(chosen[0] - curves[i][12][0], chosen[1] - curves[i][12][1]) > 1.5
        point_at(driver, *chosen, click=True)
        expected = js(driver, "return document.querySelector(`path.hit[data-index=\"${arguments[0]}\"]`).getAttribute('aria-label').split(':')[0]", i)
        got = by_id("editor").is_displayed() and js(driver, "return document.querySelector('#editor label').textContent")
        if got != expected:
            missed.append((i, got, expected))
        if by_id("editor").is_displayed():
            by_id("editor-value").send_keys(Keys.ESCAPE)
    check(not missed and not unclear, f"every one of the {n} links opens its own editor under a pointer click ({off_middle} clicked away from their midpoint, "
          f"where another link crosses it; no pixel nearer to it than to others: {unclear[:5]}; missed: {missed[:3]})")


def layouts(driver, by_id, wait):
    """The page at a laptop's, a projector's, a small window's and a phone's size (the viewport
    emulated exactly): what must be in view is, nothing runs off to the right, text grows with a
    large screen, messages move nothing, and every link can be clicked."""
    applied = js(driver, "const p = document.getElementById('preset'); p.value = 'spiral-6x6'; p.dispatchEvent(new Event('change')); return p.options.length")
    wait.until(lambda d: js(d, "return document.querySelectorAll('#links .hit').length") == 198)
    sizes = [(1280, 720), (1920, 1080), (800, 600), (390, 844)]
    for width, height in sizes:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
        time.sleep(0.6)
        js(driver, "window.scrollTo(0, 0)")
        time.sleep(0.2)
        inner = js(driver, "return [innerWidth, innerHeight, document.documentElement.scrollWidth]")
        off = js(driver, """return [...document.querySelectorAll('header *, main *')].filter(e => {
            const r = e.getBoundingClientRect(); return r.width > 0 && e.offsetParent !== null && r.right > innerWidth + 1 && !e.closest('#network');
        }).map(e => e.id || e.tagName).slice(0, 5)""")
        check(inner[2] <= inner[0] and not off, f"at {width}×{height} nothing runs off to the right (page {inner[2]} px wide; {off})")
        shot(driver, f"layout-{width}x{height}.png")
        if width >= 1280:
            parts = {name: rect_of(driver, name) for name in ("network", "output", "loss-chart")}
            out = [name for name, r in parts.items() if not inside(r, width, height)]
            check(not out, f"at {width}×{height} the network, the output map and the loss chart are in view without scrolling (out: {out})")
        if width == 1920:
            smallest = js(driver, """let best = [99, '']; for (const e of document.querySelectorAll('body *')) {
                if (e.offsetParent === null || e.closest('#editor, #link-tip, option')) continue;
                if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
                // SVG text is drawn scaled by its picture's viewBox.
                const svg = e.closest('svg'), box = svg && svg.viewBox.baseVal, scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
                const f = parseFloat(getComputedStyle(e).fontSize) * scale; if (f < best[0]) best = [+f.toFixed(1), e.id || e.getAttribute('class') || e.tagName]; } return best""")
            map_width = rect_of(driver, "output")["width"]
            check(smallest[0] >= 16 and map_width >= 340, f"at 1920×1080 the smallest text is {smallest[0]} px ({smallest[1]}) and the output map {map_width:.0f} px wide")
        if width < 1280:
            # The output map is reachable while training: scrolled to, it is in view with play.
            js(driver, "document.getElementById('output').scrollIntoView({block: 'end'})")
            time.sleep(0.2)
            check(inside(rect_of(driver, "output"), width, height) and inside(rect_of(driver, "play"), width, height),
                  f"at {width}×{height} the output map, scrolled to, is in view with the play button")
            js(driver, "window.scrollTo(0, 0)")
        if width == 390:
            lefts = {round(rect_of(driver, c)["left"]) for c in ("network-column", "output-column", "data-column")}
            check(len(lefts) == 1, f"at 390×844 the page is one column (left edges {sorted(lefts)})")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False})
    time.sleep(0.6)
    js(driver, "window.scrollTo(0, 0)")

    # ---- At 1280×720: the chain rule opens in view and focused, and Escape gives the focus back.
    Select(by_id("view")).select_by_value("gradients")
    click = lambda el: ActionChains(driver).move_to_element(el).click().perform()
    click(driver.find_element(By.CSS_SELECTOR, '[data-step="10"]'))
    wait.until(lambda d: js(d, "const s = window.backprop.state.snap; return !!(s && s.gradients)"))
    index = link_index(driver, 3, 2, 4)
    point_at(driver, *clear_pixel(link_curves(driver), index), click=True)
    wait.until(lambda d: by_id("chain").is_displayed() and d.find_elements(By.ID, "chain-product"))
    panel = rect_of(driver, "chain")
    check(inside(panel, 1280, 720) and js(driver, "return document.activeElement.id") == "chain" and js(driver, "return scrollY") == 0,
          f"at 1280×720 a click on a link opens its chain rule in view ({panel['top']:.0f}–{panel['bottom']:.0f} px), focused, the page not scrolled")
    shot(driver, "layout-1280x720-chain-rule.png")
    by_id("chain").send_keys(Keys.ESCAPE)
    check(not by_id("chain").is_displayed() and js(driver, "return document.activeElement.dataset.index") == str(index),
          "Escape closes the chain rule and gives the focus back to its link")
    # At the output of the playground's tanh head, the panel says why δ is not the sheet's ŷ − y.
    point_at(driver, *clear_pixel(link_curves(driver), link_index(driver, 6, 0, 2)), click=True)
    wait.until(lambda d: by_id("chain").is_displayed() and "to the output" in by_id("chain").text)
    check("δ = (ŷ − y)(1 − ŷ²)" in by_id("chain").text and "label 0" in by_id("chain").text,
          "the chain rule at a tanh output says why its δ is (ŷ − y)(1 − ŷ²) and that label 0 is y = −1")
    by_id("chain").send_keys(Keys.ESCAPE)
    Select(by_id("view")).select_by_value("weights")
    wait.until(lambda d: js(d, "const s = window.backprop.state.snap; return s && !s.gradients"))

    # ---- Messages have their own slot: one coming or going moves nothing and covers nothing.
    before = rect_of(driver, "network")
    stop = epoch(driver) + 3
    by_id("stop-epoch").clear()
    by_id("stop-epoch").send_keys(str(stop), Keys.ENTER)
    click(by_id("play"))
    wait.until(lambda d: f"Stopped at epoch {stop:,}" in by_id("notices").text)
    after, slot = rect_of(driver, "network"), rect_of(driver, "messages")
    check(after["top"] == before["top"] and slot["bottom"] <= after["top"],
          f"a notice ({by_id('notices').text[:40]}…) moves nothing and covers nothing (network at {before['top']:.0f} → {after['top']:.0f} px)")
    by_id("stop-epoch").clear()
    by_id("stop-epoch").send_keys(Keys.ENTER)

    # ---- A hovered neuron fills the output map at the map's own resolution, not its square's.
    node = js(driver, "const r = document.querySelector('.node[data-layer=\"2\"][data-neuron=\"1\"]').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]")
    point_at(driver, *node)
    wait.until(lambda d: js(d, "const s = window.backprop.state.snap; return !!(s.focused && s.focused[0] === 2 && s.focused[1] === 1 && s.focusMap)"))
    fine = js(driver, "const s = window.backprop.state.snap; return [atob(s.focusMap).length, s.outputResolution, atob(s.neurons[2][1]).length]")
    check(fine[0] == fine[1] ** 2 and fine[0] > fine[2] and "Neuron 2 of layer 2" in by_id("output-title").text,
          f"a hovered neuron is drawn over the plane from {fine[0]} cells ({fine[1]}²), not its square's {fine[2]}")
    shot(driver, "layout-1280x720-neuron.png")
    point_at(driver, 5, 5)

    every_link_by_pointer(driver, by_id, wait)

if __name__ == "__main__":
    sys.exit(main())
