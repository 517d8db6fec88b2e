from django.urls import path

from . import views

urlpatterns = [
    path("research/", views.research_page, name="research"),
    path("pieces/<int:piece_id>/history/", views.history_page, name="piece_history"),
    path("api/research/analytics/", views.analytics_all, name="research_analytics_all"),
    path("api/pieces/<int:piece_id>/history/", views.history, name="research_history"),
    path("api/pieces/<int:piece_id>/history/state/", views.state, name="research_state"),
    path("api/pieces/<int:piece_id>/history/diff/", views.diff, name="research_diff"),
    path("api/pieces/<int:piece_id>/analytics/", views.analytics, name="research_analytics"),
    path("api/pieces/<int:piece_id>/research/events.jsonl", views.export_jsonl, name="research_export_jsonl"),
    path("api/pieces/<int:piece_id>/research/events.csv", views.export_csv, name="research_export_csv"),
    path("api/pieces/<int:piece_id>/jobs/<int:job_id>/reproduce/", views.reproduce, name="research_reproduce"),
]
