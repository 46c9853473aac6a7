"""The run's results as Markdown (for people) and JSON (for machines), and the goals judged against them."""

from __future__ import annotations

import account_phase
import dataclasses
import json
import re
from pathlib import Path


def fmt(value, pattern: str = "{:,.0f}", missing: str = "n/a") -> str:
    return missing if value is None else pattern.format(value)


def ratio_text(value) -> str:
    return fmt(value, "{:.2f} x")


# ---------------------------------------------------------------- goals

def judge_goals(results: dict) -> list[dict]:
    """The issue's goals, each with the measured figure and whether it was met; never an assertion."""
    pgbench = {(s["route"], s["script"], s["clients"]): s for s in results.get("pgbench", {}).get("summary", [])}
    goals = []
    tg = pgbench.get(("tracegate-tls", "select-only", 8))
    goals.append(goal("pgbench -S, 8 clients: Tracegate (recording + evidence, TLS) vs pgbouncer", ">= 1.00 x",
                      tg and tg["vs_pgbouncer"], lambda v: v >= 1.0, "{:.2f} x"))
    goals.append(goal("pgbench -S, 8 clients: Tracegate (recording + evidence, TLS) vs haproxy", ">= 0.85 x",
                      tg and tg["vs_haproxy"], lambda v: v >= 0.85, "{:.2f} x"))
    wide = pgbench.get(("tracegate-tls", "select-only", 32))
    goals.append(goal("pgbench -S, 32 clients: Tracegate (recording + evidence, TLS) vs pgbouncer", ">= 0.80 x",
                      wide and wide["vs_pgbouncer"], lambda v: v >= 0.8, "{:.2f} x"))
    tpcb = pgbench.get(("tracegate-tls", "tpcb-like", 8))
    goals.append(goal("TPC-B-like, 8 clients: Tracegate (recording + evidence, TLS) vs pgbouncer", ">= 0.90 x",
                      tpcb and tpcb["vs_pgbouncer"], lambda v: v >= 0.9, "{:.2f} x"))
    shared = pgbench.get(("tracegate-pgstore", "select-only", 8))
    if shared or "tracegate-pgstore" in results.get("routes", {}):
        goals.append(goal("pgbench -S, 8 clients in all: 2 Tracegate nodes on one PostgreSQL store vs pgbouncer",
                          ">= 0.50 x", shared and shared["vs_pgbouncer"], lambda v: v >= 0.5, "{:.2f} x"))
    masked = pgbench.get(("tracegate-masking", "select-text", 8))
    goals.append(goal("select-text, 8 clients: Tracegate with a masking policy vs without (#6)", ">= 0.80 x",
                      masked and masked.get("vs_tracegate"), lambda v: v >= 0.80, "{:.2f} x"))
    for script in ("select-only", "tpcb-like"):
        # The A/B on one process: the guardrails vs the same gateway with a rule-less policy (bench/lib/policy_switch.py).
        guarded = pgbench.get(("tracegate-policy", script, 8))
        control = pgbench.get(("tracegate-policy-off", script, 8))
        ratio = guarded["tps"] / control["tps"] if guarded and control and guarded["tps"] and control["tps"] else None
        goals.append(goal(f"{script}, 8 clients: the guardrails policy vs the same gateway without rules (#5)", ">= 0.95 x",
                          ratio, lambda v: v >= 0.95, "{:.2f} x"))
    for route, label in (("tracegate-tls", "TLS"), ("tracegate-plain", "no TLS")):
        one = pgbench.get((route, "select-only", 1))
        direct = pgbench.get(("direct", "select-only", 1))
        added = None
        if one and direct and one["latency_ms"] is not None and direct["latency_ms"] is not None:
            added = (one["latency_ms"] - direct["latency_ms"]) * 1000
        if one or route == "tracegate-tls":
            goals.append(goal(f"added latency per simple query, 1 client, Tracegate {label} vs direct", "<= 100 us",
                              added, lambda v: v <= 100, "{:.0f} us"))
    phase = results.get("large_results") or {}
    rows = phase.get("rows") or results.get("plan", {}).get("large_rows", 0)
    peaks = [s["gateway_rss_peak_mb"] for s in phase.get("summary", [])
             if s["route"].startswith("tracegate") and s["route"] != "tracegate-tls-bounded" and s["rows"] == rows and s["gateway_rss_peak_mb"] is not None]
    goals.append(goal(f"{rows:,}-row result: gateway peak RSS, shipped JVM options (scripts/jvm.options)", "< 300 MB",
                      max(peaks) if peaks else None, lambda v: v < 300, "{:.0f} MB"))
    bounded = [s["gateway_rss_peak_mb"] for s in phase.get("summary", [])
               if s["route"] == "tracegate-tls-bounded" and s["gateway_rss_peak_mb"] is not None]
    if bounded:
        heap = results.get("plan", {}).get("bounded_heap")
        goals.append(goal(f"{rows:,}-row result: gateway peak RSS, fresh JVM with {heap}", "< 300 MB",
                          max(bounded), lambda v: v < 300, "{:.0f} MB"))
    storm = {s["route"]: s for s in (results.get("storm") or {}).get("summary", [])}
    tls, bouncer = storm.get("tracegate-tls"), storm.get("pgbouncer")
    if tls or bouncer:
        clients = (results.get("storm") or {}).get("clients")
        goals.append(goal(f"connection storm, {clients} clients: Tracegate (TLS) connect p50 vs pgbouncer's", "<= 3.0 x",
                          connect_ratio(tls, bouncer), lambda v: v <= 3.0, "{:.1f} x"))
        goals.append(goal(f"connection storm, {clients} clients: gateway CPU per TLS connection", "< 2 ms",
                          tls and tls["proxy_cpu_ms_per_connection"], lambda v: v < 2.0, "{:.2f} ms"))
        pooled = storm.get("tracegate-tls-pool")
        if pooled:
            # What pgbouncer does: backends kept between sessions (connections[].upstreamPool).
            goals.append(goal(f"connection storm, {clients} clients: Tracegate (TLS, upstreamPool on) connect p50 vs"
                              " pgbouncer's", "<= 3.0 x", connect_ratio(pooled, bouncer), lambda v: v <= 3.0, "{:.1f} x"))
            goals.append(goal(f"connection storm, {clients} clients: gateway CPU per TLS connection, upstreamPool on",
                              "< 2 ms", pooled["proxy_cpu_ms_per_connection"], lambda v: v < 2.0, "{:.2f} ms"))
        if storm.get("tracegate-pool"):
            # Like for like: pgbouncer's path has no TLS either.
            goals.append(goal(f"connection storm, {clients} clients: Tracegate (no TLS, upstreamPool on) connect p50 vs"
                              " pgbouncer's", "<= 3.0 x", connect_ratio(storm["tracegate-pool"], bouncer),
                              lambda v: v <= 3.0, "{:.1f} x"))
    goals += ledger_goals(results)
    return goals + http_goals(results)


