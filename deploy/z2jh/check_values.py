"""Checks deploy/values.yaml as `helm lint` checks a release's values: the chart's defaults
(chart-values.yaml) with ours merged over them, against the chart's schema (values.schema.json).

    .venv/bin/python deploy/z2jh/check_values.py deploy/values.yaml

Prints each problem with its path and exits 1, or prints "ok" and exits 0.
"""

import json
import pathlib
import sys

import jsonschema
import yaml

HERE = pathlib.Path(__file__).parent


def merged(defaults, values):
    """Helm's coalescing: maps merge key by key, anything else replaces the default; null deletes it."""
    if not isinstance(defaults, dict) or not isinstance(values, dict):
        return values
    result = dict(defaults)
    for key, value in values.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merged(defaults.get(key), value)
    return result


def main(path):
    schema = json.loads((HERE / "values.schema.json").read_text())
    defaults = yaml.safe_load((HERE / "chart-values.yaml").read_text())
    values = yaml.safe_load(pathlib.Path(path).read_text()) or {}
    problems = sorted(jsonschema.Draft7Validator(schema).iter_errors(merged(defaults, values)), key=lambda e: e.json_path)
    for problem in problems:
        print(f"{path}: {problem.json_path}: {problem.message}")
    if problems:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_values.py VALUES.yaml")
    sys.exit(main(sys.argv[1]))
