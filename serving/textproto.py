"""A reader for the subset of protobuf's text format that TF Serving's configuration files use
(ModelServerConfig, BatchingParameters, MonitoringConfig): nested messages `name { ... }` (or `name: { ... }`,
`name < ... >`), scalars `name: value` with quoted strings, numbers, true/false and enum identifiers, repeated
fields by repetition, map entries written as `name { key: ... value: ... }`, and `#` comments. No schema is
involved: every field becomes a list of values in a dict, and the callers (serving/config.py) check names and
types, so a misspelt field is an error there. Type URLs, extensions and `[a, b]` list syntax are not supported
and raise ValueError naming the line."""
from __future__ import annotations

import re

_TOKEN = re.compile(r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<punct>[{}<>:;,\[\]])
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*
      | [-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)[fF]?
      | [-+]?inf(?:inity)?)
""", re.VERBOSE)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}


class Message(dict):
    """field name -> list of values (str, int, float, bool, Identifier or Message)."""

    def one(self, name: str, default=None):
        values = self.get(name, [])
        if len(values) > 1:
            raise ValueError(f"field {name!r} is given {len(values)} times; expected once")
        return values[0] if values else default


class Identifier(str):
    """An unquoted word: an enum value or true/false."""


def _tokens(text: str, source: str):
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"{source}:{line}: cannot read {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        if kind != "space":
            yield kind, m.group(), line
        line += m.group().count("\n")
        pos = m.end()


def _unquote(token: str) -> str:
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _scalar(kind: str, token: str, where: str):
    if kind == "string":
        return _unquote(token)
    if token in ("true", "True", "t"):
        return True
    if token in ("false", "False", "f"):
        return False
    if re.fullmatch(r"[-+]?\d+", token):
        return int(token)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
        return Identifier(token)
    try:
        return float(token.rstrip("fF"))
    except ValueError:
        raise ValueError(f"{where}: {token!r} is not a value") from None


def parse(text: str, source: str = "<text>") -> Message:
    """The message `text` holds, as nested Message dicts."""
    tokens = list(_tokens(text, source))
    pos = 0

    def message(close: str | None) -> Message:
        nonlocal pos
        out = Message()
        while True:
            if pos >= len(tokens):
                if close is None:
                    return out
                raise ValueError(f"{source}: unexpected end of file; expected {close!r}")
            kind, tok, line = tokens[pos]
            where = f"{source}:{line}"
            if close is not None and tok == close:
                pos += 1
                return out
            if kind != "word" or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", tok):
                raise ValueError(f"{where}: expected a field name, got {tok!r}")
            pos += 1
            colon = pos < len(tokens) and tokens[pos][1] == ":"
            if colon:
                pos += 1
            if pos >= len(tokens):
                raise ValueError(f"{where}: field {tok!r} has no value")
            vkind, vtok, _ = tokens[pos]
            if vtok in ("{", "<"):
                pos += 1
                value = message("}" if vtok == "{" else ">")
            elif vtok == "[":
                raise ValueError(f"{where}: list syntax [a, b] is not supported; repeat the field instead")
            elif not colon:
                raise ValueError(f"{where}: expected ':' or '{{' after {tok!r}")
            elif vkind in ("string", "word"):
                pos += 1
                value = _scalar(vkind, vtok, where)
                while vkind == "string" and pos < len(tokens) and tokens[pos][0] == "string":
                    value += _unquote(tokens[pos][1])  # adjacent strings concatenate
                    pos += 1
            else:
                raise ValueError(f"{where}: expected a value for {tok!r}, got {vtok!r}")
            out.setdefault(tok, []).append(value)
            if pos < len(tokens) and tokens[pos][1] in (";", ","):
                pos += 1

    return message(None)
