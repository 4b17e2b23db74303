from django.urls import path

from accounts import views

urlpatterns = [
    path("password_reset/", views.PasswordResetRequest.as_view(), name="password_reset"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<str:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
