"""A headless Firefox (Debian's `firefox-esr`) driven over WebDriver BiDi, for the deck test that
checks the deck plays in Firefox too: one tab, `evaluate`, real key presses. Offline: the deck
is opened from file: and the profile is fresh, with no network service asked for."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
KEYS = {"ArrowRight": "\ue014", "ArrowLeft": "\ue012"}  # WebDriver's key codes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Firefox:
    def __init__(self, url: str):
        import websocket  # websocket-client (dev dependency)

        self.profile = tempfile.mkdtemp(prefix="deck-firefox-")
        port = _free_port()
        self.proc = subprocess.Popen([FIREFOX, "--headless", "-no-remote", "-profile", self.profile,
                                      "--remote-debugging-port", str(port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/session",
                                                          timeout=30, suppress_origin=True)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            self._id = 0
            self.call("session.new", capabilities={})
            self.context = self.call("browsingContext.getTree")["contexts"][0]["context"]
            self.call("browsingContext.navigate", context=self.context, url=url, wait="complete")
        except BaseException:
            self.close()
            raise

    def call(self, method: str, **params):
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if message.get("type") == "error":
                    raise RuntimeError(f"{method}: {message.get('message')}")
                return message["result"]

    def evaluate(self, expression: str):
        """The value of a JavaScript expression, JSON-encoded in the page and decoded here."""
        result = self.call("script.evaluate", expression=f"JSON.stringify({expression})",
                           target={"context": self.context}, awaitPromise=True)
        if result.get("type") == "exception":
            raise RuntimeError(f"{expression}: {result['exceptionDetails']['text']}")
        return json.loads(result["result"]["value"])

    def wait_for(self, condition: str, timeout: float = 15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(condition)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {condition}")

    def press(self, key: str) -> None:
        value = KEYS.get(key, key)
        self.call("input.performActions", context=self.context, actions=[
            {"type": "key", "id": "keyboard",
             "actions": [{"type": "keyDown", "value": value}, {"type": "keyUp", "value": value}]}])

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)
