"""Voice commands: what counts as a command (hearing, pure rules), the vosk recognizer, the
listener thread that joins microphone and recognizer, speech models, and `voice test`."""
