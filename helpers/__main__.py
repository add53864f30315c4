"""python -m helpers doctor [--one-line]: the lab mode and the tools the labs use."""
from __future__ import annotations

import argparse

from helpers.lab.backends import detect_mode, tool_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers")
    sub = parser.add_subparsers(dest="command", required=True)
    doctor = sub.add_parser("doctor", help="show the lab mode and which tools are present")
    doctor.add_argument("--one-line", action="store_true")
    args = parser.parse_args(argv)
    mode = detect_mode()
    print(mode.one_line())
    if not args.one_line:
        print()
        print(tool_report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
