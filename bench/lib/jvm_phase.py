"""The modules' own benchmarks (evidence log, masking, ...), found by convention and run here.

Convention (docs/benchmarks.md): any `<module>/src/test/java/**/*Benchmark.java`.
- If the class has JMH `@Benchmark` methods, it runs through JMH (`org.openjdk.jmh.Main`, the
  module declares jmh-core and the annotation processor as test dependencies) and its scores
  come from JMH's JSON result.
- Otherwise it must have a `public static void main`; it runs as a plain program and every
  line it prints is a figure for the report. In quick mode it gets TRACEGATE_BENCH_QUICK=1 in
  its environment, so it can shrink itself.
Optional per-class arguments and time limits live in bench/config/jvm-benchmarks.properties.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from progress import say


@dataclasses.dataclass
class JvmBenchmark:
    module: str
    class_name: str
    source: Path
    kind: str  # "jmh" or "main"


@dataclasses.dataclass
class JvmBenchmarkResult:
    module: str
    class_name: str
    kind: str
    seconds: float | None = None
    output: list[str] = dataclasses.field(default_factory=list)
    scores: list[dict] = dataclasses.field(default_factory=list)
    error: str | None = None


def discover(repo: Path) -> list[JvmBenchmark]:
    found = []
    for source in sorted(repo.glob("*/src/test/java/**/*Benchmark.java")):
        module = source.relative_to(repo).parts[0]
        if module == "bench":
            continue
        relative = source.relative_to(repo / module / "src/test/java")
        class_name = ".".join(relative.with_suffix("").parts)
        text = source.read_text(errors="replace")
        if re.search(r"@Benchmark\b", text):
            kind = "jmh"
        elif re.search(r"public\s+static\s+void\s+main\s*\(", text):
            kind = "main"
        else:
            continue
        found.append(JvmBenchmark(module, class_name, source, kind))
    return found


def read_properties(file: Path) -> dict[str, str]:
    values = {}
    if file.exists():
        for line in file.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


class ModuleClasspath:
    """A module's test class path, with its own classes copied aside so a concurrent rebuild cannot change them mid-run."""

    def __init__(self, repo: Path, module: str, work: Path, java_home: Path):
        self.repo = repo
        self.module = module
        self.work = work / "jvm-classpath" / module
        self.java_home = java_home

    def build(self) -> str:
        target = self.repo / self.module / "target"
        if not (target / "test-classes").is_dir():
            raise RuntimeError(f"{self.module}/target/test-classes is missing: build the project first")
        self.work.mkdir(parents=True, exist_ok=True)
        dependencies = self.work / "dependencies.txt"
        env = {**os.environ, "JAVA_HOME": str(self.java_home),
               "MAVEN_OPTS": os.environ.get("MAVEN_OPTS", "") + " --sun-misc-unsafe-memory-access=allow"}
        result = subprocess.run(["./mvnw", "-q", "-B", "-o", "-pl", self.module, "dependency:build-classpath",
                                 "-Dmdep.includeScope=test", f"-Dmdep.outputFile={dependencies}"],
                                cwd=self.repo, env=env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
            raise RuntimeError(f"could not resolve the test class path of {self.module}: {' '.join(tail)}")
        for folder in ("classes", "test-classes"):
            if (target / folder).is_dir():
                shutil.copytree(target / folder, self.work / folder, dirs_exist_ok=True)
        entries = [self.own_build(entry) for entry in dependencies.read_text().strip().split(":") if entry]
        return ":".join([str(self.work / "test-classes"), str(self.work / "classes"), *entries])

    def own_build(self, entry: str) -> str:
        """The project's own modules come from this work tree's build, never from a jar someone installed in ~/.m2."""
        match = re.search(r"/dev/tracegate/tracegate-([a-z]+)/", entry)
        if match:
            classes = self.repo / match.group(1) / "target/classes"
            if classes.is_dir():
                copy = self.work / f"module-{match.group(1)}"
                shutil.copytree(classes, copy, dirs_exist_ok=True)
                return str(copy)
        return entry


def run_all(repo: Path, work: Path, java_home: Path, quick: bool, settings_file: Path) -> list[JvmBenchmarkResult]:
    benchmarks = discover(repo)
    if not benchmarks:
        say("  no module benchmarks found (convention: <module>/src/test/java/**/*Benchmark.java)")
        return []
    settings = read_properties(settings_file)
    classpaths: dict[str, str | Exception] = {}
    results = []
    for benchmark in benchmarks:
        result = JvmBenchmarkResult(benchmark.module, benchmark.class_name, benchmark.kind)
        results.append(result)
        if benchmark.module not in classpaths:
            try:
                classpaths[benchmark.module] = ModuleClasspath(repo, benchmark.module, work, java_home).build()
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                classpaths[benchmark.module] = e
        classpath = classpaths[benchmark.module]
        if isinstance(classpath, Exception):
            result.error = str(classpath)
            say(f"  {benchmark.class_name}: SKIPPED {result.error}")
            continue
        say(f"  {benchmark.class_name} ({benchmark.kind}) ...")
        timeout = float(settings.get(f"{benchmark.class_name}.timeoutSeconds", "180" if quick else "420"))
        started = time.monotonic()
        if benchmark.kind == "jmh":
            run_jmh(benchmark, classpath, java_home, quick, work, timeout, settings, result)
        else:
            run_main(benchmark, classpath, java_home, quick, timeout, settings, result)
        result.seconds = time.monotonic() - started
        if result.error:
            say(f"    ERROR {result.error}")
        for line in result.output:
            say(f"    {line}")
        for score in result.scores:
            say(f"    {score['benchmark']}: {score['score']:,.3f} ± {score['error']:,.3f} {score['unit']}")
    return results


def run_main(benchmark: JvmBenchmark, classpath: str, java_home: Path, quick: bool, timeout: float,
             settings: dict[str, str], result: JvmBenchmarkResult) -> None:
    args = settings.get(f"{benchmark.class_name}.{'quickArgs' if quick else 'args'}", "").split()
    env = {**os.environ}
    if quick:
        env["TRACEGATE_BENCH_QUICK"] = "1"
    try:
        completed = subprocess.run([str(java_home / "bin/java"), "-cp", classpath, benchmark.class_name, *args],
                                   capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        result.output = printed_lines(e.stdout)
        result.error = f"did not finish within {timeout:.0f} s"
        return
    result.output = printed_lines(completed.stdout)
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()
        result.error = f"exit status {completed.returncode}: {tail[-1] if tail else ''}"


def run_jmh(benchmark: JvmBenchmark, classpath: str, java_home: Path, quick: bool, work: Path, timeout: float,
            settings: dict[str, str], result: JvmBenchmarkResult) -> None:
    report = work / "jmh" / f"{benchmark.class_name}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    # Short on purpose: the machine has 2 cores shared with the rest of the run.
    shape = ["-f", "1", "-wi", "1", "-w", "1s", "-i", "2", "-r", "1s"] if quick else \
            ["-f", "1", "-wi", "2", "-w", "2s", "-i", "3", "-r", "3s"]
    extra = settings.get(f"{benchmark.class_name}.{'quickArgs' if quick else 'args'}", "").split()
    command = [str(java_home / "bin/java"), "-cp", classpath, "org.openjdk.jmh.Main", f"^{re.escape(benchmark.class_name)}\\.",
               *shape, *extra, "-rf", "json", "-rff", str(report)]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        result.error = f"did not finish within {timeout:.0f} s"
        return
    if completed.returncode != 0 or not report.exists():
        tail = (completed.stdout + completed.stderr).strip().splitlines()
        result.error = f"exit status {completed.returncode}: {tail[-1] if tail else ''}"
        return
    for entry in json.loads(report.read_text()):
        metric = entry["primaryMetric"]
        name = entry["benchmark"].removeprefix(benchmark.class_name + ".")
        if entry.get("params"):
            name += "(" + ", ".join(f"{k}={v}" for k, v in entry["params"].items()) + ")"
        error = metric.get("scoreError")
        result.scores.append({"benchmark": name, "mode": entry["mode"], "score": metric["score"],
                              "error": error if isinstance(error, (int, float)) else 0.0, "unit": metric["scoreUnit"]})


def printed_lines(stdout: str | bytes | None) -> list[str]:
    if stdout is None:
        return []
    if isinstance(stdout, bytes):
        stdout = stdout.decode(errors="replace")
    return [line.rstrip() for line in stdout.splitlines() if line.strip()]
