from django.urls import path

from tasks_app.views.assignment_page import (
    assignment_comment_correct,
    assignment_detail,
    assignment_detail_act,
    assignment_obstacle_step,
)
from tasks_app.views.dashboard import dashboard, overdue_ask
from tasks_app.views.explanations import explanation_answer, explanation_review, explanations
from tasks_app.views.extension_requests import extension_request_decision, extension_requests
from tasks_app.views.my_assignments import assignment_act, evidence_download, my_assignments
from tasks_app.views.obstacles import obstacle_step, obstacles_page
from tasks_app.views.review_queue import review_decide, review_queue_page, review_selection

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("my/", my_assignments, name="my_assignments"),
    path("my/<int:pk>/<str:act>/", assignment_act, name="assignment_act"),
    path("assignments/<int:pk>/", assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/<str:act>/", assignment_detail_act, name="assignment_detail_act"),
    path(
        "assignments/<int:pk>/comments/<int:comment_pk>/correct/",
        assignment_comment_correct,
        name="assignment_comment_correct",
    ),
    path(
        "assignments/<int:pk>/obstacles/<int:obstacle_pk>/<str:act>/",
        assignment_obstacle_step,
        name="assignment_obstacle_step",
    ),
    path("extensions/", extension_requests, name="extension_requests"),
    path("extensions/<int:pk>/decide/", extension_request_decision, name="extension_request_decision"),
    path("explanations/", explanations, name="explanations"),
    path("explanations/ask/", overdue_ask, name="explanations_ask"),
    path("explanations/<int:pk>/answer/", explanation_answer, name="explanation_answer"),
    path("explanations/<int:pk>/review/", explanation_review, name="explanation_review"),
    path("evidence/<int:pk>/", evidence_download, name="evidence_download"),
    path("obstacles/", obstacles_page, name="obstacles"),
    path("obstacles/<int:pk>/<str:act>/", obstacle_step, name="obstacle_step"),
    path("review/", review_queue_page, name="review_queue"),
    path("review/selection/", review_selection, name="review_selection"),
    path("review/<int:pk>/", review_decide, name="review_decide"),
]