def like_for_like(results: dict) -> list[tuple[str, str]]:
    """Beside the goals (which set the gateway with TLS against pgbouncer without): the same comparisons with
    pgbouncer's clients in TLS too, so a reader sees how much of each gap is TLS itself. Not goals."""
    pgbench = {(s["route"], s["script"], s["clients"]): s for s in results.get("pgbench", {}).get("summary", [])}
    rows = []
    for script, clients, title in (("select-only", 8, "pgbench -S, 8 clients"), ("select-only", 32, "pgbench -S, 32 clients"),
                                   ("tpcb-like", 8, "TPC-B-like, 8 clients")):
        tg, bouncer = pgbench.get(("tracegate-tls", script, clients)), pgbench.get(("pgbouncer-tls", script, clients))
        if tg and bouncer and tg["tps"] and bouncer["tps"]:
            rows.append((f"{title}: Tracegate (recording + evidence, TLS) vs pgbouncer with TLS",
                         f"{tg['tps'] / bouncer['tps']:.2f} x ({tg['proxy_cpu_us_per_tx'] or 0:.0f} against "
                         f"{bouncer['proxy_cpu_us_per_tx'] or 0:.0f} us of proxy CPU per transaction)"))
    one, bouncer_one, direct = (pgbench.get((route, "select-only", 1)) for route in ("tracegate-tls", "pgbouncer-tls", "direct"))
    if one and bouncer_one and direct and None not in (one["latency_ms"], bouncer_one["latency_ms"], direct["latency_ms"]):
        rows.append(("added latency per simple query, 1 client, TLS: Tracegate vs pgbouncer with TLS (each vs direct)",
                     f"{(one['latency_ms'] - direct['latency_ms']) * 1000:.0f} us against "
                     f"{(bouncer_one['latency_ms'] - direct['latency_ms']) * 1000:.0f} us"))
    storm = {s["route"]: s for s in (results.get("storm") or {}).get("summary", [])}
    tls, bouncer_tls = storm.get("tracegate-tls"), storm.get("pgbouncer-tls")
    ratio = connect_ratio(tls, bouncer_tls)
    if ratio is not None:
        clients = (results.get("storm") or {}).get("clients")
        rows.append((f"connection storm, {clients} clients: Tracegate (TLS) connect p50 vs pgbouncer with TLS",
                     f"{ratio:.1f} x ({tls['connect_p50_ms']:.0f} against {bouncer_tls['connect_p50_ms']:.0f} ms)"))
        if bouncer_tls.get("proxy_cpu_ms_per_connection") is not None:
            rows.append((f"connection storm, {clients} clients: proxy CPU per TLS connection, pgbouncer with TLS",
                         f"{bouncer_tls['proxy_cpu_ms_per_connection']:.2f} ms (Tracegate: "
                         f"{fmt(tls.get('proxy_cpu_ms_per_connection'), '{:.2f}')} ms)"))
    return rows


