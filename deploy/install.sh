#!/bin/sh
# Put this box into service as a Lượt centre, province, kiosk or screen (or uninstall):
#   sudo deploy/install.sh centre|province|kiosk|screen|uninstall [options]   (--help)
# The work is done by install.py, with the system's Python 3 (standard library only).
exec python3 "$(dirname "$0")/install.py" "$@"
