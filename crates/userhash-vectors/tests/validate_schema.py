#!/usr/bin/env python3
"""Validate the vector files against their JSON Schemas with Python's `jsonschema`, a validator
independent of the Rust one the checker uses, and lint what a schema cannot say.

usage: validate_schema.py VECTORS_DIR     exit 0 when every file is valid, 1 otherwise
"""
import json
import os
import re
import sys

import jsonschema

FILES = ["user_hash.json", "user_hash_verify.json", "hmac_sha256.json", "user_jwt.json", "user_jwt_verify.json"]
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def problems_of(vectors):
    seen_ids = {}
    for name in FILES:
        with open(os.path.join(vectors, name), encoding="utf-8") as handle:
            suite = json.load(handle)
        schema_path = os.path.join(vectors, "schema", suite.get("schema", "?"))
        with open(schema_path, encoding="utf-8") as handle:
            schema = json.load(handle)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        for error in validator.iter_errors(suite):
            yield f"{name}: {error.json_path}: {error.message}"
        tests = suite.get("tests", [])
        if suite.get("numberOfTests") != len(tests):
            yield f"{name}: numberOfTests is {suite.get('numberOfTests')} but there are {len(tests)} tests"
        used_flags = set()
        for case in tests:
            case_id = case.get("id", "?")
            if not KEBAB.match(case_id):
                yield f"{name}: id {case_id!r} is not kebab-case"
            if case_id in seen_ids:
                yield f"{name}: id {case_id!r} is also used in {seen_ids[case_id]}"
            seen_ids[case_id] = name
            for flag in case.get("flags", []):
                used_flags.add(flag)
                if flag not in suite.get("notes", {}):
                    yield f"{name}: {case_id}: flag {flag!r} has no entry in notes"
        for unused in sorted(set(suite.get("notes", {})) - used_flags):
            yield f"{name}: note {unused!r} is not used by any case"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = list(problems_of(sys.argv[1]))
    for problem in problems:
        print("FAIL " + problem)
    print(f"schema: {len(FILES) - len({p.split(':')[0] for p in problems})} passed, "
          f"{len({p.split(':')[0] for p in problems})} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
