"""Adapters: one file each, at the edge. They turn devices into events and effects into output."""
