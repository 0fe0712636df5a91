#!/usr/bin/env python3
"""Checks datasets-spec/ against JSON Schema (draft 2020-12) with the `jsonschema` package.

1. Every schema under datasets-spec/schemas/<version>/ is valid against the 2020-12
   metaschema, has an $id ending in /schemas/<version>/<file>, and closes every object it
   describes (additionalProperties: false, or unevaluatedProperties: false where it combines
   definitions).
2. Every shipped challenge (datasets-spec/challenges/*.json) validates against the schema of
   the schema_version it states, and its name is its file name.
3. Every document under datasets-spec/tests/invalid/<schema>/ is rejected, with the message
   that datasets-spec/tests/invalid/<schema>/expected.json names (so it fails for the
   intended reason).
4. Every document under datasets-spec/tests/meaningless/ is schema-valid: those are refused by
   the harness's own checks (values that make no sense), never by the schema, which keeps the
   two kinds of error apart.
5. Every row of the FAIR Universe reference sample (../shared/reference, or
   $FAIR_REFERENCE_DIR) validates against event-table.json, and the features of a row against
   its sealed-features definition.

Exit status 0 when all hold; otherwise each failure is printed and the status is 1.
"""
import csv
import json
import os
import pathlib
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
except ImportError:
    print("validate_specs: the Python package 'jsonschema' is missing; install it with "
          "`python3 -m pip install jsonschema`", file=sys.stderr)
    sys.exit(2)

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPEC = ROOT / "datasets-spec"
ID_PREFIX = "https://fair-uq-bench.example/schemas/"
failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL {message}", file=sys.stderr)


def load(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        fail(f"{path.relative_to(ROOT)}: cannot be read as JSON: {error}")
        return None


def open_objects(node, where, closed_refs):
    """Paths of object schemas with properties that do not close themselves."""
    found = []
    if isinstance(node, dict):
        # if/then/else only constrain values of an object described elsewhere.
        conditional = where.rsplit("/", 1)[-1] in ("if", "then", "else")
        if "properties" in node and node.get("additionalProperties") is not False \
                and node.get("unevaluatedProperties") is not False and where not in closed_refs \
                and not conditional:
            found.append(where)
        for key, value in node.items():
            found += open_objects(value, f"{where}/{key}", closed_refs)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += open_objects(value, f"{where}/{i}", closed_refs)
    return found


def refs_closed_by_unevaluated(node, out):
    """Definitions brought in through $ref/allOf by a schema with unevaluatedProperties: false."""
    if isinstance(node, dict):
        if node.get("unevaluatedProperties") is False:
            refs = [node.get("$ref")] + [part.get("$ref") for part in node.get("allOf", []) if isinstance(part, dict)]
            out.update("#" + r[1:] for r in refs if isinstance(r, str) and r.startswith("#/"))
        for value in node.values():
            refs_closed_by_unevaluated(value, out)
    elif isinstance(node, list):
        for value in node:
            refs_closed_by_unevaluated(value, out)
    return out


def check_schemas():
    schemas = {}
    for path in sorted((SPEC / "schemas").glob("*/*.json")):
        rel = path.relative_to(ROOT)
        schema = load(path)
        if schema is None:
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as error:
            fail(f"{rel}: not a valid draft 2020-12 schema: {error.message}")
            continue
        expected_id = f"{ID_PREFIX}{path.parent.name}/{path.name}"
        if schema.get("$id") != expected_id:
            fail(f"{rel}: $id is {schema.get('$id')!r}, expected {expected_id!r}")
        closed = refs_closed_by_unevaluated(schema, set())
        for where in open_objects(schema, "#", closed):
            fail(f"{rel}: object schema at {where} does not set additionalProperties: false")
        schemas[(path.parent.name, path.stem)] = schema
        print(f"ok   {rel}: valid schema, $id {expected_id}")
    return schemas


def registry_for(schemas):
    return Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())


def validator(schemas, registry, version, name, subschema=None):
    schema = schemas.get((version, name))
    if schema is None:
        return None
    if subschema is not None:
        schema = {"$schema": schema["$schema"], "$ref": f"{schema['$id']}{subschema}"}
    return Draft202012Validator(schema, registry=registry)


def errors_of(v, instance):
    return sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path))


def all_messages(errors):
    """Messages of the errors and of their context (oneOf/anyOf branches)."""
    out = []
    for error in errors:
        out.append(error.message)
        out += all_messages(error.context or [])
    return out


