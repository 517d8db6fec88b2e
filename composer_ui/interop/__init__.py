"""Files in and out: MIDI, MusicXML and the JSON project file (docs/interop.md).

The converters (attribution, midi_export, musicxml_export, project, midi_read,
xml_checks, convert) are pure functions over states and bytes: no Django.
``reader`` runs untrusted parsing in a resource-limited child process
(``sandbox``); ``services`` is the only module here that touches the database.
This package's ``__init__`` imports nothing, so the sandbox child starts fast.
"""