def like_for_like_lines(results: dict) -> list[str]:
    rows = like_for_like(results)
    if not rows:
        return []
    return ["Like for like, not goals: the same comparisons with pgbouncer's clients in TLS too (the goals above set "
            "Tracegate with TLS against pgbouncer without).", "", "| comparison | measured |", "|---|---|",
            *[f"| {name} | {value} |" for name, value in rows], ""]


def connect_ratio(path: dict | None, bouncer: dict | None) -> float | None:
    """A storm path's connect p50 over pgbouncer's, when both were measured."""
    if not path or not bouncer or not path["connect_p50_ms"] or not bouncer["connect_p50_ms"]:
        return None
    return path["connect_p50_ms"] / bouncer["connect_p50_ms"]


def http_goals(results: dict) -> list[dict]:
    """#25's goals for the HTTP gateway, from the HTTP phase's medians."""
    phase = results.get("http") or {}
    if "summary" not in phase:
        return []
    http = {(s["path"], s["workload"], s["connections"]): s for s in phase["summary"]}
    goals = []
    for workload, title in HTTP_WORKLOADS.items():
        for connections in (8, 64):
            tg = http.get(("tracegate-http", workload, connections))
            goals.append(goal(f"HTTP {title}, {connections} connections: Tracegate (recording + evidence) vs haproxy "
                              "(HTTP mode) (#25)", ">= 0.80 x", tg and tg["vs_haproxy"], lambda v: v >= 0.8, "{:.2f} x"))
    one, direct = http.get(("tracegate-http", "get-1k", 1)), http.get(("direct", "get-1k", 1))
    added = one["p50_us"] - direct["p50_us"] if one and direct and one["p50_us"] and direct["p50_us"] else None
    goals.append(goal("HTTP GET 1 KiB, 1 connection: added p50 latency, Tracegate vs direct (#25)", "<= 150 us", added,
                      lambda v: v <= 150, "{:.0f} us"))
    masked = http.get(("tracegate-http-masking", "get-64k", 8))
    goals.append(goal("HTTP GET 64 KiB, 8 connections: JSON masking vs the same gateway without (#25)", ">= 0.60 x",
                      masked and masked["vs_tracegate"], lambda v: v >= 0.6, "{:.2f} x"))
    return goals


def ledger_goals(results: dict) -> list[dict]:
    """The ledger's goals, from EvidenceLogBenchmark's printed lines (module benchmarks)."""
    lines = [line for b in results.get("jvm_benchmarks") or [] if b.get("class_name", "").endswith("EvidenceLogBenchmark")
             for line in b.get("output") or []]
    if not lines:
        return []
    rates = [float(m.group(1).replace(",", "")) for line in lines
             for m in [re.search(r"durable appends, embedded \((?:leaf log|journal)\)\s+\d+ writers:\s+([\d,]+) events/s", line)] if m]
    verify = next((float(m.group(2)) for line in lines
                   for m in [re.search(r"export ([\d,]+) events: [\d.]+ s; verify: ([\d.]+) s", line)] if m), None)
    events = next((m.group(1) for line in lines for m in [re.search(r"export ([\d,]+) events", line)] if m), "?")
    return [goal("ledger: durable events/s, embedded store (best of 1, 8, 64 writers)", ">= 50,000",
                 max(rates) if rates else None, lambda v: v >= 50_000, "{:,.0f}"),
            goal(f"ledger: verifying an export of {events} events (standalone verifier)", "< 20 s", verify,
                 lambda v: v < 20, "{:.1f} s")]


def goal(name: str, target: str, value, test, pattern: str) -> dict:
    if value is None:
        return {"goal": name, "target": target, "measured": None, "measured_text": "not measured", "met": None}
    return {"goal": name, "target": target, "measured": value, "measured_text": pattern.format(value), "met": bool(test(value))}


# ---------------------------------------------------------------- markdown

