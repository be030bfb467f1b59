#!/usr/bin/env python3
"""Carried efficiencies (docs/catalog.md, "Carried efficiencies"): a
parameter's `carried_scale` entries in validation/fit.yaml take the fitted
value times their scale, in every fit's overlay and in the shipped catalog.

    check_fit_carry.py SOURCE_DIR

Checks, for every parameter that carries its value to other entries
(`carried`, scaled by `carried_scale` where one is given, else by 1):
- scripts/fit_catalog.py's overlay sets the fitted entries to a trial value
  and each carried entry to that value times its scale;
- a scaled efficiency never passes 1, even at the top of the fit's range;
- the parameter's catalog file (src/catalog/hardware.yaml, or stacks.yaml
  for a stack's key) agrees: each carried entry holds its fitted entries'
  value times the scale (to the 3 significant digits the fit writes), so a
  refit that forgot the scale, or a hand edit, fails.
And that fit.yaml refuses a scale on an entry it does not carry.
"""
import copy
import os
import sys

import yaml


def main():
    root = sys.argv[1]
    sys.path.insert(0, os.path.join(root, "scripts"))
    import fit_catalog  # noqa: E402

    suite = fit_catalog.Suite("unused", os.path.join(root, "validation"), 1)
    catalogs = {}
    for section in ("hardware", "stacks"):
        with open(os.path.join(root, "src", "catalog", f"{section}.yaml")) as f:
            catalogs[section] = yaml.safe_load(f)[section]
    failures = []
    carrying = {n: p for n, p in suite.params.items() if p.get("carried")}
    if not any(p.get("carried_scale") for p in carrying.values()):
        failures.append("fit.yaml has no carried_scale: nothing to check")
    for name, p in carrying.items():
        keys = p["key"].split(".")
        section = p.get("section", "hardware")
        entries = catalogs[section]
        scales = {entry: p.get("carried_scale", {}).get(entry, 1.0) for entry in p["carried"]}

        def lookup(entry):
            node = entry
            for k in keys:
                if not isinstance(node, dict) or k not in node:
                    return None
                node = node[k]
            return node

        def read(entry):
            # An entry that starts from another (`catalog: BASE`) and does
            # not state the key takes its base's, as the loader reads it.
            value = lookup(entry)
            while value is None and "catalog" in entry:
                entry = entries[entry["catalog"]]
                value = lookup(entry)
            if value is None:
                return float("nan")  # fails every comparison below
            return float(str(value).rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/"))

        trial = 0.5
        overlay = yaml.safe_load(suite.overlay({name: trial}))[section]
        for entry in p["entries"]:
            if not abs(read(overlay[entry]) - trial) <= 1e-9:
                failures.append(f"{name}: overlay sets {entry} to {read(overlay[entry])}, not {trial}")
        # At the top of the fit's range a scaled efficiency stays a share of
        # its peak (the loader refuses one above 1).
        if p["key"].startswith("efficiency."):
            top = yaml.safe_load(suite.overlay({name: p["range"][1]}))[section]
            for entry in scales:
                if read(top[entry]) > 1.0:
                    failures.append(f"{name}: at the range's top {p['range'][1]} the overlay gives {entry} {read(top[entry])} > 1")
        fitted = read(entries[p["entries"][0]])
        for entry, scale in scales.items():
            if not abs(read(overlay[entry]) - trial * scale) <= 1e-6:
                failures.append(f"{name}: overlay sets {entry} to {read(overlay[entry])}, not {trial} x {scale}")
            want = float(f"{fitted * scale:.3g}")
            have = read(entries[entry])
            if not abs(have - want) <= 1e-9:
                failures.append(f"{name}: the catalog gives {entry} {have}, the fit {fitted} x {scale} = {want}")

    bad = copy.deepcopy(suite.params)
    name = next(n for n, p in carrying.items() if p.get("carried_scale"))
    bad[name]["carried_scale"] = {"not-a-carried-entry": 1.0}
    suite.params = bad
    try:
        suite.check_spec()
        failures.append("a carried_scale on an entry that is not carried was accepted")
    except SystemExit:
        pass

    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print(f"ok: {len(carrying)} parameters carry their values, "
          f"{sum(1 for p in carrying.values() if p.get('carried_scale'))} of them scaled")


if __name__ == "__main__":
    main()
