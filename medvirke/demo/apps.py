from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo world. Installed only for its `load_demo` command; it has no models."""

    name = "medvirke.demo"
    label = "demo"
