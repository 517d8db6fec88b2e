from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import api, api_files, api_picture, views

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("join/<str:token>/", views.join, name="join"),
    path("pieces/new/", views.piece_new, name="piece_new"),
    path("pieces/<int:piece_id>/", views.piece, name="piece"),
    path("pieces/<int:piece_id>/score/", views.piece_score, name="piece_score"),
    # JSON API (docs/api.md)
    path("api/pieces/", api.pieces, name="api_pieces"),
    path("api/pieces/<int:piece_id>/", api.piece_detail, name="api_piece"),
    path("api/pieces/<int:piece_id>/events/", api.piece_events, name="api_piece_events"),
    path("api/pieces/<int:piece_id>/ops/", api.piece_ops, name="api_piece_ops"),
    path("api/pieces/<int:piece_id>/members/", api.members, name="api_members"),
    path("api/pieces/<int:piece_id>/members/<int:user_id>/", api.member_detail, name="api_member"),
    path("api/pieces/<int:piece_id>/invites/", api.invites, name="api_invites"),
    path("api/pieces/<int:piece_id>/invites/<str:token>/", api.invite_detail, name="api_invite"),
    path("api/engine/", api.engine_capabilities, name="api_engine"),
    path("api/pieces/<int:piece_id>/jobs/", api.jobs, name="api_jobs"),
    path("api/pieces/<int:piece_id>/jobs/<int:job_id>/", api.job_detail, name="api_job"),
    path("api/pieces/<int:piece_id>/jobs/<int:job_id>/decide/", api.job_decide, name="api_job_decide"),
    path("api/pieces/<int:piece_id>/jobs/<int:job_id>/regenerate/", api.job_regenerate, name="api_job_regenerate"),
    path("api/pieces/<int:piece_id>/export/<str:fmt>/", api_files.piece_export, name="api_piece_export"),
    path("api/pieces/import/", api_files.pieces_import, name="api_pieces_import"),
    path("api/pieces/<int:piece_id>/import/", api_files.piece_import, name="api_piece_import"),
    # Scoring to picture (docs/picture.md)
    path("api/pieces/<int:piece_id>/cues/import/", api_picture.cue_sheet_import, name="api_cues_import"),
    path("api/pieces/<int:piece_id>/cues/export/", api_picture.cue_sheet_export, name="api_cues_export"),
    path("api/pieces/<int:piece_id>/fit/", api_picture.fit, name="api_fit"),
    path("api/pieces/<int:piece_id>/video/", api_picture.video, name="api_video"),
    path("api/pieces/<int:piece_id>/video/file/", api_picture.video_file, name="api_video_file"),
    # Research: history, analytics and exports (docs/research-log.md)
    path("", include("composer_ui.research.urls")),
]
