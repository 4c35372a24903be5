"""Renderers of a report: PDF (Qt), CSV, JSON, Markdown."""
