"""python -m helpers.lab cleanup [--all] | list

cleanup  removes what labs left behind when their notebook kernel died (namespaces, links,
         programs, sandboxes); --all also stops labs that are still running.
list     shows the labs this user has running.
"""
from __future__ import annotations

import argparse

from helpers.lab.state import cleanup, is_alive, load_records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.lab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("cleanup", help="remove leftovers of course labs")
    clean.add_argument("--all", action="store_true", help="also stop labs that are still running")
    sub.add_parser("list", help="list this user's labs")
    args = parser.parse_args(argv)
    if args.command == "cleanup":
        removed = cleanup(everything=args.all)
        if removed:
            print(f"Removed {len(removed)} lab(s): {', '.join(removed)}")
        else:
            print("Nothing to clean up: no course labs were left behind.")
        return 0
    records = load_records()
    if not records:
        print("No course labs are running.")
    for record in records:
        state = "running" if is_alive(record.owner_pid, record.owner_start) else "left behind"
        print(f"{record.prefix}  lab '{record.lab}'  {record.backend:<8}  owner pid {record.owner_pid}  {state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
