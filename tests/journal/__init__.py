"""The journal: its SQLite store, crash safety, report and export."""
