from django.urls import path

from .consumers import RoomConsumer

websocket_urlpatterns = [path("ws/pieces/<int:piece_id>/", RoomConsumer.as_asgi())]
