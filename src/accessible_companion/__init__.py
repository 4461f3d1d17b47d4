"""Accessible Companion: switch scanning and voice for people whose hands or speech are weak."""

__version__ = "0.1.0"
