#!/usr/bin/env python3
"""Starts and controls `hvapi serve` processes for tests running where they cannot start a Linux
program themselves: the Windows PowerShell under wine (see run.sh; Rest.Tests.ps1 uses it when
$HVAPI_TEST_SIMULATORS is set).

    simulators.py HVAPI_PROGRAM

listens on 127.0.0.1 (a free port), prints its URL on the first line of stdout, and answers:

    POST /start          body: a world (JSON)  -> {"id": N, "url": "http://127.0.0.1:PORT"}
    POST /N/kill         kills server N and waits for it (the server went away)
    POST /N/freeze       SIGSTOP: it accepts connections and answers nothing
    POST /N/thaw         SIGCONT

It stops every server it started when it ends (SIGTERM or SIGINT).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROGRAM = sys.argv[1]
WORLDS = tempfile.mkdtemp(prefix="hvapi-simulators-")
servers = {}  # id -> Popen
lock = threading.Lock()

ACTIONS = {
    "kill": lambda p: (p.kill(), p.wait()),
    "freeze": lambda p: p.send_signal(signal.SIGSTOP),
    "thaw": lambda p: p.send_signal(signal.SIGCONT),
}


def start(world: bytes) -> dict:
    json.loads(world)  # a world, or a clear 400
    with lock:
        n = len(servers) + 1
        path = os.path.join(WORLDS, f"world-{n}.json")
        with open(path, "wb") as f:
            f.write(world)
        p = subprocess.Popen(
            [PROGRAM, "serve", "--world", path, "--listen", "127.0.0.1:0", "--quiet"],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        servers[n] = p
    url = p.stdout.readline().decode().strip()
    if not url.startswith("http"):
        p.kill()
        raise RuntimeError(f"hvapi serve printed {url!r} instead of its URL (exit {p.wait()})")
    return {"id": n, "url": url}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = self.path.strip("/").split("/")
        try:
            if parts == ["start"]:
                answer = start(body)
            elif len(parts) == 2 and parts[0].isdigit() and parts[1] in ACTIONS:
                with lock:
                    p = servers[int(parts[0])]
                ACTIONS[parts[1]](p)
                answer = {"id": int(parts[0]), "done": parts[1]}
            else:
                return self.reply(404, {"error": f"no such action: POST {self.path}"})
        except (KeyError, ValueError, RuntimeError) as e:
            return self.reply(400, {"error": str(e)})
        self.reply(200, answer)

    def reply(self, status: int, answer: dict) -> None:
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def stop_all(*_) -> None:
    for p in servers.values():
        if p.poll() is None:
            p.send_signal(signal.SIGCONT)
            p.kill()
            p.wait()
    shutil.rmtree(WORLDS, ignore_errors=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop_all)
signal.signal(signal.SIGINT, stop_all)
httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
httpd.daemon_threads = True
print(f"http://127.0.0.1:{httpd.server_address[1]}", flush=True)
try:
    httpd.serve_forever()
finally:
    stop_all()
