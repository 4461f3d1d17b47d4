"""The journal: what happened (check-ins, rests, alerts, phrases, ...) in a SQLite file, the
caregiver report made from it, and its CSV export.

Only the store is imported here; the report (and matplotlib) load when a report is made.
"""

from .cli import main, register
from .store import Journal, JournalError, Stamped
from .writer import JournalWriter

__all__ = ["Journal", "JournalError", "JournalWriter", "Stamped", "main", "register"]
