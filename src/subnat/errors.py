"""The project's own error type: every problem a user can fix names file, line and column."""

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


class InputError(Exception):
    """Bad input: carries every problem found, so users can fix them all in one go."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConsistencyError(Exception):
    """A scientific consistency check failed (method.md §8): inputs disagree with each other."""
