from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and benchmark data (``seed_demo``, ``seed_load``): the top of the house, it writes into
    every app below it and nothing imports it."""

    name = "demo"
    verbose_name = _("Demo data")
