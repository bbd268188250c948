"""Command line: `subnat validate | cases | run | assumptions` (interfaces.md §3).

Bad input prints `file:line: column: message` lines and exits 1, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from subnat import __version__
from subnat.errors import ConsistencyError, InputError

log = logging.getLogger("subnat")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    try:
        return args.handler(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"subnat: {len(exc.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return 1
    except ConsistencyError as exc:
        print(f"subnat: consistency check failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("subnat: interrupted; no partial output was left behind.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into e.g. `head`, which closed early: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="subnat", description=(
        "Aggregate non-state and subnational climate commitments and estimate, with uncertainty, "
        "their effect on national emission projections."))
    parser.add_argument("--version", action="version", version=f"subnat {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="progress messages on stderr")
    # -v is accepted after the command too (`subnat run demo -v`); SUPPRESS keeps the global value
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="progress messages on stderr")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("validate", parents=[verbose], help="check a case folder or embedded case")
    p.add_argument("case", help="case folder or embedded case name (see `subnat cases`)")
    p.add_argument("--config", action="append", default=[], metavar="FILE",
                   help="config file(s) merged, in order, over the package defaults and the case's own settings")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("cases", parents=[verbose], help="list the embedded cases")
    p.set_defaults(handler=_cases)

    p = sub.add_parser("run", parents=[verbose], help="assess one case and write its outputs")
    p.add_argument("case", help="case folder or embedded case name")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--scenario", action="append", metavar="NAME",
                   help="no_nsa, full_implementation, expected or fixed_<x>; repeatable (default: config)")
    p.add_argument("--draws", type=_positive, metavar="N", help="Monte Carlo draws (default: config)")
    p.add_argument("--seed", type=_non_negative, metavar="N", help="random seed (default: config)")
    p.add_argument("--config", action="append", default=[], metavar="FILE",
                   help="config file(s) merged, in order, over the package defaults and the case's own settings")
    p.add_argument("--posterior", metavar="FILE",
                   help="achievement posterior (default: results/achievement/posterior.nc)")
    p.add_argument("--sensitivity", action="store_true",
                   help="also run the configured sensitivity cases: sensitivity.csv and the tornado figure")
    p.set_defaults(handler=_run)

    p = sub.add_parser("assumptions", parents=[verbose], help="print the assumption register")
    p.add_argument("--config", action="append", default=[], metavar="FILE",
                   help="config file(s) merged, in order, over the package defaults and the case's own settings")
    p.add_argument("--case", metavar="CASE", help="the register of one case (its own settings included)")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.set_defaults(handler=_assumptions)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be at least 0")
    return value


def _validate(args: argparse.Namespace) -> int:
    from subnat.aggregate.assess import prepare
    from subnat.aggregate.national import check_joins, national_series
    from subnat.aggregate.screen import screen
    from subnat.config import sources_from

    run = prepare(args.case, sources_from(args.config))
    case, settings = run.case, run.settings
    check_joins(case, settings.max_join_jump)
    screened = screen(case, settings.screen, national_series(case, settings.uncertainty.cps,
                                                                   settings.uncertainty.land_sink))
    print(f"{case.meta.name}: valid ({len(case.actors)} actors, {len(case.commitments)} commitments; "
          f"{len(screened.commitments)} assessable, {len(screened.exclusions)} would be excluded)")
    for row in screened.exclusions.itertuples(index=False):
        print(f"  excluded commitments.csv:{row.line}: {row.commitment_id}: {row.reason_code}: {row.detail}")
    return 0


def _cases(args: argparse.Namespace) -> int:
    from subnat.case.folder import embedded_cases
    from subnat.config import read_yaml

    for name, path in embedded_cases().items():
        meta = read_yaml(path / "case.yaml") or {}
        print(f"{name:<10} {meta.get('description', '')}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from subnat.config import sources_from
    from subnat.run import Full, headline, run_case

    config = sources_from(args.config)
    posterior = args.posterior
    if posterior is None:
        default = Path("results/achievement/posterior.nc")
        posterior = default if default.is_file() else None
    # the fit's diagnostics beside the posterior, for the achievement figure
    diagnostics = Path(posterior).with_name("diagnostics.csv") if posterior is not None else None
    notes: list[str] = []
    full = Full(sensitivity=args.sensitivity,
                diagnostics=diagnostics if diagnostics is not None and diagnostics.is_file() else None,
                skip_expected=notes.append if args.posterior is None else None)
    out = run_case(args.case, args.out, config, args.scenario, args.draws, args.seed, posterior, full)
    print(f"wrote {out}")
    print(headline(out / "summary.csv"))
    for note in notes:
        print(f"subnat: note: {note}", file=sys.stderr)
    return 0


def _assumptions(args: argparse.Namespace) -> int:
    from subnat.config import compose, sources_from
    from subnat.report.assumptions import register

    sources = sources_from(args.config)
    if args.case:
        from subnat.aggregate.assess import prepare

        run = prepare(args.case, sources)
        table = register(run.config, run.composed.set_by)
    else:
        composed = compose(sources)
        table = register(composed.config, composed.set_by)
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
        return 0
    for row in table.itertuples(index=False):
        varied = f"\n    varied by sensitivity case(s): {row.sensitivity_cases}" if row.sensitivity_cases else ""
        rationale = f"\n    rationale: {row.rationale}" if row.rationale else ""
        print(f"{row.key} = {row.value} [{row.unit}]\n    source: {row.source}{rationale}{varied}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
