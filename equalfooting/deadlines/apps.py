from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "equalfooting.deadlines"
    default_auto_field = "django.db.models.BigAutoField"
