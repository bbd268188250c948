"""Configuration: one JSON Schema (with defaults and descriptions) drives validation and docs.

The schema lives in `workflow/schemas/config.schema.yaml` (shipped in the package as
`subnat/data/config.schema.yaml`); the package defaults are `config/config.yaml` (shipped as
`subnat/data/defaults.yaml`). The config of one case is composed from layers, later wins:

    package defaults  <  the case's own settings (settings.yaml in the case folder)
                      <  user config files, in the order given (each with its case_overrides.<case>)
                      <  command-line flags

whatever the working directory. Keys the schema leaves out are filled from its defaults, the
result is validated, and errors name the file, line and key. An assumption a layer sets without
its own `source` is marked as set in that layer (the default's citation no longer applies).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from subnat.errors import InputError, Problem


@cache
def load_schema() -> dict[str, Any]:
    """The config schema, read once."""
    text = resources.files("subnat").joinpath("data/config.schema.yaml").read_text("utf-8")
    return yaml.safe_load(text)


MAX_YAML_DEPTH = 50  # our files nest 6 levels at most; deeper is an attack or an accident
MAX_YAML_VALUES = 100_000  # values after expanding aliases (`*name`): refuses a "billion laughs"
MAX_YAML_PROBLEMS = 20
_TOO_DEEP = f"values nested more than {MAX_YAML_DEPTH} levels deep; subnat's YAML files need a few levels only"


class _YamlProblem(Exception):
    """A YAML construct subnat refuses (too deep, too large after aliases, duplicate key)."""

    def __init__(self, line: int | None, column: str | None, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses what subnat's files never need and PyYAML lets through:
    nesting deeper than MAX_YAML_DEPTH (a RecursionError otherwise), aliases expanding to more
    than MAX_YAML_VALUES values (a few lines can stand for 10^9 values), recursive aliases, and
    duplicate mapping keys (PyYAML keeps the last one silently). Every check is linear in the
    size of the file."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self.duplicates: list[_YamlProblem] = []

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # checked in the scanner as well: it looks ahead over every open `[`/`{` (quadratic)
        if self.flow_level >= MAX_YAML_DEPTH:
            raise _YamlProblem(self.line + 1, None, _TOO_DEEP)
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _YamlProblem(mark.line + 1, None, _TOO_DEEP)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            line = key.start_mark.line + 1
            name = key.value[:60]
            first = seen.setdefault((key.tag, key.value), line)
            if first != line and len(self.duplicates) < MAX_YAML_PROBLEMS:
                self.duplicates.append(_YamlProblem(
                    line, name, f"duplicate key '{name}' (first on line {first}); YAML would silently "
                                "keep the last value: remove one of them"))
        return node


def _node_count(root: Any, limit: int) -> int:
    """Values in the document with aliases expanded (stops counting above `limit`); raises
    _YamlProblem on a recursive alias. Each distinct node is visited once: linear in the file."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        children = _yaml_children(node)
        if finished:
            active.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[id(node)] > limit:
                return sizes[id(node)]
            continue
        if id(node) in sizes:
            continue
        if id(node) in active:
            raise _YamlProblem(node.start_mark.line + 1, None,
                               "recursive alias: a value contains itself; write the values out")
        active.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes.get(id(root), 0)


