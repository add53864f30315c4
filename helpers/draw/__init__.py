"""Plots and pictures (matplotlib), one module per topic: each function returns a Figure."""
