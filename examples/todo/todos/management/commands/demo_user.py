"""manage.py demo_user: an admin account for trying the example locally."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the superuser admin (password admin) unless it exists. For local trials only."

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        if not users.objects.filter(username="admin").exists():
            users.objects.create_superuser("admin", password="admin")
            self.stdout.write("Created the superuser admin, password admin (local trials only).")
        else:
            self.stdout.write("The superuser admin exists (password admin unless you changed it).")
