"""The TypeScript translator: papermill's -p values as `const NAME = <JSON>;` lines."""


import json
import math
import re

from papermill.models import Parameter
from papermill.translators import Translator

__all__ = ["TypeScriptTranslator"]


def _javascript_number(value):
    """A float as JavaScript's String(value) writes it (and so JSON.stringify), so both injectors write the same text.

    Python's repr and JavaScript both give the shortest digits that read back
    to the same float; they differ only in when they switch to an exponent
    (JavaScript: from 1e21 up and below 1e-6) and in how they write it.
    """
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = f"{abs(value):.17e}".partition("e")
    digits = repr(abs(value))
    # The shortest round-trip digits, without the point and the exponent.
    shortest, _, shortest_exponent = digits.partition("e")
    if "." in shortest:
        whole, fraction = shortest.split(".")
    else:
        whole, fraction = shortest, ""
    all_digits = (whole + fraction).lstrip("0")
    point = len(whole) + (int(shortest_exponent) if shortest_exponent else 0)  # where the point sits after all_digits' start
    point -= len(whole + fraction) - len((whole + fraction).lstrip("0"))
    all_digits = all_digits.rstrip("0") or "0"
    k, n = len(all_digits), point
    if k <= n <= 21:
        text = all_digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = all_digits[:n] + "." + all_digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + all_digits
    else:
        e = n - 1
        text = all_digits[0] + ("." + all_digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + text


class TypeScriptTranslator(Translator):
    @classmethod
    def translate_float(cls, val):
        if math.isnan(val):
            return "NaN"
        if math.isinf(val):
            return "Infinity" if val > 0 else "-Infinity"
        return _javascript_number(val)

    @classmethod
    def translate_int(cls, val):
        return str(val)

    @classmethod
    def translate_str(cls, val):
        return json.dumps(val, ensure_ascii=False)

    @classmethod
    def translate_escaped_str(cls, val):
        return json.dumps(str(val), ensure_ascii=False)

    @classmethod
    def translate_none(cls, val):
        return "null"

    @classmethod
    def translate_dict(cls, val):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{cls.translate(v)}" for k, v in val.items()) + "}"

    @classmethod
    def translate_list(cls, val):
        return "[" + ",".join(cls.translate(v) for v in val) + "]"

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"const {name} = {str_val};"

    # The course's parameters cells: one `const NAME[: TYPE] = <JSON literal>; // what it is` per line.
    _DECLARATION = re.compile(r"^\s*const\s+([A-Za-z_$][\w$]*)\s*(?::\s*([^=]+?)\s*)?=\s*(.+?);\s*(?://\s*(.*))?$")

    @classmethod
    def inspect(cls, parameters_cell):
        """What `papermill --help-notebook` lists: each declared name, type, default and comment."""
        found = []
        for line in parameters_cell.source.splitlines():
            match = cls._DECLARATION.match(line)
            if match is None:
                continue
            name, annotation, default, help_text = match.groups()
            found.append(Parameter(name=name, inferred_type_name=(annotation or "None").strip(), default=default.strip(), help=(help_text or "").strip()))
        return found
