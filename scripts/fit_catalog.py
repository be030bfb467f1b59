#!/usr/bin/env python3
"""Fit the catalog's calibrated parameters, and cross-validate the fit.

    scripts/fit_catalog.py fit [--apply]   # fit every group of validation/fit.yaml
    scripts/fit_catalog.py cv [--write-doc docs/validation.md] [--write-evidence src/catalog/evidence.yaml]
                                           # leave-one-source-out cross-validation
    scripts/fit_catalog.py evidence        # src/catalog/evidence.yaml from docs/validation.md's record

validation/fit.yaml names each parameter (a key of one or more catalog
hardware entries, or of serving stacks with `section: stacks`), the groups fitted jointly and the cases of each group: the
cases marked `role: fitted` in validation/cases.yaml, no more and no fewer.
A group's parameters minimise the sum of squared log(simulated / published)
over its cases, by coordinate descent (per parameter, a geometric grid over
its range, then a golden-section search around the best grid point); with
`--polish`, a group of several parameters then takes a Nelder-Mead simplex
search from where the descent stopped (docs/validation.md, round 34: the
catalog's values are the descent's alone). Every evaluation is a `fleetsim validate-model`
run of the group's cases with the trial values laid over the built-in catalog
(`fleetsim --catalog FILE`).

`fit --apply` writes the fitted values into src/catalog/hardware.yaml and
stacks.yaml (rebuild afterwards). `cv` predicts each source's cases with a fit that never saw that
source: for every source that holds fitted cases, each group that used them is
refitted without them (parameters a group can no longer identify fall back to
their prior, the catalog's estimate before fitting), and all of the source's
cases are run with that catalog. Sources without fitted cases are predicted by
the full fit, which never saw them either. The script needs PyYAML
(Debian's python3-yaml) and a built fleetsim (--fleetsim, default build/fleetsim).

`evidence` copies each hardware class's and serving stack's out-of-fold
figures from the recorded block into src/catalog/evidence.yaml, which every
report shows beside the pools that run on them (rebuild afterwards; a test
checks that the two agree).
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
# The CPU regimes' rows of the cross-validation, batched first: the names
# of model_evidence.hpp's kCpuBatchedRegime and kCpuBatchOneRegime, which
# validate-model prints and reports show.
CPU_REGIMES = (("CPU at batch > 1", True), ("CPU at batch 1", False))
BEGIN, END = "<!-- validate-model:begin -->", "<!-- validate-model:end -->"
CV_BEGIN, CV_END = "<!-- fit-catalog-cv:begin -->", "<!-- fit-catalog-cv:end -->"


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


class Suite:
    def __init__(self, fleetsim, validation_dir, jobs, polish_groups=False):
        self.fleetsim = fleetsim
        self.dir = validation_dir
        self.jobs = jobs
        self.polish_groups = polish_groups
        manifest = load(os.path.join(validation_dir, "cases.yaml"))
        self.tolerances = manifest.get("tolerances")
        self.gaps = manifest.get("gaps")
        self.cases = {c["id"]: c for c in manifest["cases"]}
        # One small manifest per set of cases evaluated together: fleetsim
        # then reads a few cases, not the whole suite's manifest, at every
        # evaluation (reading it was most of a small group's evaluation).
        self.subsets = {}
        self.regimes = {}  # case id -> "served on" of its last run ("cpu 8.0")
        self.subset_dir = tempfile.TemporaryDirectory(prefix="fit-catalog-")
        self.spec = load(os.path.join(validation_dir, "fit.yaml"))
        self.params = self.spec["parameters"]
        self.groups = self.spec["groups"]
        self.evaluations = 0
        self.check_spec()

    def check_spec(self):
        fitted = {i for i, c in self.cases.items() if c["role"] == "fitted"}
        in_groups = {i for g in self.groups for i in g["cases"]}
        by_hand = set(self.spec.get("scenario_fitted", {}) or {})
        unknown = (in_groups | by_hand) - set(self.cases)
        if unknown:
            sys.exit(f"fit.yaml names cases that cases.yaml lacks: {sorted(unknown)}")
        if in_groups | by_hand != fitted:
            sys.exit("fit.yaml and cases.yaml disagree on the fitted cases: "
                     f"not fitted in cases.yaml {sorted((in_groups | by_hand) - fitted)}, "
                     f"fitted but in no group {sorted(fitted - in_groups - by_hand)}")
        for g in self.groups:
            for p in g["parameters"]:
                if p not in self.params:
                    sys.exit(f"fit.yaml: group parameter {p} is not defined")
        for name, p in self.params.items():
            for entry, scale in p.get("carried_scale", {}).items():
                if entry not in p.get("carried", []) or not float(scale) > 0:
                    sys.exit(f"fit.yaml: {name}.carried_scale: {entry} must be a carried entry with a scale > 0")

    def overlay(self, values):
        """A catalog file setting each parameter's key on its entries."""
        sections = {}
        for name, value in values.items():
            p = self.params[name]
            entries = sections.setdefault(p.get("section", "hardware"), {})
            for entry in p["entries"] + p.get("carried", []):
                node = entries.setdefault(entry, {})
                keys = p["key"].split(".")
                for k in keys[:-1]:
                    node = node.setdefault(k, {})
                node[keys[-1]] = f"{entry_value(p, entry, value):.6g}{p.get('unit', '')}"
        return yaml.safe_dump(sections, sort_keys=True)

    def subset(self, case_ids):
        """A manifest of these cases alone, their scenarios by absolute path."""
        key = tuple(sorted(case_ids))
        if key not in self.subsets:
            cases = []
            for c in key:
                case = dict(self.cases[c])
                case["scenario"] = os.path.abspath(os.path.join(self.dir, case["scenario"]))
                cases.append(case)
            path = os.path.join(self.subset_dir.name, f"cases-{len(self.subsets)}.yaml")
            manifest = {"tolerances": self.tolerances} if self.tolerances else {}
            if self.gaps:
                manifest["gaps"] = self.gaps  # the cases name them
            manifest["cases"] = cases
            with open(path, "w") as f:
                yaml.safe_dump(manifest, f, sort_keys=False, allow_unicode=True)
            self.subsets[key] = path
        return self.subsets[key]

    def simulate(self, values, case_ids):
        """Simulated figure of each case with `values` laid over the catalog."""
        self.evaluations += 1
        with tempfile.TemporaryDirectory() as tmp:
            catalog = os.path.join(tmp, "catalog.yaml")
            with open(catalog, "w") as f:
                f.write(self.overlay(values))
            doc = os.path.join(tmp, "table.md")
            with open(doc, "w") as f:
                f.write(f"{BEGIN}\n{END}\n")
            cmd = [self.fleetsim, "--catalog", catalog, "validate-model", self.subset(case_ids), "--jobs",
                   str(self.jobs), "--write-doc", doc]
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode not in (0, 4):
                sys.exit(f"{' '.join(cmd)} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
            figures = {}
            with open(doc) as f:
                for line in f:
                    cells = [c.strip() for c in line.strip().strip("|").split("|")]
                    if len(cells) >= 7 and cells[0] in case_ids:
                        try:
                            figures[cells[0]] = float(cells[6])
                        except ValueError:
                            pass
                        if len(cells) >= 12:  # "served on": "cpu 8.0", the run's device and mean batch
                            self.regimes[cells[0]] = cells[11]
        missing = [c for c in case_ids if c not in figures]
        if missing:
            sys.exit(f"no simulated figure for {missing} (values {values})")
        return figures

    def loss(self, values, case_ids):
        sim = self.simulate(values, case_ids)
        return sum(math.log(sim[c] / float(self.cases[c]["published"])) ** 2 for c in case_ids)

    def fit_group(self, names, case_ids, start, rounds=3, grid=10, steps=10):
        """Coordinate descent over `names`, the other parameters held at `start`.

        Each parameter: a geometric grid over its range finds the best
        bracket (the loss is flat where a case stops depending on the
        parameter, which a golden-section search alone can mistake for a
        minimum), then a golden-section search refines it."""
        values = dict(start)
        for _ in range(rounds if len(names) > 1 else 1):
            before = dict(values)
            for name in names:
                lo, hi = (float(x) for x in self.params[name]["range"])
                f = lambda x: self.loss({**values, name: x}, case_ids)
                xs = [lo * (hi / lo) ** (i / (grid - 1)) for i in range(grid)]
                losses = [f(x) for x in xs]
                best = min(range(grid), key=lambda i: losses[i])
                a, b = xs[max(0, best - 1)], xs[min(grid - 1, best + 1)]
                c, d = b - GOLDEN * (b - a), a + GOLDEN * (b - a)
                fc, fd = f(c), f(d)
                for _ in range(steps):
                    if fc <= fd:
                        b, d, fd = d, c, fc
                        c = b - GOLDEN * (b - a)
                        fc = f(c)
                    else:
                        a, c, fc = c, d, fd
                        d = a + GOLDEN * (b - a)
                        fd = f(d)
                candidates = [(losses[best], xs[best]), (fc, c), (fd, d)]
                # Three significant digits: what the catalog records.
                values[name] = float(f"{min(candidates)[1]:.3g}")
            if values == before:
                break  # a round that moves nothing will not move the next one either
        if self.polish_groups and len(names) > 1:
            values = self.polish(names, case_ids, values)
        return values

    def polish(self, names, case_ids, start, max_evaluations=None):
        """Nelder-Mead simplex search from the coordinate descent's result.

        Where the loss is a narrow valley oblique to the axes (parameters
        that trade against each other: a fixed cost per step and the
        bandwidth, a compute rate and a serial fraction), one-at-a-time
        moves zigzag down it in small steps and stop far from its floor;
        the simplex turns to follow the valley. It works in log space (the
        parameters are positive and span decades), keeps every point in its
        parameter's range, starts from steps of 10% and stops when the
        simplex has shrunk below the three significant digits the catalog
        records."""
        names = [n for n in names if start[n] > 0]
        if len(names) < 2:
            return start
        n = len(names)
        max_evaluations = max_evaluations or 60 * n
        bounds = [tuple(math.log(float(x)) for x in self.params[k]["range"]) for k in names]

        def clip(x):
            return [min(max(v, lo), hi) for v, (lo, hi) in zip(x, bounds)]

        def values_at(x):
            return {**start, **{k: float(f"{math.exp(v):.3g}") for k, v in zip(names, x)}}

        cache = {}

        def f(x):
            values = values_at(x)
            key = tuple(values[k] for k in names)
            if key not in cache:
                cache[key] = self.loss(values, case_ids)
            return cache[key]

        x0 = [math.log(start[k]) for k in names]
        simplex = [x0] + [clip([v + (0.1 if i == j else 0.0) for j, v in enumerate(x0)]) for i in range(n)]
        scores = [f(x) for x in simplex]
        evaluations = len(simplex)
        while evaluations < max_evaluations:
            order = sorted(range(n + 1), key=lambda i: scores[i])
            simplex, scores = [simplex[i] for i in order], [scores[i] for i in order]
            if max(abs(a - b) for x in simplex[1:] for a, b in zip(x, simplex[0])) < 0.002:
                break
            centroid = [sum(x[j] for x in simplex[:-1]) / n for j in range(n)]
            towards = lambda t: clip([c + t * (c - w) for c, w in zip(centroid, simplex[-1])])
            reflected = towards(1.0)
            fr = f(reflected)
            evaluations += 1
            if fr < scores[0]:
                expanded = towards(2.0)
                fe = f(expanded)
                evaluations += 1
                simplex[-1], scores[-1] = (expanded, fe) if fe < fr else (reflected, fr)
            elif fr < scores[-2]:
                simplex[-1], scores[-1] = reflected, fr
            else:
                contracted = towards(0.5 if fr < scores[-1] else -0.5)
                fcon = f(contracted)
                evaluations += 1
                if fcon < min(fr, scores[-1]):
                    simplex[-1], scores[-1] = contracted, fcon
                else:
                    for i in range(1, n + 1):
                        simplex[i] = clip([b + 0.5 * (v - b) for v, b in zip(simplex[i], simplex[0])])
                        scores[i] = f(simplex[i])
                    evaluations += n
        best = min(range(n + 1), key=lambda i: scores[i])
        return values_at(simplex[best]) if scores[best] < f(x0) else start

    def fit(self, exclude_sources=(), full=None):
        """Fit every group, without the cases of `exclude_sources`.

        With `full` (the fit of every source by this same procedure: a
        cross-validation fold's reference), a group that keeps all its
        cases, and whose cases give the same figures under the fold's values
        of the other groups as under the full fit's, takes its values from
        `full` without a search: its cases do not see what the fold changed
        (an accelerator's cases and a CPU group's parameters), so the same
        search would find the same values. Only the groups a fold changes,
        or whose cases see a change, are searched again."""
        values = {n: float(p["prior"]) for n, p in self.params.items()}
        # Groups are fitted in turn, and the turn repeated until it moves
        # nothing: a group's cases can depend on another group's parameters
        # (since round 10 a CPU decode step adds the matrices' math to the
        # weight reads, so the memory group's cases see the compute rate). A
        # later pass refits only the groups whose cases' figures changed since
        # their last fit: one whose cases see nothing of what moved keeps its
        # values (a second descent from its own result could still drift
        # along a flat valley, which is not what the repeat is for).
        last_seen = {}
        for pass_number in range(int(self.spec.get("passes", 1))):
            before = dict(values)
            for k, g in enumerate(self.groups):
                ids = [i for i in g["cases"] if self.cases[i]["source_id"] not in exclude_sources]
                if pass_number > 0:
                    if k not in last_seen or self.simulate(values, ids) == last_seen[k]:
                        continue
                if full is not None and len(ids) == len(g["cases"]):
                    own = {n: full[n] for n in g["parameters"]}
                    if self.simulate({**values, **own}, ids) == self.simulate(full, ids):
                        values.update(own)
                        last_seen[k] = self.simulate(values, ids)
                        continue
                names = list(g["parameters"])
                if len(ids) < len(names):
                    # Too few cases left to identify every parameter: fit as many
                    # as there are cases, in the group's order; the rest keep the prior.
                    names = names[:len(ids)]
                if names:
                    values = self.fit_group(names, ids, values, rounds=int(g.get("rounds", 3)))
                    last_seen[k] = self.simulate(values, ids)
            if values == before:
                break
        return values


def entry_value(param, entry, value):
    """The value a parameter sets on one of its entries: a carried entry with
    a `carried_scale` takes the fitted value times its scale (the ratio of
    its own measured microbenchmark fraction to the fitted class's, in
    fit.yaml), so every fit and every fold carries the ratio, not a copy.
    An efficiency is a share of a peak: a scaled one stops at 1."""
    scaled = value * param.get("carried_scale", {}).get(entry, 1.0)
    return min(scaled, 1.0) if param["key"].startswith("efficiency.") else scaled


def apply_to_catalog(suite, values):
    for section, anchor in (("hardware", "memory_capacity"), ("stacks", "cuda_graphs")):
        names = [n for n in values if suite.params[n].get("section", "hardware") == section]
        apply_to_file(suite, {n: values[n] for n in names}, section, anchor)


def apply_to_file(suite, values, section, anchor_key):
    """Writes `values` into src/catalog/SECTION.yaml; a key an entry lacks
    goes in before its `anchor_key`. An entry that starts from another with
    `catalog: BASE` and lacks the key takes it from BASE, which must be one
    of the parameter's entries too: nothing is written into it. (A fold's
    catalog file still names every entry: a --catalog file changes entries
    as the built-in file resolved them.)"""
    path = os.path.join(ROOT, "src", "catalog", f"{section}.yaml")
    with open(path) as f:
        text = f.read()
    for name, value in values.items():
        p = suite.params[name]
        for entry in p["entries"] + p.get("carried", []):
            rendered = f"{entry_value(p, entry, value):.3g}{p.get('unit', '')}"
            start = text.index(f"\n  {entry}:\n")
            end = text.find("\n\n", start + 1)
            block = text[start:end]
            keys = p["key"].split(".")
            base = re.search(r"\n    catalog: (\S+)", block)
            if base and not re.search(rf"\n    {keys[0]}:", block):
                if base.group(1) not in p["entries"] + p.get("carried", []):
                    sys.exit(f"{entry} takes {p['key']} from {base.group(1)}, which {name} does not list")
                continue
            if len(keys) == 2:
                pattern = re.compile(rf"(\n    {keys[0]}: \{{[^}}]*\b{keys[1]}: )([^,}}]+)")
                if not pattern.search(block):
                    sys.exit(f"cannot find {p['key']} in {entry}")
                block = pattern.sub(lambda m: m.group(1) + rendered, block, count=1)
            else:
                pattern = re.compile(rf"(\n    {keys[0]}: )([^\n]+)")
                if pattern.search(block):
                    block = pattern.sub(lambda m: m.group(1) + rendered, block, count=1)
                else:
                    anchor = block.index(f"\n    {anchor_key}:")
                    block = block[:anchor] + f"\n    {keys[0]}: {rendered}" + block[anchor:]
            text = text[:start] + block + text[end:]
    with open(path, "w") as f:
        f.write(text)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return float("nan") if n == 0 else (xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2]))


