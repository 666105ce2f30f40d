"""A headless Chromium (Debian's `chromium`) driven over the DevTools protocol, for the deck tests.

Small on purpose: one page, `evaluate` (awaiting promises), real key presses
(Input.dispatchKeyEvent, so they count as the user's), screenshots, and a record of every URL the
page asked for, so a test can say the deck never left file:, data: and blob:. Offline: the
browser resolves no host name and its background services are off.
"""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
KEY_CODES = {"ArrowRight": 39, "ArrowLeft": 37, "ArrowUp": 38, "ArrowDown": 40, " ": 32,
             "PageUp": 33, "PageDown": 34, "Home": 36, "End": 35, "Enter": 13}


class Page:
    """One tab, over its own DevTools websocket."""

    def __init__(self, ws_url: str, width: int, height: int):
        import websocket  # websocket-client (dev dependency)

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self._id = 0
        self.requests: list[str] = []
        self.call("Network.enable")
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def call(self, method: str, **params):
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("method") == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(condition)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {condition}")

    def press(self, key: str) -> None:
        code = KEY_CODES.get(key, ord(key.upper()) if len(key) == 1 else 0)
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, windowsVirtualKeyCode=code,
                      nativeVirtualKeyCode=code, text=key if kind == "keyDown" and len(key) == 1 else "")

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])


class Browser:
    """Chromium with one page open at `url` (`self.page`); `find_page` attaches to another tab
    the page opened (the speaker view)."""

    def __init__(self, url: str, width: int = 1280, height: int = 800):
        self.size = (width, height)
        self.profile = Path(tempfile.mkdtemp(prefix="deck-chromium-"))
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--autoplay-policy=no-user-gesture-required",
             "--disable-popup-blocking", f"--user-data-dir={self.profile}",
             "--remote-debugging-port=0", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.port = self._port()
            self.page = self.find_page("about:blank")
            self.page.call("Page.navigate", url=url)
            self.page.wait_for("document.readyState === 'complete' && !!window.glmmDeck")
        except BaseException:
            self.close()
            raise

    def _port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        for _ in range(400):
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().split()[0])
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its DevTools port")

    def find_page(self, url_part: str, timeout: float = 10.0) -> Page:
        deadline = time.monotonic() + timeout
        while True:
            pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list",
                                                     timeout=10))
            found = [p for p in pages if p["type"] == "page" and url_part in p["url"]]
            if found:
                return Page(found[0]["webSocketDebuggerUrl"], *self.size)
            if time.monotonic() > deadline:
                raise AssertionError(f"no page with {url_part!r} in its address: {pages}")
            time.sleep(0.1)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)
