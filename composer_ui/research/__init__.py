"""What researchers read: a piece's history, its analytics, and pseudonymous study exports.

Everything here is derived from the event log and the job tables; nothing here writes to a
piece. `timeline` merges both into one history, `walk` re-folds the log event by event, and
`analytics`, `diff` and `export` are built on those two.
"""
