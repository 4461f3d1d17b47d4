"""Boards in and out: the Open Board Format (.obf boards, .obz packages) to a config folder
and back. The format is read and written with the standard library (json, zipfile), no format
library; see README "Boards in and out".

    package   reading an .obf or .obz with limits (hostile files are refused)
    obf       the format's records as plain values
    walk      the boards reached from the root;  items  a button as an item
    to_menus  boards as menus;  fixes  what `check` needs of them;  folder  writing the config
    written   our config as written (files, `obf:` fields);  to_obf  menus as boards;  obz  the zip
    api       import_boards / export_boards;  cli  `accessible-companion boards ...`

Only the command line's `register` and `main` are imported here; the rest loads when used.
"""

from .cli import main, register

__all__ = ["main", "register"]
