#!/usr/bin/env python3
"""Turns a scope-migrate mapping into SQL rows for the plain-SQL baseline of bench/run.sh.

Usage: python3 bench/mapping_to_sql.py [mappings/legacy-roles.yaml] > role_scope_map.sql

Reads the mapping and the scope catalog it names (relative to the mapping file), expands
globs against the catalog, and prints INSERT statements into
role_scope_map(role_norm text, scope text): one row for every normalised role name and
every normalised alias, times each of that role's expanded scopes. Normalisation follows
SPEC section 4: trim, lower-case, each run of spaces, "_" and "-" becomes one "-".

Uses PyYAML when it is installed; otherwise a small parser for the plain YAML subset the
shipped mapping and catalog use (block maps, block lists, flow lists of scalars, comments).
"""
import os
import re
import sys


# ---------------------------------------------------------------------------------------------
# Minimal YAML subset parser (fallback when PyYAML is missing)
# ---------------------------------------------------------------------------------------------

def _strip_comment(line):
    out, quote = [], None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        out.append(c)
    return "".join(out).rstrip()


def _scalar(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    if text in ("null", "~", ""):
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def _split_flow(text):
    items, cur, quote = [], [], None
    for c in text:
        if quote:
            cur.append(c)
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
            cur.append(c)
        elif c == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    if "".join(cur).strip():
        items.append("".join(cur))
    return items


def _value(text):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(x) for x in _split_flow(text[1:-1])]
    if text.startswith("{") and text.endswith("}"):
        out = {}
        for part in _split_flow(text[1:-1]):
            k, _, v = part.partition(":")
            out[_scalar(k)] = _scalar(v)
        return out
    return _scalar(text)


def _split_key(text):
    """'key: value' -> (key, value) honouring quotes in the key; None if not a mapping entry."""
    m = re.match(r'^("(?:[^"\\]|\\.)*"|\'[^\']*\'|[^:#]+?)\s*:(?:\s+(.*)|\s*)$', text)
    if not m:
        return None
    return _scalar(m.group(1)), (m.group(2) or "")


def mini_yaml_load(text):
    lines = []
    for raw in text.splitlines():
        line = _strip_comment(raw)
        if line.strip() and line.strip() != "---":
            lines.append((len(line) - len(line.lstrip(" ")), line.strip()))
    pos = 0

    def parse_block(indent):
        nonlocal pos
        if pos >= len(lines):
            return None
        if lines[pos][1].startswith("- ") or lines[pos][1] == "-":
            out = []
            while pos < len(lines) and lines[pos][0] == indent and (
                    lines[pos][1].startswith("- ") or lines[pos][1] == "-"):
                rest = lines[pos][1][1:].strip()
                kv = _split_key(rest) if rest else None
                if kv is not None and not rest.startswith(("[", "{", "\"", "'")):
                    # "- key: value" starts a map whose further keys sit at indent + 2
                    lines[pos] = (indent + 2, rest)
                    out.append(parse_block(indent + 2))
                elif rest:
                    pos += 1
                    out.append(_value(rest))
                else:
                    pos += 1
                    out.append(parse_block(lines[pos][0]) if pos < len(lines) and lines[pos][0] > indent else None)
            return out
        out = {}
        while pos < len(lines) and lines[pos][0] == indent:
            kv = _split_key(lines[pos][1])
            if kv is None:
                raise ValueError("cannot parse line: " + lines[pos][1])
            key, rest = kv
            pos += 1
            if rest.strip():
                out[key] = _value(rest)
            elif pos < len(lines) and (lines[pos][0] > indent or
                                       (lines[pos][0] == indent and lines[pos][1].startswith("- "))):
                out[key] = parse_block(lines[pos][0])
            else:
                out[key] = None
        return out

    return parse_block(lines[0][0]) if lines else None


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        import yaml  # PyYAML
    except ImportError:
        return mini_yaml_load(text)
    return yaml.safe_load(text)


# ---------------------------------------------------------------------------------------------
# Mapping semantics (SPEC section 4)
# ---------------------------------------------------------------------------------------------

def normalize_role(raw):
    out = []
    for c in raw.strip():
        if c in " _-":
            if not out or out[-1] != "-":
                out.append("-")
        else:
            out.append(c.lower())
    return "".join(out)


def normalize_scope(raw):
    return raw.strip().replace("_", "-").lower()


def glob_match(pattern, text):
    return re.fullmatch(".*".join(re.escape(p) for p in pattern.split("*")), text) is not None


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    mapping_path = sys.argv[1] if len(sys.argv) > 1 else "mappings/legacy-roles.yaml"
    mapping = load_yaml(mapping_path)
    catalog_path = os.path.join(os.path.dirname(mapping_path), mapping.get("catalog", "scopes.yaml"))
    catalog = [s["name"] for s in load_yaml(catalog_path)["scopes"]]

    rows = []
    seen_names = {}
    for role_name, body in mapping["roles"].items():
        body = body or {}
        scopes = set()
        for item in body.get("scopes") or []:
            pattern = normalize_scope(str(item))
            if "*" in pattern:
                matches = [s for s in catalog if glob_match(pattern, s)]
                if not matches:
                    sys.exit("%s: glob %r of role %r matches no scope" % (mapping_path, item, role_name))
                scopes.update(matches)
            elif pattern in catalog:
                scopes.add(pattern)
            else:
                sys.exit("%s: unknown scope %r in role %r" % (mapping_path, item, role_name))
        if not scopes:
            sys.exit("%s: role %r has no scopes" % (mapping_path, role_name))
        names = [normalize_role(str(role_name))] + [normalize_role(str(a)) for a in body.get("aliases") or []]
        for name in dict.fromkeys(names):  # a role's own alias may normalise to its name
            if name in seen_names and seen_names[name] != role_name:
                sys.exit("%s: %r normalises like a name of role %r" % (mapping_path, name, seen_names[name]))
            seen_names[name] = role_name
            rows.extend((name, s) for s in sorted(scopes))

    print("-- generated by bench/mapping_to_sql.py from %s: %d names, %d rows"
          % (mapping_path, len(seen_names), len(rows)))
    print("INSERT INTO role_scope_map (role_norm, scope) VALUES")
    print(",\n".join("  (%s, %s)" % (sql_literal(n), sql_literal(s)) for n, s in rows) + ";")


if __name__ == "__main__":
    main()
