"""`python -m knowledge check PLAN`: validate a plan the way the bot does at start-up."""
from __future__ import annotations

import argparse
import sys

from .loader import PlanError, load_plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate a plan and print OK or every error")
    check.add_argument("plan", help="a folder name under knowledge/ or a path to a plan folder")
    args = parser.parse_args(argv)

    try:
        knowledge = load_plan(args.plan)
    except PlanError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        print(f"{len(exc.errors)} error(s) in plan {args.plan!r}", file=sys.stderr)
        return 1
    print(f"OK: {knowledge.meta.municipality}: {len(knowledge.topics)} topics, "
          f"{len(knowledge.contacts)} contacts, {len(knowledge.files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