def markdown(results: dict) -> str:
    out = [f"# Tracegate benchmarks: {results['started']}", ""]
    out += [f"Mode: **{results['mode']}**; {results['duration_minutes']:.1f} minutes. "
            f"Produced by `bench/run{' --quick' if results['mode'] == 'quick' else ''}`; method in docs/benchmarks.md.", ""]
    out += environment_section(results)
    out += notices_section(results)
    out += ["## Goals", "", "Reported, not asserted.", "", "| goal | target | measured | met |", "|---|---|---|---|"]
    for g in results["goals"]:
        met = "n/a" if g["met"] is None else ("yes" if g["met"] else "**no**")
        out.append(f"| {g['goal']} | {g['target']} | {g['measured_text']} | {met} |")
    out.append("")
    out += like_for_like_lines(results)
    out += tables(results)
    out += mysql_section(results)
    out += jvm_section(results)
    out += profile_section(results)
    out += http_profile_section(results)
    return "\n".join(out).rstrip() + "\n"


def tables(results: dict) -> list[str]:
    """The figures shared by the results file and docs/benchmarks.md."""
    return (pgbench_section(results) + large_section(results) + storm_section(results) + http_section(results)
            + account_phase.markdown(results.get("account") or {}))


def environment_section(results: dict) -> list[str]:
    env = results["environment"]
    out = ["## Machine and versions", ""]
    for key, value in env.items():
        out.append(f"- {key}: {value}")
    out.append("")
    settings = results["settings"]
    out.append("Settings: " + "; ".join(f"{k} {v}" for k, v in settings.items()) + ".")
    out.append("")
    notes = results.get("route_notes") or {}
    if notes:
        out += ["Paths:", ""]
        out += [f"- {results['routes'].get(name, name)}: {note}" for name, note in notes.items()]
        out.append("")
    return out


def notices_section(results: dict) -> list[str]:
    if not results["notices"]:
        return []
    out = ["## Notices", ""]
    out += [f"- {notice}" for notice in results["notices"]]
    out.append("")
    return out