def cross_validate(suite):
    """Out-of-fold error of every throughput and latency case but checks."""
    cases = {i: c for i, c in suite.cases.items()
             if c["role"] != "check" and c["kind"] in ("throughput", "latency")}
    sources = sorted({c["source_id"] for c in cases.values()})
    fitted_sources = {suite.cases[i]["source_id"] for g in suite.groups for i in g["cases"]}
    full = suite.fit()
    errors, folds, regimes = {}, {}, {}
    for source in sources:
        ids = [i for i, c in cases.items() if c["source_id"] == source]
        values = suite.fit(exclude_sources=(source,), full=full) if source in fitted_sources else full
        folds[source] = values
        sim = suite.simulate(values, ids)
        for i in ids:
            errors[i] = sim[i] / float(cases[i]["published"]) - 1.0
            regimes[i] = suite.regimes.get(i, "")
        print(f"fold {source}: median |error| {100 * median([abs(errors[i]) for i in ids]):.1f}% "
              f"over {len(ids)} cases", file=sys.stderr)
    return cases, errors, folds, full, fitted_sources, regimes


def cv_markdown(suite, cases, errors, folds, full, fitted_sources, regimes):
    def line(title, ids):
        e = [abs(errors[i]) for i in ids]
        return (f"| {title} | {len(e)} | {100 * median(e):.1f}% | {100 * max(e):.1f}% | "
                f"{sum(1 for x in e if x > 0.35)} |")
    out = ["| cases | n | median \\|error\\| | max | above 35% |", "|---|---:|---:|---:|---:|"]
    every = list(cases)
    out.append(line("all (out of fold)", every))
    for kind in ("throughput", "latency"):
        out.append(line(f"{kind}", [i for i in every if cases[i]["kind"] == kind]))
    # CPUs serving several sequences per iteration, apart from their
    # one-sequence runs: validate-model's rule (ServedRegime::batched) on the
    # label of the case's out-of-fold run.
    def on_cpu(i, batched):
        parts = regimes.get(i, "").split()
        return len(parts) == 2 and parts[0] == "cpu" and (float(parts[1]) >= 1.5) == batched
    for title, batched in CPU_REGIMES:
        ids = [i for i in every if on_cpu(i, batched)]
        if ids:
            out.append(line(title, ids))
    for role in ("fitted", "holdout", "reference"):
        ids = [i for i in every if cases[i]["role"] == role]
        if ids:
            out.append(line(f"role {role}", ids))
    for key, label in (("class", "class"), ("stack", "stack"), ("source_id", "source")):
        for value in sorted({cases[i].get(key, "") for i in every}):
            ids = [i for i in every if cases[i].get(key, "") == value]
            mark = " (refitted without it)" if key == "source_id" and value in fitted_sources else ""
            out.append(line(f"{label} {value}{mark}", ids))
    beyond = [i for i in every if abs(errors[i]) > 0.35]
    unnamed = [i for i in beyond if not cases[i].get("gap") and cases[i]["role"] != "reference"]
    out.append("")
    out.append(f"Out of fold, {len(beyond)} cases lie beyond 35%; {len(beyond) - len(unnamed)} of them name the "
               f"mechanism the model lacks (a gap of validation/cases.yaml, or a reference case's note); without one: "
               + (", ".join(f"{i} ({100 * errors[i]:+.1f}%)" for i in unnamed) if unnamed else "none") + ".")
    out.append("")
    out.append("Parameters of the full fit, and of each fold that refitted a group:")
    out.append("")
    names = list(suite.params)
    out.append("| fit | " + " | ".join(names) + " |")
    out.append("|---|" + "---:|" * len(names))
    out.append("| all sources | " + " | ".join(f"{full[n]:g}" for n in names) + " |")
    for source, values in folds.items():
        if source in fitted_sources:
            out.append(f"| without {source} | " + " | ".join(f"{values[n]:g}" for n in names) + " |")
    out.append("")
    out.append(f"({suite.evaluations} evaluations of the suite's cases.)")
    return "\n".join(out) + "\n"


