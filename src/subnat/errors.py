"""The project's own error types: every problem a user can fix names file, line and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a user's input. `line` is the 1-based line in the file (header = 1)."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        """`file:line: column: message`, leaving out the parts that are unknown:
        `file:line: message` (no column), `file: column: message` (no line), `file: message`."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class SubnatError(Exception):
    """A problem the user can fix (bad input, a failed check or gate): the workflow and the CLIs
    report its message without a traceback (`subnat.workflow.run_logged`)."""


class InputError(SubnatError):
    """Bad input: carries every problem found, so users can fix them all in one go."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConsistencyError(SubnatError):
    """A scientific consistency check failed (method.md §8): inputs disagree with each other."""


MAX_EXCERPT_CHARS = 60  # no message quotes more of a file's content than this


def excerpt(text: str, limit: int = MAX_EXCERPT_CHARS) -> str:
    """A short, printable excerpt of file content for a message: control characters are
    replaced and long text cut (a message never echoes more of a file than this)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text)[: limit + 1])
    return text if len(text) <= limit else text[: limit - 3] + "..."
