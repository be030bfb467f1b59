#!/usr/bin/env python3
"""Every citation in the built-in catalog names a figure its entry has.

    check_catalog_sources.py SOURCE_DIR

A catalog entry's `sources:` map says where each figure comes from, keyed by
the figure (`efficiency.memory`, `peak_flops.fp16`, `power.host`). A key
whose first part is no key of the entry, nor of the entry it starts from
(`catalog:`), cites a figure the entry does not have: most often a citation
pasted into the wrong entry, where the entry that holds the figure is left
without its source. A citation may also say why an entry leaves a figure
out; it then begins with "none" ("none priced: ...").

Checks src/catalog/hardware.yaml, models.yaml, stacks.yaml and formats.yaml.
Needs Debian's python3-yaml (install-deps.sh --test).
"""
import os
import sys

import yaml

SECTIONS = [("hardware.yaml", "hardware"), ("models.yaml", "models"), ("stacks.yaml", "stacks"),
            ("formats.yaml", "formats")]


def keys_of(entries, name, seen=()):
    """The keys entry `name` sets, with those of the entries it starts from."""
    entry = entries[name]
    keys = set(entry)
    base = entry.get("catalog")
    if isinstance(base, str) and base in entries and base not in seen:
        keys |= keys_of(entries, base, seen + (name,))
    return keys


def stray_citations(entries):
    """(entry, key) of each citation that names no figure of its entry."""
    stray = []
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        keys = keys_of(entries, name)
        for key, text in (entry.get("sources") or {}).items():
            if key.split(".")[0] in keys or str(text).startswith("none"):
                continue
            stray.append((name, key))
    return stray


def self_test():
    """The check itself: a pasted citation is caught, an inherited or absent figure is not."""
    entries = {
        "base": {"clock": 1, "sources": {"clock": "x"}},
        "child": {"catalog": "base", "memory": 2,
                  "sources": {"clock": "inherited", "memory.check": "a note on memory", "request_path": "none priced"}},
        "other": {"clock": 1, "sources": {"serial_fraction_scale": "pasted here by mistake"}},
    }
    assert stray_citations(entries) == [("other", "serial_fraction_scale")], stray_citations(entries)


def main():
    self_test()
    root = sys.argv[1]
    failures = []
    for file, section in SECTIONS:
        with open(os.path.join(root, "src", "catalog", file), encoding="utf-8") as f:
            entries = (yaml.safe_load(f) or {}).get(section) or {}
        for name, key in stray_citations(entries):
            failures.append(f"src/catalog/{file}: {section}.{name}.sources.{key} cites a figure the entry does not set"
                            f" (nor its catalog: base); move it to the entry that has {key}, or begin it with 'none'")
    for line in failures:
        print("FAIL:", line)
    print(f"{len(SECTIONS)} catalog files checked; {len(failures)} stray citations")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
