"""Displays: the terminal display, its drawing thread, the block-letter font, and the bedside
board (a Qt widget) with its layout, text fitting, painting and themes."""
