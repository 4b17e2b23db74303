from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api.views import ApiTokenViewSet, Logout, LogoutAll, ObtainToken
from agencies.api.views import AgencyViewSet
from notifications.api.views import NotificationViewSet
from reports.api.views import ReportPeriodsView, ReportViewSet
from tasks_app.api.views import (
    AgencyBreakdownView,
    AssignmentViewSet,
    CommentViewSet,
    ExplanationRequestViewSet,
    ExtensionRequestViewSet,
    ObstacleViewSet,
    OverdueListView,
    PlanSummaryView,
    PlanViewSet,
    TaskViewSet,
    TimelineView,
)

router = DefaultRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="api-token-own")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("plans", PlanViewSet, basename="plan")
router.register("tasks", TaskViewSet, basename="task")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("comments", CommentViewSet, basename="comment")
router.register("explanation-requests", ExplanationRequestViewSet, basename="explanation-request")
router.register("extension-requests", ExtensionRequestViewSet, basename="extension-request")
router.register("obstacles", ObstacleViewSet, basename="obstacle")
router.register("dashboard/overdue", OverdueListView, basename="dashboard-overdue")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("auth/logout/", Logout.as_view(), name="api-logout"),
    path("auth/logout-all/", LogoutAll.as_view(), name="api-logout-all"),
    path("dashboard/summary/", PlanSummaryView.as_view(), name="dashboard-summary"),
    path("dashboard/agencies/", AgencyBreakdownView.as_view(), name="dashboard-agencies"),
    path("dashboard/timeline/", TimelineView.as_view(), name="dashboard-timeline"),
    path("report-periods/", ReportPeriodsView.as_view(), name="report-periods"),
    *router.urls,
]
