app_name = "statusreports"
urlpatterns: list = []
