from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("verify/", views.verify_view, name="verify"),
    path("enrol/", views.enrol_view, name="enrol"),
    path("password/", login_required(views.PasswordChange.as_view()), name="password_change"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/<str:token>/", views.welcome_link, name="welcome_link"),
]
