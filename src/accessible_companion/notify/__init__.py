"""Telling the caregiver's channels about a call for help (a command and a webhook)."""
