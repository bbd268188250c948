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
        line = "" if self.line is None else str(self.line)
        column = self.column or "-"
        return f"{self.file}:{line}: {column}: {self.message}"


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
