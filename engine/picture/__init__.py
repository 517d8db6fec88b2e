"""Scoring to picture: timecode, cue sheets, the tempo map and the tempo solver. Pure code, no Django.

- `timecode`: SMPTE timecode (24, 25, 29.97 drop-frame, 30 fps) and plain seconds <-> integer microseconds.
- `cuesheet`: CSV/TSV cue sheets in and out (all or nothing).
- `tempo_map`: ticks <-> seconds for a meter, a bar-0 tempo and tempo changes at bar starts.
- `solver`: the tempo and start offset (or a small tempo map) that put cues on beats and downbeats;
  its exact search is `search` (over convex polygons, `polygon`; one-dimensional helpers in `convex`).

Picture time is in integer microseconds; musical time in ticks at 480 per quarter; bars count from 0.
"""
