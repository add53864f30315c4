"""python -m helpers.dns ... : start a DNS server in a lab node, or ask one (see helpers.dns.server)."""
import sys

from helpers.dns.server import main

sys.exit(main())
