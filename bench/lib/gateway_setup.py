"""Where the bench lives and how it configures a gateway: shared by bench/run (suite.py) and bench/account (account.py)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
REPO = BENCH.parent
JAVA_HOME = Path(os.environ.get("BENCH_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
DATABASE = "bench"
# The gateway's connection to DATABASE with upstreamPool on.
POOLED_DATABASE = "bench_pooled"
PGSTORE_DATABASE = "tracegate_store"


def gateway_config(data_dir: Path, port: int, api_port: int, key_file: Path, postgres_port: int,
                   pgstore: bool = False, signing_key: Path | None = None) -> str:
    store = (f"""  type: postgresql
  url: jdbc:postgresql://127.0.0.1:{postgres_port}/{PGSTORE_DATABASE}
  username: postgres""" if pgstore else "  type: h2")
    return f"""# Written by bench/run. Recording and the evidence log are always on; the store is the default embedded one,
# or for the nodes of the shared-store path one PostgreSQL database they all write.
dataDir: {data_dir}
listeners:
  postgres:
    address: 127.0.0.1
    port: {port}
    allowCleartextOnLoopback: true
    limits:
      # The storm opens hundreds of connections from one address at the same instant: the default
      # per-source cap (32 logging in at once) would refuse most of them, which is not what it measures.
      maxConnections: 2000
      maxUnauthenticated: 1000
      maxUnauthenticatedPerSource: 1000
  api:
    address: 127.0.0.1
    port: {api_port}
limits:
  # The storm's clients are one identity from one address, all at once.
  sessionsPerIdentity: 2000
  sessionsPerSource: 2000
store:
{store}
evidence:
  origin: tracegate.bench/log
{f"  signingKey: file:{signing_key}" if signing_key else ""}
identities:
  apiKeys:
    - name: bench
      key: file:{key_file}
      groups: [bench]
      kind: service
connections:
  - name: {DATABASE}
    protocol: postgres
    host: 127.0.0.1
    port: {postgres_port}
    database: {DATABASE}
    username: postgres
    upstreamAuth: trust
    tls: disable
  # The same database with the upstream pool on (the storm's pooled paths). As pgbouncer's
  # default_pool_size: at most 64 sessions hold a backend at once (the rest wait, as pgbouncer's
  # clients wait for a server connection) and as many idle ones kept between the storm's rounds.
  - name: {POOLED_DATABASE}
    protocol: postgres
    host: 127.0.0.1
    port: {postgres_port}
    database: {DATABASE}
    username: postgres
    upstreamAuth: trust
    tls: disable
    upstreamPool:
      maxIdle: 64
      idleTimeoutSeconds: 600
      maxSessions: 64
      queueTimeoutSeconds: 120
"""


def gateway_java_opts() -> str:
    """The gateway's JVM options: BENCH_GATEWAY_JAVA_OPTS or TRACEGATE_JAVA_OPTS if set, else what ./tracegate ships."""
    for variable in ("BENCH_GATEWAY_JAVA_OPTS", "TRACEGATE_JAVA_OPTS"):
        if variable in os.environ:
            return os.environ[variable].strip()
    lines = (REPO / "scripts/jvm.options").read_text().splitlines()
    return " ".join(line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip())


def modified(path: Path) -> str:
    return datetime.datetime.fromtimestamp(path.stat().st_mtime).astimezone().isoformat(timespec="seconds")
