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


def requested_urls(driver) -> list[str]:
    """Every URL the page asked for since the performance log was last read (Chromium's Network events)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def assert_no_dialog(driver) -> None:
    """No alert/confirm/prompt is open, and the page's dialog trap (``window.__dialogs``) caught none."""
    from selenium.common.exceptions import NoAlertPresentException

    try:
        text = driver.switch_to.alert.text
    except NoAlertPresentException:
        text = None
    assert text is None, f"a dialog opened: {text}"
    assert driver.execute_script("return window.__dialogs") == []
