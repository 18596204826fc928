"""Headless Debian Chromium for tests, driven by selenium: the flags, the dialog hook, one way to start it."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  "--disable-default-apps", "--disable-extensions", "--window-size=1600,1200"]
#: Runs before any page script: records dialogs instead of opening them, so an injected alert is caught.
DIALOG_HOOK = """
window.__dialogs = [];
["alert", "confirm", "prompt", "print"].forEach(function (name) {
  window[name] = function (msg) { window.__dialogs.push(name + ":" + msg); };
});
"""


def start_chromium(profile_dir: Path):
    """A selenium driver for a fresh headless Chromium with console and network logs and the dialog hook."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    for tool in (CHROMIUM, CHROMEDRIVER):
        assert Path(tool).exists() or shutil.which(Path(tool).name), f"{tool} is missing: run `bash setup.sh`"
    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile_dir}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    opts.set_capability("unhandledPromptBehavior", "ignore")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(90)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DIALOG_HOOK})
    return driver