def replace_block(path, begin, end, body):
    with open(path) as f:
        text = f.read()
    b, e = text.find(begin), text.find(end)
    if b < 0 or e < b:
        sys.exit(f"{path} has no {begin} ... {end} block")
    with open(path, "w") as f:
        f.write(text[:b + len(begin)] + "\n" + body + text[e:])


def write_evidence(block, path):
    """Rewrites the figures of src/catalog/evidence.yaml (each class's and
    stack's cases, median and count beyond 35%, and the CPU regimes') from a
    recorded cross-validation block; the classes' entries are kept, and a
    class or stack the block has and the file lacks is added (a class
    without entries)."""
    rows = re.findall(r"^\| (class|stack) (\S+) \| (\d+) \| ([\d.]+%) \| [\d.]+% \| (\d+) \|$", block, re.M)
    with open(path) as f:
        text = f.read()
    head, rest = text.split("\nclasses:\n", 1)
    entries = dict(re.findall(r"^  (\S+): \{entries: \[([^]]*)\]", rest, re.M))
    lines = [head, "classes:"]
    for kind, name, n, median, beyond in rows:
        if kind == "class":
            lines.append(f"  {name}: {{entries: [{entries.get(name, '')}], cases: {n}, median_error: {median}, "
                         f"beyond_35: {beyond}}}")
    lines.append("stacks:")
    for kind, name, n, median, beyond in rows:
        if kind == "stack":
            lines.append(f"  {name}: {{cases: {n}, median_error: {median}, beyond_35: {beyond}}}")
    names = "|".join(re.escape(name) for name, _ in CPU_REGIMES)
    regimes = re.findall(rf"^\| ({names}) \| (\d+) \| ([\d.]+%) \| [\d.]+% \| (\d+) \|$", block, re.M)
    if regimes:
        lines.append("regimes:")
        for name, n, median, beyond in regimes:
            lines.append(f"  \"{name}\": {{cases: {n}, median_error: {median}, beyond_35: {beyond}}}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def recorded_block(path):
    with open(path) as f:
        text = f.read()
    b, e = text.find(CV_BEGIN), text.find(CV_END)
    if b < 0 or e < b:
        sys.exit(f"{path} has no {CV_BEGIN} ... {CV_END} block")
    return text[b:e]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["fit", "cv", "evidence"],
                    help="evidence: rewrite src/catalog/evidence.yaml from the block --doc records")
    ap.add_argument("--fleetsim", default=os.path.join(ROOT, "build", "fleetsim"))
    ap.add_argument("--validation", default=os.path.join(ROOT, "validation"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--apply", action="store_true", help="write the fitted values into src/catalog/hardware.yaml")
    ap.add_argument("--polish", action="store_true",
                    help="after the coordinate descent, a Nelder-Mead search on each group of several parameters")
    ap.add_argument("--write-doc", help="with cv: replace the fit-catalog-cv block of this Markdown file")
    ap.add_argument("--write-evidence", help="with cv: rewrite this evidence file (src/catalog/evidence.yaml)")
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "validation.md"),
                    help="with evidence: the Markdown file whose fit-catalog-cv block to read")
    args = ap.parse_args()
    if args.action == "evidence":
        write_evidence(recorded_block(args.doc), os.path.join(ROOT, "src", "catalog", "evidence.yaml"))
        return
    suite = Suite(args.fleetsim, args.validation, args.jobs, polish_groups=args.polish)
    if args.action == "fit":
        values = suite.fit()
        for name, value in values.items():
            print(f"{name}: {value:g}{suite.params[name].get('unit', '')}")
        print(f"({suite.evaluations} evaluations)", file=sys.stderr)
        if args.apply:
            apply_to_catalog(suite, values)
    else:
        result = cross_validate(suite)
        table = cv_markdown(suite, *result)
        print(table)
        if args.write_doc:
            replace_block(args.write_doc, CV_BEGIN, CV_END, table)
        if args.write_evidence:
            write_evidence(table, args.write_evidence)


if __name__ == "__main__":
    main()