def _yaml_children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _load_strict(text: str) -> Any:
    """yaml.safe_load through _StrictLoader: compose (with the depth and duplicate-key checks),
    bound the size after aliases, then construct."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if loader.duplicates:
            raise InputError([Problem("", p.line, p.column, p.message) for p in loader.duplicates])
        if node is None:
            return None
        if _node_count(node, MAX_YAML_VALUES) > MAX_YAML_VALUES:
            raise _YamlProblem(None, None,
                               f"more than {MAX_YAML_VALUES:,} values once aliases (*name) are expanded; "
                               "refused (a YAML alias bomb?): write the values out")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml(path: str | Path) -> Any:
    """Read YAML safely; a syntax error becomes an InputError with the line.

    Refused with a clear error as well: nesting deeper than MAX_YAML_DEPTH, more than
    MAX_YAML_VALUES values after expanding aliases, recursive aliases and duplicate keys
    (docs/case-format.md, "Hostile input")."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(str(path), None, None, "file not found")) from None
    except IsADirectoryError:
        raise InputError(Problem(str(path), None, None, "is a folder, expected a YAML file")) from None
    except OSError as exc:
        raise InputError(Problem(str(path), None, None, f"cannot read: {exc.strerror}")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(str(path), line, None,
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8")
        ) from None
    try:
        return _load_strict(text)
    except InputError as exc:  # duplicate keys
        raise InputError([Problem(str(path), p.line, p.column, p.message) for p in exc.problems]) from None
    except _YamlProblem as exc:
        raise InputError(Problem(str(path), exc.line, exc.column, exc.message)) from None
    except RecursionError:  # a safety net: the depth checks come first
        raise InputError(Problem(str(path), None, None, _TOO_DEEP)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        position = getattr(exc, "position", None)  # ReaderError: control characters, NUL bytes
        if line is None and isinstance(position, int):
            line = text[:position].count("\n") + 1
        reason = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise InputError(Problem(str(path), line, None, f"invalid YAML: {_short(str(reason))}")) from None


MAX_MESSAGE_CHARS = 300


def _short(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Cap a message: schema errors quote the offending value, which may be megabytes long."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


Lines = Mapping[tuple[str, ...], int | tuple[str, int]]


def schema_problems(errors: Iterable[jsonschema.ValidationError], origin: str,
                    lines: Lines | None) -> list[Problem]:
    """Schema errors as Problems: line of the nearest key, dotted key as column.

    An unknown key (usually a typo) is reported at its own line and name, not at its parent's,
    so the user sees exactly which key to fix."""
    problems = []
    for error in errors:
        path = tuple(str(p) for p in error.absolute_path)
        unexpected = _unexpected_keys(error)
        if unexpected:
            for key in unexpected:
                here = (*path, key)
                problems.append(Problem(*_locate(here, origin, lines), ".".join(here),
                                        _short(f"unknown key '{key}' (check the spelling; allowed: "
                                               f"{', '.join(sorted(error.schema.get('properties', {})))})")))
            continue
        problems.append(Problem(*_locate(path, origin, lines), ".".join(path) or "(top level)",
                                _short(_message(error))))
    return problems


def _unexpected_keys(error: jsonschema.ValidationError) -> list[str]:
    if error.validator != "additionalProperties" or not isinstance(error.instance, Mapping):
        return []
    allowed = set(error.schema.get("properties", {}))
    return sorted(str(k) for k in error.instance if k not in allowed)


def non_finite_problems(data: Any, origin: str, lines: Lines | None,
                        prefix: tuple[str, ...] = ()) -> list[Problem]:
    """YAML accepts .nan and .inf, and JSON Schema bounds let NaN through: reject them here."""
    if isinstance(data, float) and not math.isfinite(data):
        return [Problem(*_locate(prefix, origin, lines), ".".join(prefix) or "(top level)",
                        f"expected a finite number, found {data}")]
    if isinstance(data, Mapping):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return []
    return [p for key, sub in items for p in non_finite_problems(sub, origin, lines, (*prefix, str(key)))]


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `override` into a copy of `base`: mappings recursively, everything else replaced."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def fill_defaults(instance: Any, schema: Mapping[str, Any]) -> Any:
    """Fill missing keys from the schema's `default`s, recursively (returns a new object)."""
    schema = _resolve(schema)
    if not isinstance(instance, dict):
        return instance
    filled = dict(instance)
    for key, sub in schema.get("properties", {}).items():
        sub = _resolve(sub)
        if key not in filled and "default" in sub:
            filled[key] = copy.deepcopy(sub["default"])
        if key in filled:
            filled[key] = fill_defaults(filled[key], sub)
    return filled


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `$ref` (only `#/$defs/...` is used in our schema)."""
    ref = schema.get("$ref") if isinstance(schema, Mapping) else None
    if not ref:
        return schema
    node: Any = load_schema()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return {**node, **{k: v for k, v in schema.items() if k != "$ref"}}


def resolve(config: Mapping[str, Any], origin: str = "config") -> dict[str, Any]:
    """Fill defaults and validate; raise InputError listing every problem."""
    schema = load_schema()
    filled = fill_defaults(deep_merge(fill_defaults({}, schema), config), schema)
    validate(filled, origin)
    return filled


def validate(config: Mapping[str, Any], origin: str = "config", lines: Lines | None = None) -> None:
    """Validate against the schema. `lines` maps key paths to lines (or to (file, line) when
    several files were merged) for messages."""
    validator = jsonschema.Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.path)))
    problems = schema_problems(errors, origin, lines) + non_finite_problems(config, origin, lines)
    if problems:
        raise InputError(problems)


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return f"{error.message} (check the spelling against config/README.md)"
    return error.message


def _locate(path: tuple[str, ...], origin: str, lines: Lines | None) -> tuple[str, int | None]:
    """File and line of the nearest key of `path` that a config file set."""
    for n in range(len(path), -1, -1):
        found = (lines or {}).get(path[:n])
        if isinstance(found, tuple):
            return found
        if found is not None:
            return origin, found
    return origin, None


def key_lines(path: str | Path) -> dict[tuple[str, ...], int]:
    """Line (1-based) of every mapping key in a YAML file, by key path."""
    try:
        node = yaml.compose(Path(path).read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return {}
    found: dict[tuple[str, ...], int] = {}

    def walk(n: Any, prefix: tuple[str, ...]) -> None:
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                here = (*prefix, str(key.value))
                found[here] = key.start_mark.line + 1
                walk(value, here)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                walk(item, (*prefix, str(i)))

    walk(node, ())
    return found


def load(paths: Iterable[str | Path] = (), overrides: Mapping[str, Any] | None = None
         ) -> dict[str, Any]:
    """Package defaults, then config files in order (later wins), then overrides; validated.
    No case's own settings: `subnat.aggregate.assess.prepare` adds them per case."""
    return compose(sources_from(paths, overrides)).config


PACKAGE_DEFAULTS = "package defaults"


@dataclass(frozen=True)
class Layer:
    """One source of settings as written (partial), with where it came from and its hash."""

    origin: str  # a file path, "command line", ...
    data: Mapping[str, Any]
    sha256: str
    lines: Mapping[tuple[str, ...], int] = field(default_factory=dict)  # key path -> line in the file


@dataclass(frozen=True)
class ConfigSources:
    """Everything a run's config is composed from, except the case's own settings (read per case)."""

    base: Layer  # the package defaults (or the workflow's config/config.yaml, which is the same file)
    layers: tuple[Layer, ...] = ()  # user files in order, then command-line flags

    def with_flags(self, flags: Mapping[str, Any], origin: str = "command line") -> ConfigSources:
        """These sources with one more command-line layer (nothing when `flags` is empty)."""
        return ConfigSources(self.base, (*self.layers, flags_layer(flags, origin))) if flags else self

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for Snakemake params: a change of any layer reruns the rules)."""
        return {"base": _layer_dict(self.base), "layers": [_layer_dict(layer) for layer in self.layers]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConfigSources:
        return cls(_layer_of(data["base"]), tuple(_layer_of(d) for d in data["layers"]))

    @classmethod
    def of(cls, config: Mapping[str, Any], origin: str = "config") -> ConfigSources:
        """A single resolved config as the only source (tests, sensitivity runs)."""
        return cls(Layer(origin, dict(config), config_hash(config)))

    @classmethod
    def coerce(cls, config: ConfigSources | Mapping[str, Any]) -> ConfigSources:
        """Sources as given: a ConfigSources, or one resolved config as the only source."""
        return config if isinstance(config, ConfigSources) else cls.of(config)


def _layer_dict(layer: Layer) -> dict[str, Any]:
    return {"origin": layer.origin, "data": dict(layer.data), "sha256": layer.sha256,
            "lines": [[list(k), v] for k, v in layer.lines.items()]}


def _layer_of(data: Mapping[str, Any]) -> Layer:
    return Layer(data["origin"], data["data"], data["sha256"], {tuple(k): v for k, v in data.get("lines", [])})


@dataclass(frozen=True)
class Composed:
    """The config of one case and, per assumption key, the layer that set it when not the defaults."""

    config: dict[str, Any]
    set_by: dict[str, str]
    sources: list[dict[str, str]]  # origin and SHA-256 of every layer used, in order


def read_layer(path: str | Path) -> Layer:
    """A config file as a layer (a syntax error or a non-mapping is an InputError with the line)."""
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), 1, None, "expected a mapping of config keys"))
    return Layer(str(path), data, hashlib.sha256(Path(path).read_bytes()).hexdigest(), key_lines(path))


def sampling_flags(draws: int | None = None, seed: int | None = None) -> dict[str, Any]:
    """`--draws` and `--seed` as config keys (empty when neither is given)."""
    flags: dict[str, Any] = {}
    if draws is not None:
        flags["sampling"] = {"draws": {"value": int(draws)}}
    if seed is not None:
        flags.setdefault("sampling", {})["random_seed"] = int(seed)
    return flags


def flags_layer(values: Mapping[str, Any], origin: str = "command line") -> Layer:
    """Settings given on the command line (e.g. --draws, --seed) as the last layer."""
    return Layer(origin, dict(values), config_hash(values))


@cache
def package_defaults() -> Layer:
    """config/config.yaml as shipped in the package: the lowest layer of every run (read once)."""
    layer = read_layer(Path(str(resources.files("subnat").joinpath("data/defaults.yaml"))))
    return Layer(PACKAGE_DEFAULTS, layer.data, layer.sha256, layer.lines)


def sources_from(paths: Iterable[str | Path] = (), flags: Mapping[str, Any] | None = None,
                 base: Layer | None = None) -> ConfigSources:
    """The sources of a command: package defaults (or `base`), the files in order, then flags.
    Every file is validated on its own over the defaults so errors name its line; a file that is
    the base itself (e.g. config/config.yaml given again with --configfile) is not a layer."""
    base = base or package_defaults()
    layers = [read_layer(p) for p in paths]
    layers = [layer for layer in layers if layer.sha256 != base.sha256]
    for layer in layers:
        _validate_layer(base, layer)
    if flags:
        layers.append(flags_layer(flags))
    return ConfigSources(base, tuple(layers))


def _validate_layer(base: Layer, layer: Layer) -> None:
    merged = fill_defaults(deep_merge(fill_defaults({}, load_schema()), base.data), load_schema())
    merged = fill_defaults(deep_merge(merged, layer.data), load_schema())
    validate(merged, layer.origin, layer.lines)


def compose(sources: ConfigSources, case: str | None = None, case_layer: Layer | None = None) -> Composed:
    """The config of one case (or of no case): every layer merged in precedence order, validated;
    a problem is reported at the file and line of the layer that set the key last."""
    order: list[Layer] = []
    for layer in [sources.base, *([case_layer] if case_layer else []), *sources.layers]:
        order.append(layer)
        per_case = (layer.data.get("case_overrides") or {}).get(case) if case else None
        if per_case:
            order.append(Layer(f"{layer.origin} (case_overrides.{case})", per_case, layer.sha256, {}))
    merged: dict[str, Any] = fill_defaults({}, load_schema())
    set_by: dict[str, str] = {}
    lines: dict[tuple[str, ...], tuple[str, int]] = {}
    for layer in order:
        merged = _merge_layer(merged, layer, None if layer is sources.base else set_by)
        lines.update({key: (layer.origin, line) for key, line in layer.lines.items()})
    filled = fill_defaults(merged, load_schema())
    validate(filled, order[-1].origin, lines)
    return Composed(filled, set_by, [{"origin": layer.origin, "sha256": layer.sha256} for layer in order])


def _merge_layer(merged: dict[str, Any], layer: Layer, set_by: dict[str, str] | None) -> dict[str, Any]:
    """`deep_merge`, aware of assumption objects: one set without a `source` says where it was set
    (the default's citation and rationale belong to the default value, not to this one)."""
    data = copy.deepcopy(dict(layer.data))
    if set_by is not None:
        for key, node in _assumption_nodes(data, load_schema(), ()):
            set_by[".".join(key)] = layer.origin
            if "source" not in node:
                node["source"] = f"set in {layer.origin}"
                node.setdefault("rationale", "")
    return deep_merge(merged, data)


def _assumption_nodes(node: Any, schema: Mapping[str, Any], key: tuple[str, ...]
                      ) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Assumption objects ({value, source, rationale} in the schema) that a layer sets, by key."""
    schema = _resolve(schema)
    props = schema.get("properties", {})
    if "value" in props and "source" in props:
        if isinstance(node, dict) and "value" in node:
            yield key, node
        return
    if isinstance(node, dict):
        for name, sub in node.items():
            if name in props:
                yield from _assumption_nodes(sub, props[name], (*key, str(name)))


def case_layer(folder: str | Path) -> Layer | None:
    """The settings shipped with a case (`settings.yaml` in its folder), or None."""
    from subnat.case.folder import CASE_SETTINGS

    path = Path(folder) / CASE_SETTINGS
    if not path.is_file():
        return None
    layer = read_layer(path)
    return Layer(f"case settings {_case_label(Path(folder))}/{CASE_SETTINGS}", layer.data, layer.sha256, layer.lines)


def _case_label(folder: Path) -> str:
    """`embedded:<name>` for an embedded case (the same in every install), else the folder as given."""
    from subnat.case.folder import EMBEDDED_PREFIX, embedded_cases

    for name, path in embedded_cases().items():
        if path.resolve() == folder.resolve():
            return f"{EMBEDDED_PREFIX}{name}"
    return str(folder)


def value(config: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted key, unwrapping assumption objects {value, source, ...}."""
    node: Any = config
    for part in dotted.split("."):
        node = node[part]
    if isinstance(node, Mapping) and "value" in node and "source" in node:
        return node["value"]
    return node


def set_dotted(config: Mapping[str, Any], dotted: str, new: Any) -> dict[str, Any]:
    """A copy of config with one dotted key replaced (used by sensitivity cases)."""
    updated = copy.deepcopy(dict(config))
    node = updated
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(new)
    return updated


def config_hash(config: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a (validated) config."""
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def assumptions(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every assumption object in the config: key, value, unit, source, rationale."""
    rows = []
    for key, node, schema in _walk(config, load_schema(), ()):
        if isinstance(node, Mapping) and "value" in node and "source" in node:
            rows.append({
                "key": ".".join(key),
                "value": node["value"],
                "unit": schema.get("x-unit", ""),
                "description": " ".join(str(schema.get("description", "")).split()),
                "source": node.get("source", ""),
                "rationale": node.get("rationale", ""),
            })
    return rows


def _walk(node: Any, schema: Mapping[str, Any], key: tuple[str, ...]
          ) -> Iterator[tuple[tuple[str, ...], Any, Mapping[str, Any]]]:
    schema = _resolve(schema)
    yield key, node, schema
    if isinstance(node, Mapping) and not ("value" in node and "source" in node):
        props = schema.get("properties", {})
        for name, sub in node.items():
            yield from _walk(sub, props.get(name, {}), (*key, str(name)))


# --- documentation generated from the schema ------------------------------------------------

def render_docs() -> str:
    """config/README.md, generated from the schema (a test checks it is in sync)."""
    schema = load_schema()
    out = [
        "# Configuration reference",
        "",
        "<!-- Generated from workflow/schemas/config.schema.yaml by "
        "`python -m subnat.config docs > config/README.md`. Do not edit by hand. -->",
        "",
        " ".join(str(schema.get("description", "")).split()),
        "",
        "Defaults are in `config/config.yaml` (with sources). Override them with "
        "`snakemake --configfile FILE` or `subnat run --config FILE`; overrides are merged "
        "over the defaults and validated again. An *assumption* is an object "
        "`{value, source, rationale}`: change `value` and say why in `rationale`.",
        "",
    ]
    for name, sub in schema["properties"].items():
        sub = _resolve(sub)
        out += [f"## `{name}`", "", " ".join(str(sub.get("description", "")).split()), ""]
        rows = list(_doc_rows(name, sub))
        if rows:
            out += ["| key | type | default | description |", "|---|---|---|---|"]
            out += [f"| `{k}` | {t} | {d} | {desc} |" for k, t, d, desc in rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _doc_rows(prefix: str, schema: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    for name, sub in schema.get("properties", {}).items():
        sub = _resolve(sub)
        key = f"{prefix}.{name}"
        props = sub.get("properties", {})
        description = " ".join(str(sub.get("description", "")).split()).replace("|", "\\|")
        if "value" in props and "source" in props:
            value_schema = _resolve(props["value"])
            unit = sub.get("x-unit", "")
            default = sub.get("default", {}).get("value", value_schema.get("default"))
            yield (f"{key}.value", _type_of(value_schema) + " (assumption)",
                   _fmt(default), f"{description} Unit: {unit}.")
        elif props and sub.get("type") == "object":
            yield from _doc_rows(key, sub)
        else:
            yield key, _type_of(sub), _fmt(sub.get("default")), description


def _type_of(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    kind = schema.get("type", "object")
    if kind == "array" and "items" in schema:
        return f"list of {_type_of(_resolve(schema['items']))}"
    return "/".join(kind) if isinstance(kind, list) else str(kind)


def _fmt(default: Any) -> str:
    if default is None:
        return "`null`"
    return "`" + json.dumps(default, ensure_ascii=False).replace("|", "\\|") + "`"


def main(argv: list[str] | None = None) -> int:
    """`python -m subnat.config docs` prints config/README.md; `check FILE` validates."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["docs"]:
        sys.stdout.write(render_docs())
        return 0
    if args[:1] == ["check"] and len(args) == 2:
        try:
            load([args[1]])
        except InputError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    print("usage: python -m subnat.config docs | check FILE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
