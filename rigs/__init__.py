"""Rigs: the real parts that tests and benchmarks both run against.

A private PulseAudio server and its recorder (`pulse`), a private Xvfb display and xdotool
(`xvfb`), synthetic speech clips (`speech_clips`), and a `Recorder` for what an adapter posts.
Nothing here depends on pytest: the fixtures built on these are in tests/support/fixtures.py.
"""
