#!/usr/bin/python3
"""Checks the scenario JSON Schema (docs/scenario.schema.json) with a standard
validator (Python's jsonschema, Draft 7):

- the committed schema is what `fleetsim schema` prints (the key tables are
  its one source);
- every shipped scenario, every scenario of the validation suite and of the
  tests' data, and every complete example in the docs validates;
- each shipped scenario names the schema in its yaml-language-server comment;
- a set of broken scenarios (each one mistake made to the quickstart) fails
  the schema, and `fleetsim validate` refuses each of them too, so that the
  schema and the loader agree on what is wrong.

Usage: check_scenario_schema.py FLEETSIM SOURCE_DIR
Needs Debian's python3-jsonschema and python3-yaml (scripts/install-deps.sh --test).
"""
import copy
import json
import pathlib
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as e:
    sys.exit(f"check_scenario_schema: {e}; run scripts/install-deps.sh --test")

SCHEMA_COMMENT = "# yaml-language-server: $schema=../docs/scenario.schema.json"


def doc_examples(source):
    """The complete scenarios of the docs: yaml blocks that start with `name:`."""
    for md in sorted([source / "README.md", *(source / "docs").glob("*.md")]):
        for m in re.finditer(r"```yaml\n(name:.*?)```", md.read_text(), re.S):
            yield f"{md.relative_to(source)} (example at offset {m.start()})", m.group(1)


def good_files(source):
    for path in sorted((source / "scenarios").glob("*.yaml")):
        yield str(path.relative_to(source)), path.read_text()
    for path in sorted([*(source / "validation").rglob("*.yaml"), *(source / "tests" / "data").glob("*.yaml")]):
        text = path.read_text()
        document = yaml.safe_load(text)
        if isinstance(document, dict) and "fleet" in document:  # the suite's manifests are not scenarios
            yield str(path.relative_to(source)), text
    yield from doc_examples(source)


def mistakes():
    """(what, change): one mistake each, made to the quickstart scenario."""
    def pool(s):
        return s["fleet"]["pools"][0]

    def step(s, kind):
        return next(x[kind] for x in s["workloads"][0]["steps"] if kind in x)

    return [
        ("a misspelt pool key", lambda s: pool(s).update(cuont=pool(s).pop("count"))),
        ("a node count that is not a number", lambda s: pool(s).update(count="two")),
        ("a negative node count", lambda s: pool(s).update(count=-1)),
        ("a duration without a unit", lambda s: s["simulation"].update(duration=600)),
        ("a duration in an unknown unit", lambda s: s["simulation"].update(duration="10 fortnights")),
        ("an unknown KV retention policy", lambda s: pool(s).setdefault("engine", {}).update(kv_retention="forever")),
        ("an unknown routing policy", lambda s: s.update(routing=[{"model": "llama-3.1-8b", "policy": "random"}])),
        ("a step with two kinds", lambda s: s["workloads"][0]["steps"][0].update(tool={"latency": "1s"})),
        ("an unknown step kind", lambda s: s["workloads"][0]["steps"].append({"wait": {"latency": "1s"}})),
        ("an unknown distribution", lambda s: step(s, "llm").update(output_tokens={"dist": "zipf", "mean": 3})),
        ("a key the distribution's kind does not take",
         lambda s: step(s, "llm").update(output_tokens={"dist": "exponential", "mean": 100, "sigma": 1})),
        ("an arrival key the process does not take",
         lambda s: s["workloads"][0].update(arrivals={"process": "poisson", "rate": "1/s", "amplitude": 0.5})),
        ("an unknown arrival process", lambda s: s["workloads"][0].update(arrivals={"process": "bursty"})),
        ("the fleet left out", lambda s: s.pop("fleet")),
        ("a variant with an unknown section", lambda s: s.update(variants={"v": {"fleets": {}}})),
        ("a variant pool without its hardware",
         lambda s: s.update(variants={"v": {"fleet": {"pools": [{"name": "gpu", "count": 1, "models": ["m"]}]}}})),
        ("an SLO percentile out of range", lambda s: s["workloads"][0].update(slo={"percentile": 120})),
        ("an unknown power cap response",
         lambda s: s["fleet"].update(power_cap={"power": "20kW", "response": "throttle"})),
        ("a power cap step without its power", lambda s: s["fleet"].update(power_cap={"schedule": [{"at": "0s"}]})),
    ]


def main():
    fleetsim, source = sys.argv[1], pathlib.Path(sys.argv[2])
    failures = []

    committed = (source / "docs" / "scenario.schema.json").read_text()
    generated = subprocess.run([fleetsim, "schema"], check=True, capture_output=True, text=True).stdout
    if committed != generated:
        failures.append("docs/scenario.schema.json differs from `fleetsim schema`; "
                        "regenerate it: fleetsim schema -o docs/scenario.schema.json")
    schema = json.loads(generated)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    checked = 0
    for label, text in good_files(source):
        errors = list(validator.iter_errors(yaml.safe_load(text)))
        for e in errors[:3]:
            failures.append(f"{label}: {'.'.join(map(str, e.absolute_path))}: {e.message[:300]}")
        checked += 1
    for path in sorted((source / "scenarios").glob("*.yaml")):
        if SCHEMA_COMMENT not in path.read_text().splitlines()[:3]:
            failures.append(f"{path.relative_to(source)}: its first lines lack `{SCHEMA_COMMENT}`")

    quickstart = yaml.safe_load((source / "scenarios" / "quickstart.yaml").read_text())
    with tempfile.TemporaryDirectory() as scratch:
        for i, (what, change) in enumerate(mistakes()):
            broken = copy.deepcopy(quickstart)
            change(broken)
            if validator.is_valid(broken):
                failures.append(f"the schema accepts {what}")
            path = pathlib.Path(scratch) / f"mistake-{i}.yaml"
            path.write_text(yaml.safe_dump(broken, sort_keys=False))
            loader = subprocess.run([fleetsim, "validate", str(path)], capture_output=True, text=True)
            if loader.returncode != 1:
                failures.append(f"fleetsim validate exits {loader.returncode}, not 1, on {what}")

    for f in failures:
        print("FAIL:", f)
    print(f"{checked} scenarios and examples checked against the schema, {len(mistakes())} mistakes refused; "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
