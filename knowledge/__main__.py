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
    flows = sub.add_parser("flows", help="write the plan's flows as Mermaid diagrams (Markdown)")
    flows.add_argument("plan")
    flows.add_argument("--out", help="file to write (default: print)")
    args = parser.parse_args(argv)
    if args.command == "flows":
        return _flows(args.plan, args.out)

    try:
        knowledge = load_plan(args.plan)
    except PlanError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        print(f"{len(exc.errors)} error(s) in plan {args.plan!r}", file=sys.stderr)
        return 1
    for line in knowledge.warnings:
        print(f"warning: {line}", file=sys.stderr)
    print(f"OK: {knowledge.meta.municipality}: {len(knowledge.topics)} topics, "
          f"{len(knowledge.contacts)} contacts, {len(knowledge.files)} files"
          + (f", {len(knowledge.warnings)} warning(s)" if knowledge.warnings else ""))
    return 0


def _flows(plan: str, out: str | None) -> int:
    from pathlib import Path

    from .diagrams import plan_flows_markdown

    try:
        knowledge = load_plan(plan)
    except PlanError as exc:
        print("\n".join(exc.errors), file=sys.stderr)
        return 1
    text = plan_flows_markdown(knowledge)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
