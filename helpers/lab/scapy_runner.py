"""Runs a scapy experiment inside a lab node: the code arrives on stdin, scapy is imported.

The experiment sets a variable ``result`` (anything JSON can hold); it is printed after a marker
line so the lab can tell it apart from what the code itself printed. Used by Node.scapy().
"""
import json
import logging
import sys

MARKER = "\n__NETCOURSE_RESULT__\n"

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import *  # noqa: E402,F401,F403 - the experiment uses scapy's names directly

result = None
exec(compile(sys.stdin.read(), "<scapy experiment>", "exec"))
sys.stdout.write(MARKER + json.dumps(result, default=str, sort_keys=True) + "\n")
