#!/usr/bin/env python3
"""The fit's Nelder-Mead polish (scripts/fit_catalog.py fit --polish,
docs/validation.md round 34) on losses whose minimum is known.

    check_fit_polish.py SOURCE_DIR

The suite's loss is replaced by a closed form over two of fit.yaml's
parameters, so nothing is simulated:
- a narrow valley oblique to the axes (two parameters that trade one for
  the other, as a fixed cost per step and a bandwidth do): three rounds of
  coordinate descent stop short of its floor, the polish reaches it to the
  three significant digits the catalog records;
- a valley whose floor lies beyond one parameter's range: the polish stops
  at the range's edge and never evaluates a point outside it;
- without --polish, fit_group is the coordinate descent alone.
"""
import math
import os
import sys


def main():
    root = sys.argv[1]
    sys.path.insert(0, os.path.join(root, "scripts"))
    import fit_catalog  # noqa: E402

    failures = []
    a, b = "hopper.compute", "hopper.memory"

    def make(polish, target_a, target_b):
        suite = fit_catalog.Suite("unused", os.path.join(root, "validation"), 1, polish_groups=polish)
        ranges = {n: [float(x) for x in suite.params[n]["range"]] for n in (a, b)}
        seen = []

        def loss(values, case_ids):
            x, y = math.log(values[a]), math.log(values[b])
            seen.append((values[a], values[b]))
            # Steep across the valley (x + y fixed), shallow along it.
            return 100.0 * (x + y - math.log(target_a * target_b)) ** 2 + (x - math.log(target_a)) ** 2

        suite.loss = loss
        return suite, ranges, seen

    start = {a: 0.6, b: 0.8}
    # An interior floor at (0.5, 0.7).
    descent, _, _ = make(False, 0.5, 0.7)
    d = descent.fit_group([a, b], [], start)
    polished, _, _ = make(True, 0.5, 0.7)
    p = polished.fit_group([a, b], [], start)
    lose = lambda v: 100.0 * (math.log(v[a] * v[b] / 0.35)) ** 2 + math.log(v[a] / 0.5) ** 2
    if not lose(d) > 1e-4:
        failures.append(f"the coordinate descent reached the valley's floor ({d}): the check has no valley")
    if not abs(p[a] - 0.5) <= 0.005 or not abs(p[b] - 0.7) <= 0.007:
        failures.append(f"the polish stopped at {p[a]}, {p[b]}, not at the floor 0.5, 0.7 (descent alone: {d[a]}, {d[b]})")
    if not lose(p) < lose(d):
        failures.append(f"the polish ({lose(p)}) did not improve on the descent ({lose(d)})")
    for v in (p[a], p[b]):
        if float(f"{v:.3g}") != v:
            failures.append(f"{v} is not rounded to 3 significant digits")

    # A floor beyond the top of hopper.memory's range.
    bounded, ranges, seen = make(True, 0.4, 1.5)
    q = bounded.fit_group([a, b], [], start)
    top = ranges[b][1]
    outside = [s for s in seen if not (ranges[a][0] <= s[0] <= ranges[a][1] and ranges[b][0] <= s[1] <= ranges[b][1])]
    if outside:
        failures.append(f"{len(outside)} evaluations outside the parameters' ranges, e.g. {outside[0]}")
    if not abs(q[b] - top) <= 0.01 * top:
        failures.append(f"with the floor beyond the range the polish stopped at {q[b]}, not at the range's top {top}")

    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print(f"polish: descent {d[a]}, {d[b]} -> polish {p[a]}, {p[b]}; bounded {q[a]}, {q[b]} (top {top})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
