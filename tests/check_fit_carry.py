#!/usr/bin/env python3
"""Carried efficiencies (docs/catalog.md, "Carried efficiencies"): a
parameter's `carried_scale` entries in validation/fit.yaml take the fitted
value times their scale, in every fit's overlay and in the shipped catalog.

    check_fit_carry.py SOURCE_DIR

Checks, for every parameter with a `carried_scale`:
- scripts/fit_catalog.py's overlay sets the fitted entries to a trial value
  and each scaled carried entry to that value times its scale;
- a scaled efficiency never passes 1, even at the top of the fit's range;
- src/catalog/hardware.yaml agrees: each scaled carried entry holds its
  fitted entries' value times the scale (to the 3 significant digits the
  fit writes), so a refit that forgot the scale, or a hand edit, fails.
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
    with open(os.path.join(root, "src", "catalog", "hardware.yaml")) as f:
        hardware = yaml.safe_load(f)["hardware"]
    failures = []
    scaled = {n: p for n, p in suite.params.items() if p.get("carried_scale")}
    if not scaled:
        failures.append("fit.yaml has no carried_scale: nothing to check")
    for name, p in scaled.items():
        keys = p["key"].split(".")

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
                entry = hardware[entry["catalog"]]
                value = lookup(entry)
            return float(str(value).rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/"))

        trial = 0.5
        overlay = yaml.safe_load(suite.overlay({name: trial}))["hardware"]
        for entry in p["entries"]:
            if abs(read(overlay[entry]) - trial) > 1e-9:
                failures.append(f"{name}: overlay sets {entry} to {read(overlay[entry])}, not {trial}")
        # At the top of the fit's range a scaled efficiency stays a share of
        # its peak (the loader refuses one above 1).
        if p["key"].startswith("efficiency."):
            top = yaml.safe_load(suite.overlay({name: p["range"][1]}))["hardware"]
            for entry in p["carried_scale"]:
                if read(top[entry]) > 1.0:
                    failures.append(f"{name}: at the range's top {p['range'][1]} the overlay gives {entry} {read(top[entry])} > 1")
        fitted = read(hardware[p["entries"][0]])
        for entry, scale in p["carried_scale"].items():
            if abs(read(overlay[entry]) - trial * scale) > 1e-6:
                failures.append(f"{name}: overlay sets {entry} to {read(overlay[entry])}, not {trial} x {scale}")
            want = float(f"{fitted * scale:.3g}")
            have = read(hardware[entry])
            if abs(have - want) > 1e-9:
                failures.append(f"{name}: the catalog gives {entry} {have}, the fit {fitted} x {scale} = {want}")

    bad = copy.deepcopy(suite.params)
    name = next(iter(scaled))
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
    print(f"ok: {len(scaled)} parameters carry scaled values")


if __name__ == "__main__":
    main()
