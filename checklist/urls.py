app_name = "checklist"
urlpatterns = []
