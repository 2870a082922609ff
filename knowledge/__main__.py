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
    imports = sub.add_parser("import", help="turn a plan's PDF or text into passages and a draft contacts.yaml")
    imports.add_argument("file", help="the plan as a .pdf or a .txt file")
    imports.add_argument("--out", required=True, help="the municipality's folder, e.g. knowledge/tredje/")
    imports.add_argument("--document", help="the plan's document id (default: <folder>-beredskabsplan)")
    imports.add_argument("--title", help="the plan's title as cards show it (default: from the text)")
    imports.add_argument("--municipality", help="the municipality's name (default: from the folder)")
    args = parser.parse_args(argv)
    if args.command == "flows":
        return _flows(args.plan, args.out)
    if args.command == "import":
        return _import(args)

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


def _import(args) -> int:
    """Write <folder>/plan-text.yaml (the passages), a draft of the contacts, and plan.yaml if there is none."""
    from pathlib import Path

    import yaml

    from .importer import contacts_yaml, import_text, passages_yaml

    source, folder = Path(args.file), Path(args.out)
    if not source.is_file() or source.suffix.lower() not in (".pdf", ".txt"):
        print(f"{source}: not a .pdf or .txt file", file=sys.stderr)
        return 1
    name = folder.resolve().name
    document_id = args.document or f"{name}-beredskabsplan"
    municipality = args.municipality or f"{name.replace('-', ' ').title()} Kommune"
    try:
        imported = import_text(source, document_id)
    except Exception as exc:  # noqa: BLE001 - a broken PDF gets a clear message, not a traceback
        print(f"{source}: could not read the text ({exc})", file=sys.stderr)
        return 1
    if not imported.passages:
        print(f"{source}: no text found (a scanned PDF needs OCR first)", file=sys.stderr)
        return 1
    title = args.title or f"{municipality}s beredskabsplan"
    folder.mkdir(parents=True, exist_ok=True)
    document = {"id": document_id, "title": title, "publisher": municipality}
    written = [folder / "plan-text.yaml"]
    written[0].write_text(passages_yaml(imported, document), encoding="utf-8")
    # A draft next to contacts.yaml the vidensteam already keeps is never loaded (.yml): it is for review only.
    contacts = folder / ("contacts.draft.yml" if (folder / "contacts.yaml").exists() else "contacts.yaml")
    contacts.write_text(contacts_yaml(imported, document_id), encoding="utf-8")
    written.append(contacts)
    if not (folder / "plan.yaml").exists():
        plan = {"plan": {"id": name, "municipality": municipality, "title": title, "document": document_id,
                         "roles": {"acute": ["politi"]}}}
        (folder / "plan.yaml").write_text(
            "# Made by python -m knowledge import. Name the contacts staff are sent to in roles (sparring, acute,\n"
            "# underretning) once contacts.yaml is checked, and add `adopted:` with the date the council adopted it.\n"
            + yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
        written.append(folder / "plan.yaml")
    print(f"{len(imported.passages)} passages, {len(imported.contacts)} phone numbers and e-mail addresses")
    for path in written:
        print(f"wrote {path}")
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
