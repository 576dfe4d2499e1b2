"""End to end: a real JupyterLab server opens every released notebook and starts its kernel.

The server runs on loopback in a copy of ``assignments/`` (as a student's checkout), with a token and
without the user's Jupyter configuration; the test talks to it over its REST API as the JupyterLab page
does: the lab page, the notebook's contents, a session with the notebook's kernel.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from seqlab.course.layout import ASSIGNMENTS

from .conftest import ROOT

pytestmark = pytest.mark.e2e
pytest.importorskip("jupyterlab")

STARTUP_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """A running JupyterLab server and a small client for its REST API."""

    def __init__(self, url: str, token: str, root: Path) -> None:
        self.url, self.token, self.root = url, token, root  # root: the folder the server shows

    def request(self, path: str, method: str = "GET", body: dict | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def execute(self, kernel_id: str, code: str, timeout: float = 120) -> str:
        """Run ``code`` in a kernel over its websocket, as the notebook page does; return what it printed."""
        import asyncio

        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        async def run() -> str:
            url = self.url.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
            socket = await websocket_connect(
                HTTPRequest(url, headers={"Authorization": f"token {self.token}"})
            )
            msg_id = secrets.token_hex(8)
            request = {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "",
                    "session": msg_id,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "store_history": False, "allow_stdin": False},
                "channel": "shell",
            }
            socket.write_message(json.dumps(request))
            printed = []
            while True:
                message = json.loads(await socket.read_message())
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                if kind == "stream":
                    printed.append(message["content"]["text"])
                elif kind == "error":
                    raise AssertionError("\n".join(message["content"]["traceback"]))
                elif kind == "status" and message["content"]["execution_state"] == "idle":
                    socket.close()
                    return "".join(printed)

        return asyncio.run(asyncio.wait_for(run(), timeout))

    def json(self, path: str, method: str = "GET", body: dict | None = None) -> dict:
        status, payload = self.request(path, method, body)
        assert status < 300, (path, status, payload[:500])
        return json.loads(payload)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    scratch = tmp_path_factory.mktemp("lab")
    home = scratch / "assignments"
    shutil.copytree(ROOT / "assignments", home, ignore=shutil.ignore_patterns("__pycache__"))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(scratch / "config"),
        JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
        MPLBACKEND="Agg",
    )
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={home}",
        "--allow-root",
    ]
    log = (scratch / "server.log").open("w")
    server = subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    client = Lab(f"http://127.0.0.1:{port}", token, home)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None, (scratch / "server.log").read_text()[-3000:]
            try:
                if client.request("/api/status")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (
                "JupyterLab did not start:\n" + (scratch / "server.log").read_text()
            )
            time.sleep(0.5)
        yield client
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_the_lab_page_is_served(lab: Lab):
    status, page = lab.request("/lab")
    assert status == 200 and b"jupyter-config-data" in page


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_released_notebook_opens_with_its_kernel(lab: Lab, assignment: str):
    path = f"{assignment}/{assignment}.ipynb"
    status, page = lab.request(f"/lab/tree/{path}")
    assert status == 200 and b"jupyter-config-data" in page
    model = lab.json(f"/api/contents/{path}?content=1")
    released = json.loads((ROOT / "assignments" / path).read_text(encoding="utf-8"))
    assert model["type"] == "notebook" and model["format"] == "json"
    assert [cell["id"] for cell in model["content"]["cells"]] == [cell["id"] for cell in released["cells"]]
    kernel_name = released["metadata"]["kernelspec"]["name"]
    assert kernel_name in lab.json("/api/kernelspecs")["kernelspecs"]
    session = lab.json(
        "/api/sessions",
        "POST",
        {"path": path, "type": "notebook", "name": f"{assignment}.ipynb", "kernel": {"name": kernel_name}},
    )
    try:
        imports = next(c for c in released["cells"] if c["id"] == "imports_1")
        code = "".join(imports["source"]) + '\nprint("ready", __name__)'
        assert lab.execute(session["kernel"]["id"], code) == "ready __main__\n"
    finally:
        lab.request(f"/api/sessions/{session['id']}", "DELETE")
