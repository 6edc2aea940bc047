app_name = "workflows"
urlpatterns = []
