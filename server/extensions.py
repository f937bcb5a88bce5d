"""Extension objects, created unbound and bound to an app in `create_app`."""

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect


def _rate_key() -> str:
    from .web.auth import rate_key

    return rate_key()


socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
# In memory by default, on Redis when REDIS_URL is set (the factory picks the storage).
limiter = Limiter(key_func=_rate_key)
