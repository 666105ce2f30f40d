"""Headless browsers for the deck tests, each driven over its own websocket protocol: Debian's
`chromium` over the DevTools protocol, Firefox (`firefox-esr`) over WebDriver BiDi. What the
two share lives once in `Remote` (the request/response loop, waiting for a condition in the
page, stopping the browser and removing its fresh profile); each browser adds how it starts,
how it evaluates JavaScript and how it presses a key.

Offline on purpose: Chromium resolves no host name and its background services are off; the
Firefox profile is fresh and asks for no network service. Chromium also records every URL the
page asked for, so a test can say the deck never left file:, data: and blob:.
"""
from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
CHROMIUM_KEY_CODES = {"ArrowRight": 39, "ArrowLeft": 37, "ArrowUp": 38, "ArrowDown": 40, " ": 32,
                      "PageUp": 33, "PageDown": 34, "Home": 36, "End": 35, "Enter": 13}
WEBDRIVER_KEYS = {"ArrowRight": "\ue014", "ArrowLeft": "\ue012"}  # WebDriver's key codes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _connect(url: str, deadline: float):
    """A websocket to `url`, retried until `deadline` (a browser opens its port a little after
    it says where)."""
    import websocket  # websocket-client (dev dependency)

    while True:
        try:
            return websocket.create_connection(url, timeout=30, suppress_origin=True)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(proc: subprocess.Popen, profile: Path, timeout: float) -> None:
    """Terminate the browser (kill it if it hangs) and remove its throw-away profile."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(profile, ignore_errors=True)


class Remote:
    """One websocket session: numbered requests, answered in order; events in between go to
    `on_event`."""

    def __init__(self, ws):
        self.ws = ws
        self._id = 0

    def on_event(self, message: dict) -> None:
        """An event that arrived while waiting for an answer (ignored unless a browser records it)."""

    def failure(self, message: dict) -> str | None:
        """The error an answer carries, if any."""
        return str(message["error"]) if "error" in message else None

    def call(self, method: str, **params):
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") != self._id:
                self.on_event(message)
                continue
            error = self.failure(message)
            if error is not None:
                raise RuntimeError(f"{method}: {error}")
            return message.get("result", {})

    def evaluate(self, expression: str):
        raise NotImplementedError

    def wait_for(self, condition: str, timeout: float = 15.0):
        """The first truthy value of the JavaScript `condition`, polled every 50 ms."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(condition)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {condition}")


# ------------------------------------------------------------------ Chromium (DevTools protocol)
class Page(Remote):
    """One Chromium tab, over its own DevTools websocket; `requests` lists every URL it asked for."""

    def __init__(self, ws_url: str, width: int, height: int):
        super().__init__(_connect(ws_url, time.monotonic()))
        self.requests: list[str] = []
        self.call("Network.enable")
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def on_event(self, message: dict) -> None:
        if message.get("method") == "Network.requestWillBeSent":
            self.requests.append(message["params"]["request"]["url"])

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def press(self, key: str) -> None:
        """A real key press (Input.dispatchKeyEvent), so it counts as the user's."""
        code = CHROMIUM_KEY_CODES.get(key, ord(key.upper()) if len(key) == 1 else 0)
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
        stop(self.proc, self.profile, timeout=10)


# ------------------------------------------------------------------ Firefox (WebDriver BiDi)
class Firefox(Remote):
    """Firefox with one tab (`self.context`) open at `url`."""

    def __init__(self, url: str):
        self.profile = Path(tempfile.mkdtemp(prefix="deck-firefox-"))
        port = _free_port()
        self.proc = subprocess.Popen([FIREFOX, "--headless", "-no-remote", "-profile", str(self.profile),
                                      "--remote-debugging-port", str(port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            super().__init__(_connect(f"ws://127.0.0.1:{port}/session", time.monotonic() + 30))
            self.call("session.new", capabilities={})
            self.context = self.call("browsingContext.getTree")["contexts"][0]["context"]
            self.call("browsingContext.navigate", context=self.context, url=url, wait="complete")
        except BaseException:
            self.close()
            raise

    def failure(self, message: dict) -> str | None:
        return str(message.get("message")) if message.get("type") == "error" else None

    def evaluate(self, expression: str):
        """The value of a JavaScript expression, JSON-encoded in the page and decoded here."""
        result = self.call("script.evaluate", expression=f"JSON.stringify({expression})",
                           target={"context": self.context}, awaitPromise=True)
        if result.get("type") == "exception":
            raise RuntimeError(f"{expression}: {result['exceptionDetails']['text']}")
        return json.loads(result["result"]["value"])

    def press(self, key: str) -> None:
        value = WEBDRIVER_KEYS.get(key, key)
        self.call("input.performActions", context=self.context, actions=[
            {"type": "key", "id": "keyboard",
             "actions": [{"type": "keyDown", "value": value}, {"type": "keyUp", "value": value}]}])

    def close(self) -> None:
        stop(self.proc, self.profile, timeout=15)
