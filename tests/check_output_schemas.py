#!/usr/bin/python3
"""Checks fleetsim's JSON outputs against their schemas with a standard
validator (Python's jsonschema, Draft 7):

- the report of every shipped scenario and every variant (between them they
  use each optional section: tool pools, KV tiers, autoscaling, failures,
  purchase options, roles, trace replay) passes docs/report.schema.json;
- the JSON lines of a small sweep pass docs/sweep.schema.json;
- a report or a sweep row with one thing wrong (a figure missing, a figure
  given as text, a key the format lacks) fails, so that the schemas can fail.

Usage: check_output_schemas.py FLEETSIM SOURCE_DIR [REPORTS_DIR]
REPORTS_DIR: the reports the shipped reports' fixture wrote (NAME.json,
NAME.json.err, NAME.json.exit for NAME = file stem, "--VARIANT" for a
variant; tests/support/shipped_reports.hpp), read instead of running each
scenario here. Its stamp must match FLEETSIM and the shipped scenarios.
Needs Debian's python3-jsonschema and python3-yaml (scripts/install-deps.sh --test).
"""
import copy
import json
import os
import pathlib
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as e:
    sys.exit(f"check_output_schemas: {e}; run scripts/install-deps.sh --test")


def validator(source, name):
    schema = json.loads((source / "docs" / name).read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def runs(source):
    """(label, scenario, variant or None, fixture name) for every shipped scenario and variant."""
    for path in sorted((source / "scenarios").glob("*.yaml")):
        yield path.name, path, None, path.stem
        for variant in (yaml.safe_load(path.read_text()).get("variants") or {}):
            yield f"{path.name} --variant {variant}", path, variant, f"{path.stem}--{variant}"


def fingerprint(fleetsim, source):
    """What the fixture's stamp holds (tests/support/shipped_reports.cpp)."""
    files = [str(fleetsim)] + sorted(str(p) for p in (source / "scenarios").rglob("*") if p.is_file())
    return "".join(f"{os.stat(f).st_size} {os.stat(f).st_mtime_ns} {f}\n" for f in files)


def report_of(fleetsim, scenario, variant, name, fixture, out):
    """(exit code, report path, stderr) of one run: the fixture's, or run here."""
    if fixture:
        made = fixture / f"{name}.json"
        exit_file = made.with_name(made.name + ".exit")
        if not exit_file.exists():
            return None, made, f"the fixture left no {exit_file.name}"
        return int(exit_file.read_text()), made, made.with_name(made.name + ".err").read_text()
    command = [fleetsim, "run", str(scenario), "--format", "json", "--no-progress", "-o", str(out)]
    if variant:
        command += ["--variant", variant]
    done = subprocess.run(command, capture_output=True, text=True)
    return done.returncode, out, done.stderr


def errors_of(v, document, label):
    return [f"{label}: {'.'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in v.iter_errors(document)][:3]


def broken_reports(report):
    def without_nodes(r):
        del r["fleet"]["nodes"]

    def cost_as_text(r):
        r["pools"][0]["cost_usd"] = "12 USD"

    def unknown_key(r):
        r["workloads"][0]["cost_per_agent"] = 1.0

    def other_schema(r):
        r["schema"] = "fleetsim.report/2"

    for change in (without_nodes, cost_as_text, unknown_key, other_schema):
        r = copy.deepcopy(report)
        change(r)
        yield change.__name__, r


def main():
    fleetsim, source = sys.argv[1], pathlib.Path(sys.argv[2])
    fixture = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else None
    if fixture:
        stamp = fixture / "complete"
        if not stamp.exists() or stamp.read_text() != fingerprint(fleetsim, source):
            sys.exit(f"check_output_schemas: the reports in {fixture} are missing or older than {fleetsim} "
                     "or its scenarios: run the fixture (ctest without -FE)")
    report_schema = validator(source, "report.schema.json")
    sweep_schema = validator(source, "sweep.schema.json")
    failures = []
    reports = 0
    with tempfile.TemporaryDirectory() as scratch:
        out = pathlib.Path(scratch) / "report.json"
        first = None
        for label, scenario, variant, name in runs(source):
            code, made, stderr = report_of(fleetsim, scenario, variant, name, fixture, out)
            if code != 0:
                failures.append(f"{label}: fleetsim run exits {code}: {stderr[-300:]}")
                continue
            report = json.loads(made.read_text())
            failures += errors_of(report_schema, report, label)
            first = first or report
            reports += 1
        for what, broken in broken_reports(first):
            if report_schema.is_valid(broken):
                failures.append(f"the report schema accepts a report with {what}")

        jsonl = pathlib.Path(scratch) / "sweep.jsonl"
        sweep = subprocess.run([fleetsim, "sweep", str(source / "scenarios" / "quickstart.yaml"),
                                "--set", "fleet.pools.h100.count=1,2", "--set", "simulation.duration=5min",
                                "--set", "simulation.warmup=1min", "-r", "2", "-j", "2", "--no-progress",
                                "--jsonl", str(jsonl), "-o", str(pathlib.Path(scratch) / "sweep.csv")],
                               capture_output=True, text=True)
        if sweep.returncode != 0:
            failures.append(f"fleetsim sweep exits {sweep.returncode}: {sweep.stderr[-300:]}")
        rows = [json.loads(line) for line in jsonl.read_text().splitlines()] if jsonl.exists() else []
        if len(rows) != 2:
            failures.append(f"the sweep wrote {len(rows)} rows, not 2")
        for i, row in enumerate(rows):
            failures += errors_of(sweep_schema, row, f"sweep row {i}")
        if rows:
            broken = copy.deepcopy(rows[0])
            del broken["seeds"]
            if sweep_schema.is_valid(broken):
                failures.append("the sweep schema accepts a row without its seeds")
            broken = copy.deepcopy(rows[0])
            broken["status"] = "maybe"
            if sweep_schema.is_valid(broken):
                failures.append("the sweep schema accepts a status it does not list")

    for f in failures:
        print("FAIL:", f)
    print(f"{reports} reports and {len(rows)} sweep rows checked; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
