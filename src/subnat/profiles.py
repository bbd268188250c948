"""Check a Snakemake profile against the installed Snakemake and Slurm executor plugin.

A profile key that the installed versions do not know, or that the plugin declares but never reads
(`slurm-no-account` in plugin 2.8), is silently ignored by Snakemake or breaks a run on the cluster
only. `check_profile` finds these before a run: `python -m subnat.profiles profiles/slurm-site`.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from importlib import metadata
from pathlib import Path

import yaml

from subnat.errors import InputError, Problem

PLUGIN = "snakemake-executor-plugin-slurm"
PLUGIN_PREFIX = "slurm-"  # the plugin's CLI options are --slurm-<field name with - for _>
# Profile keys whose value names rules (set-threads, set-resources) or groups (group-components).
RULE_KEYS = ("set-threads", "set-resources")
GROUP_KEYS = ("group-components",)
YTE_KEYS = ("__use_yte__", "__definitions__", "__variables__")


def snakemake_options() -> set[str]:
    """Every long option of the installed Snakemake CLI, without the leading `--`."""
    from snakemake.cli import get_argument_parser

    parser = get_argument_parser()
    return {s[2:] for action in parser._actions for s in action.option_strings if s.startswith("--")}


def plugin_fields() -> dict[str, str]:
    """The installed plugin's ExecutorSettings fields as profile keys (`slurm-status-command`),
    each mapped to its field name (`status_command`)."""
    from snakemake_executor_plugin_slurm import ExecutorSettings

    return {PLUGIN_PREFIX + f.name.replace("_", "-"): f.name for f in dataclasses.fields(ExecutorSettings)}


def plugin_source() -> str:
    """The installed plugin's Python source, all modules (to see which settings it reads)."""
    import snakemake_executor_plugin_slurm as plugin

    folder = Path(plugin.__file__).parent
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.py")))


def read_fields(source: str, fields: dict[str, str]) -> set[str]:
    """The fields the plugin reads somewhere besides declaring them: `settings.<name>` or a
    getattr/hasattr with `"<name>"`."""
    used = set()
    for key, name in fields.items():
        if re.search(rf"\.{name}\b|[\"']{name}[\"']", source):
            used.add(key)
    return used


def workflow_names(root: Path) -> tuple[set[str], set[str]]:
    """Rule names and group names declared in the workflow's rule files."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((root / "workflow" / "rules").glob("*.smk")))
    rules = set(re.findall(r"^rule (\w+):", text, re.M))
    groups = set(re.findall(r"^\s+group:\s*\n\s+[\"'](\w+)[\"']", text, re.M))
    return rules, groups


def key_lines(path: Path) -> dict[str, int]:
    """1-based line of each top-level key of the profile file (for the messages)."""
    lines = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"^([A-Za-z_][\w-]*):", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def load_profile(path: Path) -> dict:
    """The profile's top-level mapping as written (YTE expressions are not evaluated: only the
    keys are checked, and keys are plain YAML)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError(Problem(str(path), None, None, f"cannot read the profile: {err}")) from err
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), None, None, "expected a YAML mapping of option: value"))
    return data


def check_profile(folder: Path, root: Path) -> list[Problem]:
    """Every problem of the profile in `folder` (profile.yaml) against the installed Snakemake and
    plugin and the workflow under `root`; an empty list when every key is accepted and read."""
    path = folder / "profile.yaml"
    data = load_profile(path)
    lines = key_lines(path)
    options, fields = snakemake_options(), plugin_fields()
    used = read_fields(plugin_source(), fields)
    rules, groups = workflow_names(root)
    problems = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(str(path), lines.get(key), key, message))

    for key, value in data.items():
        if key in YTE_KEYS:
            continue
        if key.startswith(PLUGIN_PREFIX):
            if key not in fields:
                problem(key, f"not a setting of the installed {PLUGIN} {metadata.version(PLUGIN)}")
            elif key not in used:
                problem(key, f"declared but never read by {PLUGIN} {metadata.version(PLUGIN)}: no effect")
        elif key not in options:
            problem(key, f"not an option of the installed snakemake {metadata.version('snakemake')}")
        elif key in RULE_KEYS + GROUP_KEYS and isinstance(value, dict):
            known, kind = (rules, "rule") if key in RULE_KEYS else (groups, "group")
            for name in sorted(set(value) - known):
                problem(key, f"names {kind} {name!r}, which no workflow/rules/*.smk declares")
    return problems


def main(argv: list[str]) -> int:
    """`python -m subnat.profiles FOLDER...`: print the problems, exit 1 when there are any."""
    root = Path.cwd()
    found = []
    try:
        for folder in argv:
            found += check_profile(Path(folder), root)
    except InputError as err:
        print(err, file=sys.stderr)
        return 1
    for item in found:
        print(item, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
