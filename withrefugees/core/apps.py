from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "withrefugees.core"
    label = "core"

