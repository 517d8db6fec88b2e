"""ASGI entry point: HTTP through Django, WebSockets through the room router.

The WebSocket stack refuses foreign Origins (AllowedHostsOriginValidator)
before any session or consumer code runs.
"""
import os

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
django_asgi_app = get_asgi_application()
if settings.STUDIO_SERVE_STATIC:
    # One process serves everything on the embedded default; behind a web server, turn this off.
    django_asgi_app = ASGIStaticFilesHandler(django_asgi_app)

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from composer_ui.backpressure import SendBacklogMiddleware  # noqa: E402
from composer_ui.routing import websocket_urlpatterns  # noqa: E402
from composer_ui.upload_gate import UploadGate  # noqa: E402
from studio.origin import origin_checked  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": UploadGate(django_asgi_app),  # a video upload's declared size, before Django reads it
        # AllowedHostsOriginValidator, minus a crash (studio/origin.py); SendBacklogMiddleware sits outside
        # the session layer, which wraps `send`: it needs the server's own to see slow readers.
        "websocket": origin_checked(
            SendBacklogMiddleware(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
    }
)
