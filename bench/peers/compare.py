#!/usr/bin/env python3
"""Check that a peer wrote the same stacks as ragc.

  compare.py RAGC_OUT PEER_OUT

RAGC_OUT is the directory `ragc build -o` wrote: one directory per stack, each with
`backend.tf.json` and `main.tf.json`. PEER_OUT is either such a directory, or one JSON
file whose top-level keys are those relative paths (`dev0000/main.tf.json`) and whose
values are the files' documents. Every file must be present on both sides and the same
JSON after parsing: key order and whitespace do not count, and neither do the top-level
`//` comments (each tool names itself there). Strings that hold JSON documents (the
`jsonencode` policies and container definitions) are compared as the documents they
hold, so key order inside them does not count either. Exit status 0 when all are the
same; otherwise 1, with the first differences of each file that differs.
"""

import json
import os
import sys

SHOWN = 5


def load_directory(root):
    files = {}
    for stack in sorted(os.listdir(root)):
        folder = os.path.join(root, stack)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                files[f"{stack}/{name}"] = json.load(handle)
    return files


def load(path):
    if os.path.isdir(path):
        return load_directory(path)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def normal(value):
    """`value` with embedded JSON documents decoded."""
    if isinstance(value, dict):
        return {key: normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normal(item) for item in value]
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return {"(json)": normal(json.loads(value))}
        except ValueError:
            return value
    return value


def differences(expected, actual, where="$"):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual:
                yield f"{where}.{key}: missing"
            elif key not in expected:
                yield f"{where}.{key}: not in ragc's output"
            else:
                yield from differences(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual)):
            yield from differences(left, right, f"{where}[{index}]")
    elif expected != actual or type(expected) is not type(actual):
        yield f"{where}: ragc {json.dumps(expected)}, peer {json.dumps(actual)}"


def document(value):
    if isinstance(value, dict):
        value = {key: item for key, item in value.items() if key != "//"}
    return normal(value)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    expected, actual = load(sys.argv[1]), load(sys.argv[2])
    failed = 0
    for path in sorted(expected.keys() | actual.keys()):
        if path not in actual:
            print(f"{path}: missing from the peer's output")
        elif path not in expected:
            print(f"{path}: not in ragc's output")
        else:
            found = list(differences(document(expected[path]), document(actual[path])))
            if not found:
                continue
            print(f"{path}: {len(found)} differences")
            for line in found[:SHOWN]:
                print(f"  {line}")
        failed += 1
    if failed:
        print(f"{failed} of {len(expected.keys() | actual.keys())} files differ")
        return 1
    print(f"same: {len(expected)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
