"""Tidings: an open, self-hostable news engine.

Data flows one way through the stages: sources → crawl → extract → nlp →
headlines → rank → serve. ``tidings.pipeline`` wires the stages to the store.
"""

__version__ = "0.1.0"
