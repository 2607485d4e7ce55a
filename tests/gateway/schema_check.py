#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validates every example against schema/vtigw.schema.json and checks that the schema rejects a
few invalid documents. Exits 77 (ctest: skipped) when the jsonschema module is not installed."""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("python3 jsonschema module not installed: skipping")
    sys.exit(77)

root = sys.argv[1]
schema = json.load(open(os.path.join(root, "schema", "vtigw.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
failed = False
examples = sorted(glob.glob(os.path.join(root, "examples", "*.json")))
for path in examples:
    for err in validator.iter_errors(json.load(open(path))):
        print(f"{path}: {'/'.join(map(str, err.path))}: {err.message}")
        failed = True
invalid = [
    [],
    {"gateway": {"local": "192.0.2.1"}},
    {"gateway": {"local": "192.0.2.1"}, "tunnels": [{"name": "a", "remote": "198.51.100.1", "bogus": 1}]},
    {"gateway": {"local": "192.0.2.1"}, "tunnels": [{"name": "a", "remote": "198.51.100.1", "mss": "big"}]},
    {"gateway": {"local": "192.0.2.1"}, "bgp": {"asn": 65010}, "tunnels": [{"name": "a", "remote": "198.51.100.1"}]},
    {"gateway": {"local": "192.0.2.1"}, "tunnels": [{"name": "a", "remote": "198.51.100.1", "bgp": {"peer": "169.254.0.1"}}]},
    {"gateway": {"local": "192.0.2.1"}, "bgp": {"asn": 65535, "router_id": "10.0.0.1"}, "tunnels": [{"name": "a", "remote": "198.51.100.1"}]},
]
for doc in invalid:
    if validator.is_valid(doc):
        print(f"schema accepts an invalid document: {json.dumps(doc)}")
        failed = True
print(f"{len(examples)} examples checked")
sys.exit(1 if failed or not examples else 0)
