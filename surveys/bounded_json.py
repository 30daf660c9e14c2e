"""JSON from a request body, read with a bound on nesting as well as on size.

Python's parser recurses once per level: a body of a few kilobytes of "[" ends in a
RecursionError, which no caller expects (a 500). The depth is counted before parsing, from
the brackets outside strings, so a deep body is refused without recursing at all.
"""

import json
import re

MAX_DEPTH = 32  # the API's bodies are flat objects; nothing the app takes nests deeper
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class JsonTooDeep(ValueError):
    """The body nests arrays or objects deeper than MAX_DEPTH."""


def too_deep(data: bytes | str, limit: int = MAX_DEPTH) -> bool:
    """Whether the body's arrays and objects nest deeper than the limit, strings aside.

    Stops at the first bracket past the limit, so a deep body costs no more than a shallow one.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub(b"", data)):
        depth += 1 if bracket.group() in b"[{" else -1
        if depth > limit:
            return True
    return False


def loads(data: bytes | str, **kwargs):
    """json.loads, refusing a body deeper than MAX_DEPTH with JsonTooDeep (a ValueError)."""
    if too_deep(data):
        raise JsonTooDeep(f"nested deeper than {MAX_DEPTH}")
    try:
        return json.loads(data, **kwargs)
    except RecursionError:  # not reachable below MAX_DEPTH; kept so no 500 can come of it
        raise JsonTooDeep(f"nested deeper than {MAX_DEPTH}") from None
