"""The pure core: events and time in, effects out. No threads, clocks, devices or files."""
