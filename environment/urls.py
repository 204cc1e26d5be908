app_name = "environment"
urlpatterns: list = []
