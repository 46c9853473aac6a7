"""The processes of the HTTP phase: a JSON upstream, haproxy in HTTP mode and a Tracegate HTTP gateway.

Like the PostgreSQL phase's services, each runs in its own work directory on its own loopback
port and is stopped by its pid when the phase ends.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from services import require_free, stop_process, wait_for_port

BENCH = Path(__file__).resolve().parent.parent
# What the upstream needs from the gateway's own dependencies: Jetty's server, and SLF4J without a
# provider, so that Jetty logs nothing (a logging back-end at DEBUG would cost the upstream CPU).
UPSTREAM_JARS = ("jetty-server-", "jetty-http-", "jetty-io-", "jetty-util-1", "slf4j-api-")
# The upstream's own credential, as the gateway and haproxy inject it; it proves nothing, the upstream checks no token.
UPSTREAM_TOKEN = "bench-upstream-token"


class JsonUpstream:
    """bench/http/JsonUpstream.java: 1 KiB and 64 KiB JSON documents under /json/, POST answered 201."""

    def __init__(self, work: Path, port: int, java: Path, jars: Path):
        self.dir = work / "http-upstream"
        self.port = port
        self.java = java
        self.classpath = ":".join(str(jar) for jar in sorted((jars / "lib").iterdir())
                                  if jar.name.startswith(UPSTREAM_JARS))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        require_free(self.port)
        self.dir.mkdir(parents=True, exist_ok=True)
        log = self.dir / "upstream.log"
        # A fixed, modest heap: the upstream holds two documents and should not grow into the gateway's share of memory.
        self.process = subprocess.Popen([str(self.java), "-Xmx256m", "-cp", self.classpath,
                                         str(BENCH / "http/JsonUpstream.java"), str(self.port)],
                                        stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while "listening on" not in log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the JSON upstream did not start: {log.read_text(errors='replace')[-500:]}")
            time.sleep(0.2)
        wait_for_port(self.port, 10, self.process)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, "JSON upstream")


class HaproxyHttp:
    """haproxy in HTTP mode: parses every request and response, keeps connections alive on both sides,
    and injects the upstream's credential, as a reverse proxy in front of an API usually does."""

    def __init__(self, work: Path, port: int, upstream_port: int):
        self.dir = work / "haproxy-http"
        self.port = port
        self.upstream_port = upstream_port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        require_free(self.port)
        self.dir.mkdir(parents=True, exist_ok=True)
        config = self.dir / "haproxy.cfg"
        config.write_text(f"""global
    maxconn 4000

defaults
    mode http
    option http-keep-alive
    http-reuse always
    timeout connect 10s
    timeout client 1m
    timeout server 1m
    timeout http-keep-alive 1m

listen json
    bind 127.0.0.1:{self.port}
    http-request del-header Authorization
    http-request set-header Authorization "Bearer {UPSTREAM_TOKEN}"
    server upstream 127.0.0.1:{self.upstream_port}
""")
        self.process = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=open(self.dir / "haproxy.log", "w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, 30, self.process)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, "haproxy (HTTP)")


# The masked connection's rule: every response and request body through a profile with every detector and name hint.
HTTP_POLICY = """# The HTTP phase's policy (bench/lib/http_services.py): the `json` connection is recorded, not masked;
# the `masked` connection reaches the same upstream, and every body in either direction is masked
# through the `bench` profile (every content detector and name hint).
defaults:
  action: allow
masking:
  profiles:
    bench: {}
rules:
  - name: mask-bench-bodies
    connections: [masked]
    mask: bench
"""


def http_gateway_config(data_dir: Path, port: int, api_port: int, key_file: Path, upstream_port: int,
                        token_file: Path, policy_file: Path) -> str:
    """One gateway, two HTTP connections to the same upstream: `json` (recorded) and `masked` (recorded and masked)."""
    connections = "".join(f"""  - name: {name}
    protocol: http
    url: http://127.0.0.1:{upstream_port}/json
    credential:
      type: bearer
      secret: file:{token_file}
""" for name in ("json", "masked"))
    return f"""# Written by bench/run for the HTTP phase. Recording and the evidence log are on; the store is the embedded one.
dataDir: {data_dir}
listeners:
  postgres:
    address: 127.0.0.1
    port: 0
  http:
    address: 127.0.0.1
    port: {port}
    allowCleartextOnLoopback: true
  api:
    address: 127.0.0.1
    port: {api_port}
store:
  type: h2
evidence:
  origin: tracegate.bench/http
identities:
  apiKeys:
    - name: bench
      key: file:{key_file}
      groups: [bench]
      kind: service
connections:
{connections}policyFile: {policy_file}
"""
