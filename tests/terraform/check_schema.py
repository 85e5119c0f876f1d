#!/usr/bin/env python3
"""Checks the arguments of a Terraform JSON stack against provider schemas.

Every resource and data block in the `*.tf.json` files of STACK_DIR is compared
with each schema given by --schema (the format of `terraform providers schema
-json`). An argument that a schema does not have, a computed-only attribute
that is set, a literal value of the wrong shape (scalar, list or object), a
required argument or block that is missing, or a wrong block count is an error; an argument that a schema marks deprecated is a warning
(an error with --deny-deprecated). The exit code is 1 when any error was found.

Typical use, against the 6.47 dump shipped in the repository and a 5.100 dump
made with `terraform providers schema -json` after init:

    check_schema.py --schema stdlib/aws/provider-schema.json \
                    --schema /tmp/aws-5.100.json build/prod
"""

import argparse
import json
import pathlib
import sys

META_ARGUMENTS = {"count", "for_each", "depends_on", "provider", "lifecycle",
                  "provisioner", "connection", "//"}
PROVIDER_KEY = "registry.terraform.io/hashicorp/aws"


def load_schema(path):
    with open(path, encoding="utf-8") as handle:
        dump = json.load(handle)
    provider = dump["provider_schemas"][PROVIDER_KEY]
    return {
        "label": path,
        "resource": provider.get("resource_schemas", {}),
        "data": provider.get("data_source_schemas", {}),
        "provider": provider.get("provider", {}).get("block"),
    }


def as_bodies(value):
    """A JSON block value is one object or a list of objects."""
    if isinstance(value, list):
        return value
    return [value]


def value_fits(value, type_):
    """A shallow check of a JSON value against a schema type; ${...} strings fit anything."""
    if type_ is None or type_ == "dynamic":
        return True
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return True
    if isinstance(type_, str):
        if type_ in ("string", "number", "bool"):
            return isinstance(value, (str, int, float, bool))
        return True
    kind = type_[0]
    if kind in ("list", "set", "tuple"):
        return isinstance(value, list)
    if kind in ("map", "object"):
        return isinstance(value, dict)
    return True


def check_block(where, body, block, problems, deny_deprecated):
    attributes = block.get("attributes", {})
    block_types = block.get("block_types", {})
    if not isinstance(body, dict):
        problems.append(("error", f"{where}: expected an object, found {type(body).__name__}"))
        return
    for key, value in body.items():
        if key in META_ARGUMENTS:
            continue
        if key in attributes:
            attribute = attributes[key]
            if not value_fits(value, attribute.get("type")):
                problems.append(("error", f"{where}.{key}: value does not fit type {json.dumps(attribute.get('type'))}"))
            if attribute.get("computed") and not (attribute.get("optional") or attribute.get("required")):
                problems.append(("error", f"{where}.{key}: computed-only attribute cannot be set"))
            if attribute.get("deprecated"):
                problems.append(("error" if deny_deprecated else "warning", f"{where}.{key}: deprecated"))
            continue
        if key in block_types:
            nested = block_types[key]
            if nested.get("block", {}).get("deprecated"):
                problems.append(("error" if deny_deprecated else "warning", f"{where}.{key}: deprecated block"))
            bodies = as_bodies(value)
            mode = nested.get("nesting_mode")
            if mode == "single" and len(bodies) > 1:
                problems.append(("error", f"{where}.{key}: at most one block allowed"))
            if "max_items" in nested and len(bodies) > nested["max_items"]:
                problems.append(("error", f"{where}.{key}: at most {nested['max_items']} blocks allowed"))
            if "min_items" in nested and len(bodies) < nested["min_items"]:
                problems.append(("error", f"{where}.{key}: at least {nested['min_items']} blocks required"))
            if mode == "map":
                continue
            for index, nested_body in enumerate(bodies):
                label = f"{where}.{key}" if len(bodies) == 1 else f"{where}.{key}[{index}]"
                check_block(label, nested_body, nested["block"], problems, deny_deprecated)
            continue
        problems.append(("error", f"{where}.{key}: unknown argument"))
    for name, attribute in attributes.items():
        if attribute.get("required") and name not in body:
            problems.append(("error", f"{where}.{name}: required argument missing"))
    for name, nested in block_types.items():
        if nested.get("min_items", 0) > 0 and name not in body:
            problems.append(("error", f"{where}.{name}: required block missing"))


def check_stack(stack_dir, schemas, deny_deprecated):
    problems = []
    files = sorted(pathlib.Path(stack_dir).glob("*.tf.json"))
    if not files:
        problems.append(("error", f"{stack_dir}: no *.tf.json files"))
    for path in files:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        for schema in schemas:
            for kind in ("resource", "data"):
                for type_name, instances in document.get(kind, {}).items():
                    if type_name == "//":
                        continue
                    type_schema = schema[kind].get(type_name)
                    if type_schema is None:
                        problems.append(("error", f"{path.name}: {kind} {type_name} not in {schema['label']}"))
                        continue
                    for name, body in instances.items():
                        if name == "//":
                            continue
                        for index, one in enumerate(as_bodies(body)):
                            where = f"{path.name}: [{schema['label']}] {'data.' if kind == 'data' else ''}{type_name}.{name}"
                            check_block(where, one, type_schema["block"], problems, deny_deprecated)
            if schema["provider"] is not None:
                for provider_body in as_bodies(document.get("provider", {}).get("aws", [])):
                    check_block(f"{path.name}: [{schema['label']}] provider.aws", provider_body,
                                schema["provider"], problems, deny_deprecated)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schema", action="append", required=True, help="provider schema dump (repeatable)")
    parser.add_argument("--deny-deprecated", action="store_true", help="treat deprecated arguments as errors")
    parser.add_argument("stacks", nargs="+", help="stack directories holding *.tf.json")
    arguments = parser.parse_args()
    schemas = [load_schema(path) for path in arguments.schema]
    errors = 0
    for stack in arguments.stacks:
        for severity, message in check_stack(stack, schemas, arguments.deny_deprecated):
            print(f"{severity}: {message}")
            errors += severity == "error"
    if errors:
        print(f"{errors} schema error(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
