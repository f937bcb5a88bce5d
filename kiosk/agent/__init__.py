"""The kiosk agent: runs on the kiosk PC, not in the server."""
