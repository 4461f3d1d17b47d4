"""Displays: the terminal display, its drawing thread, and the block-letter font."""
