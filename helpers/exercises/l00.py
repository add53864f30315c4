"""Exercises of lesson 00 (start here)."""
from helpers.checks import MultipleChoice

modes = MultipleChoice(
    "Your laptop runs macOS. Which lab mode do you get?",
    ["live, as root", "live, without root", "offline"],
    answer="offline",
    hints={"live, as root": "Live labs need Linux network namespaces; macOS has none.",
           "live, without root": "The rootless sandbox uses Linux user namespaces; macOS has none."},
    explain="Offline mode replays the authors' live runs, so every lesson still shows real results.",
)
