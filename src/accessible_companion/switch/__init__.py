"""The switch: presses read from X11 (pynput, with a passive grab) or from a terminal, and key names."""
