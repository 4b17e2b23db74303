from django.urls import path

from reports.views import report_ad_hoc, report_detail, report_draft, report_list_page, report_new_version_page

urlpatterns = [
    path("", report_list_page, name="reports"),
    path("<int:pk>/", report_detail, name="report_detail"),
    path("<int:pk>/new-version/", report_new_version_page, name="report_new_version"),
    path("draft/<str:plan>/<str:kind>/<int:year>/<int:number>/", report_draft, name="report_draft"),
    path("ad-hoc/", report_ad_hoc, name="report_ad_hoc"),
]
