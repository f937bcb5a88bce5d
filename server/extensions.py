"""Extension objects, created unbound and bound to an app in `create_app`."""

from flask_socketio import SocketIO

socketio = SocketIO()
