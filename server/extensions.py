"""Extension objects, created unbound and bound to an app in `create_app`."""

from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