def pgbench_section(results: dict) -> list[str]:
    phase = results.get("pgbench")
    if not phase:
        return []
    labels = results["routes"]
    out = ["## PostgreSQL throughput and latency (pgbench)", "",
           f"Median of {phase['rounds']} interleaved rounds of {phase['seconds']} s per point (tps range over rounds in "
           "brackets). Latency is pgbench's average per transaction. Ratios compare tps. Proxy CPU is the CPU time the "
           "proxy process used per transaction (pgbouncer, haproxy, the gateway JVM).", ""]
    for script, title in (("select-only", "select-only (`pgbench -S`)"), ("tpcb-like", "TPC-B-like (pgbench default)"),
                          ("select-text", "select-text (`-S` plus a text column holding personal data)")):
        rows = [s for s in phase["summary"] if s["script"] == script]
        if not rows:
            continue
        out += [f"### {title}", "",
                "| clients | path | tps | avg latency | x direct | x pgbouncer | x haproxy | x Tracegate | proxy CPU / tx |",
                "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
        for s in sorted(rows, key=lambda s: (s["clients"], route_order(results, s["route"]))):
            if s["tps"] is None:
                out.append(f"| {s['clients']} | {labels.get(s['route'], s['route'])} | failed: {'; '.join(s['errors'])} "
                           "| | | | | | |")
                continue
            spread = f" ({s['tps_min']:,.0f}-{s['tps_max']:,.0f})" if s["tps_min"] != s["tps_max"] else ""
            out.append(f"| {s['clients']} | {labels.get(s['route'], s['route'])} | {s['tps']:,.0f}{spread} | "
                       f"{s['latency_ms']:.3f} ms | {ratio_text(s['vs_direct'])} | {ratio_text(s['vs_pgbouncer'])} | "
                       f"{ratio_text(s['vs_haproxy'])} | {ratio_text(s.get('vs_tracegate'))} | "
                       f"{fmt(s['proxy_cpu_us_per_tx'], '{:.0f} us')} |")
        out.append("")
    return out


def route_order(results: dict, route: str) -> int:
    names = list(results["routes"])
    return names.index(route) if route in names else len(names)


def large_section(results: dict) -> list[str]:
    phase = results.get("large_results")
    if not phase:
        return []
    labels = results["routes"]
    out = ["## Large results", "",
           f"`SELECT g, md5(g::text) FROM generate_series(1, N) g` through psql, output discarded: **copy** is "
           f"`COPY (...) TO STDOUT`, **cursor** is the SELECT with `FETCH_COUNT={phase['fetch_count']}` (DataRow messages). "
           f"Median of {phase['rounds']} rounds. Gateway RSS is sampled every 20 ms from /proc while the result flows; "
           "this phase runs on fresh gateway processes, the smaller result first." + long_running_memory(results), "",
           "| method | path | rows | time | MB/s | x direct | gateway RSS before -> peak |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for s in sorted(phase["summary"], key=lambda s: (s["method"], -s["rows"], route_order(results, s["route"]))):
        if s["seconds"] is None:
            out.append(f"| {s['method']} | {labels.get(s['route'], s['route'])} | {s['rows']:,} | failed: "
                       f"{'; '.join(s['errors'])} | | | |")
            continue
        rss = "" if s["gateway_rss_peak_mb"] is None else \
            f"{s['gateway_rss_before_mb']:.0f} -> {s['gateway_rss_peak_mb']:.0f} MB"
        out.append(f"| {s['method']} | {labels.get(s['route'], s['route'])} | {s['rows']:,} | {s['seconds']:.2f} s | "
                   f"{s['mb_per_second']:.1f} | {ratio_text(s['vs_direct'])} | {rss} |")
    out.append("")
    return out


def long_running_memory(results: dict) -> str:
    memory = (results.get("gateway_memory_after_pgbench_mb") or {}).get("gateway")
    if not memory:
        return ""
    return (f" The gateway that had served the pgbench phase was at {memory.get('VmRSS', 0):.0f} MB RSS "
            f"(peak {memory.get('VmHWM', 0):.0f} MB) when it was replaced.")


def storm_section(results: dict) -> list[str]:
    phase = results.get("storm")
    if not phase:
        return []
    labels = results["routes"]
    out = ["## Connection storm", "",
           f"{phase['clients']} clients (threads of one JVM, pgjdbc 42.7.14) released at once; each opens a connection, "
           f"runs `SELECT 1` and closes. Connect = until the connection is ready for queries; answered = until the "
           f"SELECT's result arrived. Median over {phase['rounds']} storms of each storm's percentile"
           + (", after one storm per path that is not counted (the gateway's JIT compiles its connection paths in the "
              "first; a freshly started gateway's figures are in the results file's `warm_up_runs`)."
              if phase.get("warm_up_runs") else "."), "",
           "Proxy CPU is what the proxy process spent per connection; client CPU what the client JVM spent (TLS "
           "handshakes cost it too, on the same two cores).", "",
           "| path | connect p50 | connect p99 | answered p99 | whole storm | errors | proxy CPU / conn | client CPU / conn |",
           "|---|---:|---:|---:|---:|---|---:|---:|"]
    for s in sorted(phase["summary"], key=lambda s: route_order(results, s["route"])):
        errors = str(s["errors"])
        if s["error_messages"]:
            errors += " (" + "; ".join(f"{count}x {message}" for message, count in s["error_messages"].items()) + ")"
        out.append(f"| {labels.get(s['route'], s['route'])} | {fmt(s['connect_p50_ms'], '{:.1f} ms')} | "
                   f"{fmt(s['connect_p99_ms'], '{:.1f} ms')} | {fmt(s['answered_p99_ms'], '{:.1f} ms')} | "
                   f"{fmt(s['wall_ms'], '{:,.0f} ms')} | {errors} | {fmt(s['proxy_cpu_ms_per_connection'], '{:.2f} ms')} | "
                   f"{fmt(s['client_cpu_ms_per_connection'], '{:.2f} ms')} |")
    out.append("")
    return out


def mysql_section(results: dict) -> list[str]:
    """The MySQL phase: sysbench's point select direct to MariaDB and through the gateway's MySQL listener."""
    phase = results.get("mysql")
    if not phase or "summary" not in phase:
        return []
    labels = phase["paths"]
    order = list(labels)
    out = ["## MySQL throughput and latency (sysbench)", "",
           f"`sysbench {phase['workload']}` ({phase.get('server', 'MariaDB')}, {phase['rows']:,} rows, the server's own "
           f"on loopback; one `SELECT c FROM sbtest1 WHERE id = ?` per event, the id inlined, in autocommit), "
           f"{phase['rounds']} interleaved rounds of {phase['seconds']} s per point; queries/s is the median over rounds "
           "(range in brackets), latency sysbench's average per query. Gateway CPU is the gateway process's CPU time "
           "per query (relay, classification, recording, evidence).", ""]
    notes = phase.get("notes") or {}
    if notes:
        out += ["Paths:", ""] + [f"- {labels[name]}: {note}" for name, note in notes.items()] + [""]
    out += ["| clients | path | queries/s | avg latency | x direct | gateway CPU / query |", "|---:|---|---:|---:|---:|---:|"]
    for s in sorted(phase["summary"], key=lambda s: (s["clients"], order.index(s["path"]) if s["path"] in order else 99)):
        label = labels.get(s["path"], s["path"])
        if s["queries_per_second"] is None:
            out.append(f"| {s['clients']} | {label} | failed: {'; '.join(s['errors'])} | | | |")
            continue
        if s["latency_ms"] is None:
            out.append(f"| {s['clients']} | {label} | {s['queries_per_second']:,.0f} | n/a | | |")
            continue
        spread = f" ({s['qps_min']:,.0f}-{s['qps_max']:,.0f})" if s["qps_min"] != s["qps_max"] else ""
        out.append(f"| {s['clients']} | {label} | {s['queries_per_second']:,.0f}{spread} | {s['latency_ms']:.3f} ms | "
                   f"{ratio_text(s['vs_direct'])} | {fmt(s['proxy_cpu_us_per_query'], '{:.0f} us')} |")
    out.append("")
    return out


def jvm_section(results: dict) -> list[str]:
    phase = results.get("jvm_benchmarks")
    if phase is None:
        return []
    out = ["## Module benchmarks (evidence log, masking, ...)", ""]
    if not phase:
        out += ["No `*/src/test/java/**/*Benchmark.java` found.", ""]
        return out
    for r in phase:
        out += [f"### {r['class_name']} ({r['module']}, {'JMH' if r['kind'] == 'jmh' else 'main'}"
                f"{', ' + format(r['seconds'], '.0f') + ' s' if r['seconds'] else ''})", ""]
        if r["error"]:
            out += [f"Error: {r['error']}", ""]
        if r["scores"]:
            out += ["| benchmark | mode | score | error | unit |", "|---|---|---:|---:|---|"]
            for s in r["scores"]:
                out.append(f"| {s['benchmark']} | {s['mode']} | {s['score']:,.3f} | {s['error']:,.3f} | {s['unit']} |")
            out.append("")
        if r["output"]:
            out += ["```", *r["output"], "```", ""]
    return out


def profile_section(results: dict) -> list[str]:
    profiles = results.get("profiles")
    if not profiles:
        return []
    out = ["## Where the gateway spends its CPU (JFR)", "",
           "Recorded after the measured phases with JFR `settings=profile`; not part of the figures above. Each table "
           "counts execution samples: by the package of the top frame, by top frame (self time), and by the innermost "
           "Tracegate frame on the stack (the Tracegate code that led there).", ""]
    for profile in profiles:
        out += [f"### pgbench -S, {profile['clients']} client{'s' if profile['clients'] != 1 else ''}, "
                f"{profile['seconds']} s", ""]
        out += profile_tables(profile, f"Through {results['routes'].get(profile['route'], profile['route'])}: "
                                       f"{fmt(profile.get('tps'))} tps", "transaction")
    return out


def profile_tables(profile: dict, load: str, unit: str) -> list[str]:
    """One profile: what the load achieved ({load}), where each {unit}'s CPU went, then where the samples fell."""
    if profile.get("error") and not profile.get("samples"):
        return [f"Profile failed: {profile['error']}", ""]
    out = [f"{load}, gateway process busy {fmt(profile['gateway_cpu_cores'], '{:.2f}')} cores, "
           f"{profile['samples']:,} execution samples.", ""]
    out += cpu_per_unit_table(profile.get("cpu_per_unit"), unit)
    for key, title in (("packages", "Top frame by package"), ("top_frames", "Top frames (self time)"),
                       ("tracegate_frames", "Innermost Tracegate frame on the stack")):
        out += [f"{title}:", "", "| frame | samples | share |", "|---|---:|---:|"]
        for entry in profile.get(key, []):
            out.append(f"| `{entry['frame']}` | {entry['samples']:,} | {entry['percent']:.1f} % |")
        out.append("")
    return out


def cpu_per_unit_table(rows: list[dict] | None, unit: str) -> list[str]:
    """The gateway's CPU per unit by component: each thread group's CPU (/proc) split by its own samples."""
    if not rows:
        return []
    total = sum(row["us"] for row in rows)
    out = [f"Gateway CPU per {unit} by component, {total:,.1f} us in all: each thread group's CPU over the profiled "
           "load (from /proc): its user time split by where that group's own execution samples fell (the innermost frame "
           "that names a component), its kernel time (system calls, which JFR does not sample) a row of its own; groups "
           "with no Java samples (the poller, GC, the JIT) are one row each.", "",
           f"| component | us per {unit} | share | thread groups |", "|---|---:|---:|---|"]
    for row in rows:
        out.append(f"| {row['component']} | {row['us']:.1f} | {row['percent']:.1f} % | {', '.join(row['threads'])} |")
    return out + [""]


HTTP_WORKLOADS = {"get-1k": "GET 1 KiB", "get-64k": "GET 64 KiB", "post-1k": "POST 1 KiB"}


def http_section(results: dict) -> list[str]:
    phase = results.get("http")
    if not phase or "summary" not in phase:
        return []
    labels = phase["paths"]
    order = list(labels)
    out = ["## HTTP throughput and latency (wrk)", "",
           f"wrk with keep-alive connections (threads: min(connections, 2)), {phase['rounds']} interleaved rounds of "
           f"{phase['seconds']} s per point; req/s is the median over rounds (range in brackets), each percentile the "
           "median of the rounds' percentiles. The upstream is one JSON service (Jetty) serving 1 KiB and 64 KiB "
           f"documents of orders with names, e-mails, phones and card numbers; POST sends a {phase['post_bytes']}-byte JSON "
           "trace holding personal data and gets 201 with a small JSON body. Ratios compare req/s. CPU per request: "
           "the proxy process (haproxy, the gateway JVM), the upstream and wrk, from /proc and getrusage.", "",
           "Paths:", ""]
    out += [f"- {labels[name]}: {note}" for name, note in phase.get("notes", {}).items()]
    out.append("")
    for workload, title in HTTP_WORKLOADS.items():
        rows = [s for s in phase["summary"] if s["workload"] == workload]
        if not rows:
            continue
        out += [f"### {title}", "",
                "| conn | path | req/s | p50 | p90 | p99 | x direct | x haproxy | x Tracegate | proxy CPU / req "
                "| upstream CPU / req | wrk CPU / req |",
                "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for s in sorted(rows, key=lambda s: (s["connections"], order.index(s["path"]) if s["path"] in order else 99)):
            label = labels.get(s["path"], s["path"])
            if s["requests_per_second"] is None:
                out.append(f"| {s['connections']} | {label} | failed: {'; '.join(s['errors'])} | | | | | | | | | |")
                continue
            spread = f" ({s['rps_min']:,.0f}-{s['rps_max']:,.0f})" if s["rps_min"] != s["rps_max"] else ""
            out.append(f"| {s['connections']} | {label} | {s['requests_per_second']:,.0f}{spread} | "
                       f"{fmt(s['p50_us'], '{:,.0f} us')} | {fmt(s['p90_us'], '{:,.0f} us')} | "
                       f"{fmt(s['p99_us'], '{:,.0f} us')} | {ratio_text(s['vs_direct'])} | {ratio_text(s['vs_haproxy'])} | "
                       f"{ratio_text(s['vs_tracegate'])} | {fmt(s['proxy_cpu_us_per_request'], '{:.0f} us')} | "
                       f"{fmt(s['upstream_cpu_us_per_request'], '{:.0f} us')} | "
                       f"{fmt(s['client_cpu_us_per_request'], '{:.0f} us')} |")
        out.append("")
    return out


def http_profile_section(results: dict) -> list[str]:
    profiles = (results.get("http") or {}).get("profiles")
    if not profiles:
        return []
    labels = results["http"]["paths"]
    out = ["## Where the HTTP gateway spends its CPU (JFR)", "",
           "Recorded after the HTTP phase's measured rounds, as for PostgreSQL above.", ""]
    for profile in profiles:
        out += [f"### wrk {HTTP_WORKLOADS.get(profile['workload'], profile['workload'])}, {profile['connections']} "
                f"connections, {profile['seconds']} s", ""]
        out += profile_tables(profile, f"Through {labels.get(profile['path'], profile['path'])}: "
                                       f"{fmt(profile.get('requests_per_second'))} req/s, proxy CPU "
                                       f"{fmt(profile.get('proxy_cpu_us_per_request'), '{:.0f} us')} per request",
                              "request")
    return out


# ---------------------------------------------------------------- files

def to_jsonable(value):
    if dataclasses.is_dataclass(value):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def write(results: dict, directory: Path, stem: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    data = to_jsonable(results)
    data["goals"] = judge_goals(data)
    json_file = directory / f"{stem}.json"
    json_file.write_text(json.dumps(data, indent=2) + "\n")
    md_file = directory / f"{stem}.md"
    md_file.write_text(markdown(data))
    return md_file, json_file


def update_docs(results_json: Path, docs: Path, partial: bool = False) -> bool:
    """Replaces the generated parts of docs/benchmarks.md (between their markers) with this run's tables.

    The MySQL phase has a block of its own, so that a run of that phase alone (`--only mysql`) replaces
    its table and leaves the others' figures as they were; the main block is replaced by runs of the others.
    """
    data = json.loads(results_json.read_text())
    text = docs.read_text()
    replaced = False
    if "mysql" in data["phases"]:
        text, done = replace_between(text, "<!-- bench:mysql:start -->", "<!-- bench:mysql:end -->",
                                     mysql_docs_block(data, results_json))
        replaced = replaced or done
    if set(data["phases"]) - {"mysql"}:
        shown, shown_json = data, results_json
        base = latest_results_shown(text, results_json.parent)
        if base is not None and partial:
            shown, shown_json = merged_onto(base, data, results_json)
        text, done = replace_between(text, "<!-- bench:results:start -->", "<!-- bench:results:end -->",
                                     main_docs_block(shown, shown_json))
        replaced = replaced or done
    docs.write_text(text)
    return replaced


# What a run records that is not a phase's figures: kept from the run each figure came from.
RUN_KEYS = {"started", "mode", "phases", "notices", "plan", "environment", "settings", "routes", "route_notes",
            "duration_minutes", "goals", "measured_in"}
def latest_results_shown(docs_text: str, results_dir: Path) -> dict | None:
    """The results the generated block of docs/benchmarks.md shows now (its first results file), if readable."""
    _, _, block = docs_text.partition("<!-- bench:results:start -->")
    found = re.search(r"`bench/results/([^`]+)\.md`", block.partition("<!-- bench:results:end -->")[0])
    source = found and results_dir / f"{found.group(1)}.json"
    return json.loads(source.read_text()) if source and source.exists() else None


def merged_onto(base: dict, partial: dict, partial_json: Path) -> tuple[dict, Path]:
    """
    A partial run's figures laid over the results the docs show, so that `--only pgbench --update-docs`
    replaces the pgbench tables and goals and keeps every other phase's figures and their date. Written
    next to the partial run as <stem>-merged.json (and .md), which the docs then name.
    """
    merged = {key: value for key, value in base.items() if key != "goals"}
    measured_in = dict(base.get("measured_in") or {phase: base["started"] for phase in base["phases"]})
    for key, value in partial.items():
        if key in RUN_KEYS:
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            # Two phases may write one key (`http` and `http-profile` both write "http"): a run of one
            # replaces what it measured and keeps what the other measured before.
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    for phase in partial["phases"]:
        measured_in[phase] = partial["started"]
    merged["phases"] = list(measured_in)
    merged["measured_in"] = measured_in
    merged["notices"] = list(base.get("notices", [])) + list(partial.get("notices", []))
    merged["goals"] = judge_goals(merged)
    stem = partial_json.stem + "-merged"
    out = partial_json.parent / f"{stem}.json"
    out.write_text(json.dumps(merged, indent=2) + "\n")
    (partial_json.parent / f"{stem}.md").write_text(markdown(merged))
    return merged, out


def replace_between(text: str, start: str, end: str, generated: str) -> tuple[str, bool]:
    if start not in text or end not in text:
        return text, False
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{generated}\n{end}{tail}", True


def mysql_docs_block(data: dict, results_json: Path) -> str:
    env = data["environment"]
    load = " at its start, ".join(" ".join(env[key]) for key in ("load average at start", "load average at end") if key in env)
    body = [f"Latest {data['mode']} run of the MySQL phase: {data['started']} (`bench/results/{results_json.stem}.md`), "
            f"{env.get('cpu', '')}, load average {load or 'unknown'} at its end (the machine is shared).", ""]
    body += [line.replace("## ", "### ", 1) if line.startswith("## ") else line for line in mysql_section(data)]
    return "\n".join(body).rstrip()


def main_docs_block(data: dict, results_json: Path) -> str:
    body = [f"Latest {data['mode']} run: {data['started']} (`bench/results/{results_json.stem}.md`), "
            f"{data['environment'].get('cpu', '')}.", ""]
    if data.get("measured_in"):
        dates = {}
        for phase, started in data["measured_in"].items():
            dates.setdefault(started, []).append(phase)
        body[0] = (f"Figures of several {data['mode']} runs (`bench/results/{results_json.stem}.md`), "
                   f"{data['environment'].get('cpu', '')}: "
                   + "; ".join(f"{', '.join(phases)} measured {started}" for started, phases in sorted(dates.items()))
                   + ".")
    body += ["| goal | target | measured | met |", "|---|---|---|---|"]
    for g in data["goals"]:
        met = "n/a" if g["met"] is None else ("yes" if g["met"] else "**no**")
        body.append(f"| {g['goal']} | {g['target']} | {g['measured_text']} | {met} |")
    body.append("")
    body += like_for_like_lines(data)
    if data["notices"]:
        body += ["Notices:", "", *[f"- {notice}" for notice in data["notices"]], ""]
    body += [line.replace("## ", "### ", 1) if line.startswith("## ") else
             line.replace("### ", "#### ", 1) if line.startswith("### ") else line for line in tables(data)]
    return "\n".join(body).rstrip()
