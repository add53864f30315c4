# %% [markdown]
# # 00 · Start here
#
# Welcome to **Networking for Cloud Infrastructure**, a course you run rather than read. Every
# idea, from the OSI model and subnetting to AWS VPCs, load balancers and CDNs, comes with
# something to run: a real network built in seconds on this machine, a simulator, a calculator,
# and a check (확인 문제) that tells you whether you understood it.
#
# This notebook (노트북) shows how the course works. Every later lesson (레슨) follows the same pattern.
#
# **Learning objectives.** After this notebook you can:
# 1. run a lesson from top to bottom and say which *lab (실습) mode* your machine gives you;
# 2. build a tiny live network and send a packet across it;
# 3. answer a *Check* and use its hint when the answer is wrong;
# 4. reset the labs if something is left behind.
#
# **Builds on:** nothing. You need to know how to run a cell (Shift+Enter; 셀).

# %% [markdown]
# ## How the course works
#
# * **Lessons** (`notebooks/01-...` to `14-...`) teach a few related concepts each, in order.
#   Each concept gets an explanation, something to run, a **Try it** (change something and run
#   again) and a **Check** (answer a question; a wrong answer gets a hint about *that* mistake).
# * **Labs** (`labs/`) are missions: a task, a network to build or fix, and automatic checks of
#   every step.
# * **helpers** is the Python package behind the notebooks. A lesson cell shows the few lines
#   being taught; the rest lives in `helpers/`, where you can read it.
#
# ## Setup
# Every lesson starts with this cell. It makes results repeatable (fixed random seeds), sets one
# plot style, and tells you in one line which **lab mode** (랩 모드) this machine gives you:
#
# * **live, as root** (루트, 관리자 계정): labs are real network namespaces (네트워크 네임스페이스) on this machine;
# * **live, without root**: the same labs inside a private sandbox (Linux user namespaces (사용자 네임스페이스));
# * **offline**: labs replay what the authors recorded live, so you still see real results.
#   Simulators, calculators and checks work the same in every mode.

# %%
import helpers

helpers.setup()

# %% [markdown]
# ## Your machine
# The labs drive ordinary Linux tools: `ip`, `nft`, `tcpdump`, `ping` (핑) and friends. Here is what
# this machine has. (A missing tool only matters for the live experiments that use it.)

# %%
# NBVAL_IGNORE_OUTPUT
from helpers.lab.backends import tool_report

report = tool_report()
print(report)
assert report.startswith("Tools for live labs:")

# %% [markdown] tags=["lab-demo"]
# ## A first live network
# A *network namespace* is a private copy of Linux's network stack: its own interfaces, addresses,
# routes and firewall. Two namespaces joined by a virtual cable (a *veth pair* (가상 이더넷 쌍, veth)) behave like two
# computers plugged into each other. Here is that network, declared in four lines:

# %%
from helpers.lab import Lab

lab = Lab("00-first-lab")
h1 = lab.host("h1")
h2 = lab.host("h2")
lab.link(h1, h2, ip1="10.0.0.1/24", ip2="10.0.0.2/24")
lab

# %% [markdown]
# Every lab can print itself as the shell commands that build it. You could paste these into a
# root shell on any Linux machine and get the same network:

# %%
lab.recipe()

# %% [markdown]
# Now build it and send three pings from `h1` to `h2`. `ping` sends ICMP *echo requests* (에코 요청 / 에코 응답); `h2`
# answers each with an *echo reply*, and ping prints how long each round trip took.

# %%
lab.start()
reply = h1.ping("10.0.0.2", count=3)
reply

# %% [markdown]
# The result is also data you can use in code:

# %%
print("sent:", reply.transmitted, " received:", reply.received, " loss:", reply.loss_percent, "%")
print("time to live of the replies:", reply.ttl)

# %% [markdown]
# ### Try it
# Change `count=3` above to `count=5` and run the cell again. Then try pinging `10.0.0.9`, an
# address no host has: ping waits for answers that never come. (Addresses outside the lab, like
# `8.8.8.8`, are refused: labs never send traffic outside themselves.)

# %% [markdown]
# ### Check
# Every lesson has checks like this one. Replace `None` with your answer and run the cell.
# A wrong answer gets a hint about that particular mistake.

# %%
from helpers.checks import Exercise, number

packets_lost = Exercise(
    "In the ping above, how many packets were lost?",
    answer=reply.transmitted - reply.received,
    normalize=number,
    hints=[(lambda n: n == reply.transmitted, "That is how many were sent; lost ones are sent but never answered."),
           (lambda n: n < 0, "A count of lost packets cannot be negative.")],
    explain="Every echo request got its reply, so nothing was lost.",
)
packets_lost.check(None)

# %% [markdown]
# Here is what a wrong answer and a right answer look like:

# %%
packets_lost.check(3)

# %%
packets_lost.check(0)

# %% [markdown]
# ## Stopping and resetting labs
# `lab.stop()` tears a lab down: its namespaces, cables and programs disappear. Labs also clean up
# when the notebook's kernel (커널) stops, even if it crashed. If something is ever left behind, run
# `python3 course.py cleanup` in a terminal, or the cell below.

# %%
lab.stop()
from helpers.lab import cleanup

left_behind = cleanup()  # a list of the labs it removed; empty when nothing was left

# %% [markdown]
# ## The lessons
# Work through them in order; each builds on the ones before.

# %%
from helpers.curriculum import lesson_map

lesson_map()

# %% [markdown]
# ## Summary
# * Lessons mix explanation, live experiments, **Try it** and **Check** cells.
# * The setup cell tells you the lab mode; offline mode (오프라인 모드) replays recorded experiments.
# * `Lab(...)` declares a network in a few lines; `lab.recipe()` shows the real commands;
#   `lab.start()` / `lab.stop()` build and remove it.
# * `python3 course.py cleanup` removes anything a crashed lab left behind.
#
# ## Terms
# Each lesson ends with its new terms in English and Korean (한국어).

# %%
from helpers import glossary

glossary.terms("00")

# %% [markdown]
# **Next:** [01 · Why the cloud](01-why-the-cloud.ipynb)
