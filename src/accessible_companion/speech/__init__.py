"""Speech: the cue and main voices queued and cut (speaker), text rendered to audio (render),
a cache of renders, generated earcons, and the say/devices/voices commands (tools)."""