def check_challenges(schemas, registry):
    for path in sorted((SPEC / "challenges").glob("*.json")):
        rel = path.relative_to(ROOT)
        doc = load(path)
        if doc is None:
            continue
        version = doc.get("schema_version") if isinstance(doc, dict) else None
        v = validator(schemas, registry, version, "challenge")
        if v is None:
            fail(f"{rel}: states schema_version {version!r}, for which there is no schema")
            continue
        errors = errors_of(v, doc)
        for error in errors:
            fail(f"{rel}: at /{'/'.join(map(str, error.absolute_path))}: {error.message}")
        if doc.get("name") != path.stem:
            fail(f"{rel}: name {doc.get('name')!r} differs from the file name {path.stem!r}")
        if not errors:
            print(f"ok   {rel}: valid against challenge schema {version}")


def check_invalid(schemas, registry):
    base = SPEC / "tests" / "invalid"
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        expected = load(folder / "expected.json") or {}
        docs = sorted(p for p in folder.glob("*.json") if p.name != "expected.json")
        listed = {key.split("/", 1)[1] for key in expected}
        for missing in sorted(listed - {p.name for p in docs}):
            fail(f"{folder.relative_to(ROOT)}/expected.json names {missing}, which does not exist")
        for path in docs:
            rel = path.relative_to(ROOT)
            entry = expected.get(f"{folder.name}/{path.name}")
            if entry is None:
                fail(f"{rel}: not listed in {folder.name}/expected.json")
                continue
            v = validator(schemas, registry, "1.0.0", folder.name)
            if v is None:
                fail(f"{rel}: no schema 1.0.0/{folder.name}.json")
                continue
            doc = load(path)
            messages = all_messages(errors_of(v, doc))
            if not messages:
                fail(f"{rel}: was accepted, but it must be rejected")
            elif not any(entry["jsonschema_message"] in m for m in messages):
                fail(f"{rel}: rejected, but not for the expected reason "
                     f"{entry['jsonschema_message']!r}; got {messages}")
            else:
                print(f"ok   {rel}: rejected ({entry['jsonschema_message']})")


def check_meaningless(schemas, registry):
    folder = SPEC / "tests" / "meaningless"
    v = validator(schemas, registry, "1.0.0", "challenge")
    for path in sorted(p for p in folder.glob("*.json") if p.name != "expected.json"):
        rel = path.relative_to(ROOT)
        errors = errors_of(v, load(path))
        if errors:
            fail(f"{rel}: must be schema-valid (its fault is one of meaning), but: {errors[0].message}")
        else:
            print(f"ok   {rel}: schema-valid (refused by the harness's meaning checks)")


def check_reference_rows(schemas, registry):
    reference = pathlib.Path(os.environ.get("FAIR_REFERENCE_DIR", ROOT.parent / "shared" / "reference"))
    sample = reference / "fair-universe-sample"
    files = ["input_rows.csv", "systematics_tes1.03_jes0.97_softmet0.csv",
             "systematics_tes1.03_jes0.97_softmet0_nocuts.csv"]
    row_validator = validator(schemas, registry, "1.0.0", "event-table")
    sealed_validator = validator(schemas, registry, "1.0.0", "event-table", "#/$defs/sealedFeatures")
    for name in files:
        path = sample / name
        if not path.exists():
            fail(f"reference file {path} is missing (set FAIR_REFERENCE_DIR to the shared reference directory)")
            continue
        bad = 0
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        for number, raw in enumerate(rows):
            row = {}
            for key, value in raw.items():
                if key == "input_row":
                    continue
                row[key] = value if key == "detailed_labels" else (int(float(value)) if key == "labels" else float(value))
            errors = errors_of(row_validator, row)
            if errors and bad < 5:
                fail(f"{name} row {number}: {errors[0].message}")
            bad += bool(errors)
            features = {k: v for k, v in row.items() if k.startswith(("PRI_", "DER_"))}
            if number == 0 and errors_of(sealed_validator, features):
                fail(f"{name} row 0: its features do not validate against #/$defs/sealedFeatures")
            if number == 0 and not errors_of(sealed_validator, row):
                fail(f"{name} row 0: #/$defs/sealedFeatures accepts a row with weights and labels")
        if bad == 0:
            print(f"ok   {name}: all {len(rows)} rows valid against event-table 1.0.0")


def main():
    schemas = check_schemas()
    registry = registry_for(schemas)
    check_challenges(schemas, registry)
    check_invalid(schemas, registry)
    check_meaningless(schemas, registry)
    check_reference_rows(schemas, registry)
    if failures:
        print(f"validate_specs: {len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("validate_specs: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
