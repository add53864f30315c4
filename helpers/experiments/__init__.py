"""The live labs each lesson builds, as functions: ``helpers.experiments.l05.arp_lab()``.

A lesson cell calls one line to get its topology; tests build the very same labs to check their
behaviour. Each module is named after its lesson (lNN.py).
"""
