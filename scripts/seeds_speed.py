#!/usr/bin/env python3
"""How long "run seeds" takes in the page: the 6×6 spiral preset, N seeds to epoch 5,000, from
the click to the last seed's map, in headless Chromium.
  python3 scripts/seeds_speed.py URL [N]     # URL: a running `backprop serve`, or a static site
                                              # served by `python3 -m http.server`
"""
import sys
import time
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

url = sys.argv[1].rstrip("/") + "/" if len(sys.argv) > 1 else sys.exit(__doc__)
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
    options.add_argument(a)
d = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
try:
    d.get(url + "#dataset=circle")
    WebDriverWait(d, 60).until(lambda d: d.execute_script("return !!(window.backprop && window.backprop.state.snap) && window.backprop.state.presets.length > 0"))
    d.execute_script("const p = document.getElementById('preset'); p.value = 'spiral-6x6'; p.dispatchEvent(new Event('change'))")
    WebDriverWait(d, 60).until(lambda d: d.execute_script("return window.backprop.state.snap.settings.layers") == "6x6")
    d.execute_script(f"document.getElementById('seed-count').value = '{count}'")
    start = time.time()
    d.execute_script("document.getElementById('run-seeds').click()")
    WebDriverWait(d, 600, poll_frequency=0.05).until(lambda d: len(d.find_elements("css selector", "#seed-maps figure")) == count)
    print(f"{count} seeds: {time.time() - start:.2f} s; {d.find_element('id', 'seeds-summary').text}")
finally:
    d.quit()
