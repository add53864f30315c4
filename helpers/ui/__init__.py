"""Widget factories (ipywidgets), one module per topic: each returns a widget, never displays it."""
