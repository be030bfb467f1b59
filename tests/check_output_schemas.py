#!/usr/bin/python3
"""Checks fleetsim's JSON outputs against their schemas with a standard
validator (Python's jsonschema, Draft 7):

- the report of every shipped scenario and every variant (between them they
  use each optional section: tool pools, KV tiers, autoscaling, failures,
  purchase options, roles, trace replay) passes docs/report.schema.json;
- the JSON lines of a small sweep pass docs/sweep.schema.json;
- a report or a sweep row with one thing wrong (a figure missing, a figure
  given as text, a key the format lacks) fails, so that the schemas can fail.

Usage: check_output_schemas.py FLEETSIM SOURCE_DIR
Needs Debian's python3-jsonschema and python3-yaml (scripts/install-deps.sh --test).
"""
import copy
import json
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
    """(label, scenario, variant or None) for every shipped scenario and variant."""
    for path in sorted((source / "scenarios").glob("*.yaml")):
        yield path.name, path, None
        for variant in (yaml.safe_load(path.read_text()).get("variants") or {}):
            yield f"{path.name} --variant {variant}", path, variant


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
    report_schema = validator(source, "report.schema.json")
    sweep_schema = validator(source, "sweep.schema.json")
    failures = []
    reports = 0
    with tempfile.TemporaryDirectory() as scratch:
        out = pathlib.Path(scratch) / "report.json"
        first = None
        for label, scenario, variant in runs(source):
            command = [fleetsim, "run", str(scenario), "--format", "json", "--no-progress", "-o", str(out)]
            if variant:
                command += ["--variant", variant]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                failures.append(f"{label}: fleetsim run exits {done.returncode}: {done.stderr[-300:]}")
                continue
            report = json.loads(out.read_text())
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
