"""The registry of domain-event subscribers: importing this module wires them all.

Each domain that reacts to another's events keeps its subscribers in `<domain>/handlers.py`
and is listed here once.
"""
