"""Writes that are not transitions (people, organizations, accounts, the calendar).

Each function validates its input completely, raises ``InvalidInput`` with Vietnamese messages
per field before anything is written, and writes inside the caller's unit of work with an audit
row, like the engine does.
"""
