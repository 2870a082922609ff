"""`python -m bot reminder send --yes` and `python -m bot reminder status`: the yearly reminder from cron or a
timer, through the same code the bot runs, printing the same report the coordinator gets."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="area", required=True)
    reminder = sub.add_parser("reminder", help="the yearly reminder to every staff conversation")
    reminder.add_argument("command", choices=["send", "status"])
    reminder.add_argument("--yes", action="store_true", help="really send (send only)")
    stats = sub.add_parser("stats", help="the anonymous usage statistics (counts under 5 shown as <5)")
    stats.add_argument("--csv", action="store_true", help="as CSV: section,key,count")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.area == "stats":
        return _stats(args.csv)

    from bot.wiring import build_adapter, build_reminders, open_stores
    from bot.settings import Settings, SettingsError
    from knowledge import PlanError, load_plan

    try:
        settings = Settings.from_env(os.environ)
        knowledge = load_plan(settings.plan)
    except (SettingsError, PlanError) as exc:
        print("\n".join(exc.errors), file=sys.stderr)
        return 2
    if knowledge.reminder is None:
        print(knowledge.message("reminder_missing"), file=sys.stderr)
        return 2

    async def run() -> int:
        stores = await open_stores(settings)
        reminders = build_reminders(settings, knowledge, build_adapter(settings), stores)
        try:
            if args.command == "status":
                print(await reminders.status())
                return 0
            if not args.yes:
                print(f"Would send the yearly reminder to {await reminders.references.count()} conversations. "
                      f"Add --yes to send.")
                return 1
            from bot.reminders import report_text
            reports = await reminders.send_now()
            if not reports:
                print("The reminder is being delivered by another process (the running bot); "
                      "'python -m bot reminder status' shows how far it is.")
            for report in reports:
                print(report_text(report, knowledge))
            return 0
        finally:
            await reminders.close()
            await stores.close()

    return asyncio.run(run())


def _stats(as_csv: bool) -> int:
    import csv

    from bot.settings import Settings, SettingsError
    from bot.usage import SqliteUsageLog, aggregate
    from bot.wiring import open_stores

    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        print("\n".join(exc.errors), file=sys.stderr)
        return 2

    async def events():
        if not settings.shared_store:
            usage = SqliteUsageLog(settings.data_dir / "usage.sqlite")
            try:
                return await usage.events()
            finally:
                usage.close()
        # Every instance's events: they share the blob container.
        stores = await open_stores(settings)
        try:
            return await stores.usage.events()
        finally:
            await stores.close()

    rows = list(aggregate(asyncio.run(events())).rows())
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["section", "key", "count"])
        writer.writerows(rows)
    else:
        for section, key, count in rows:
            print(f"{section:20} {key:40} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
