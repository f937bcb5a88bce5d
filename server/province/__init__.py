"""A province, seen from a commune centre's box: the pusher that sends the journal, the
HTTP client, the template merge, and `luot province …`. The database side of both ends is
the engine's (`engine/journal.py`, `engine/centre.py`, `engine/mirror.py`)."""
