"""Sound as samples: PCM values, playback to an output device, the microphone, PortAudio helpers."""
