import getpass
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlplatform.api.accounts import operator_create


class Command(BaseCommand):
    help = "Create an operator account (or reset its password). Password from --password, "
    help += "$OPERATOR_PASSWORD, or a prompt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="Prefer $OPERATOR_PASSWORD: argv is visible.")
        parser.add_argument("--staff", action="store_true", help="Also allow the Django admin.")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"]).strip()
        if not username:
            raise CommandError("username must not be empty")
        password = options.get("password") or os.environ.get("OPERATOR_PASSWORD")
        if not password:
            try:
                password = getpass.getpass(f"Password for {username}: ")
            except (EOFError, KeyboardInterrupt):
                raise CommandError("no password given") from None
        if len(str(password)) < 8:
            raise CommandError("password must be at least 8 characters")
        operator_create(username=username, password=str(password), staff=bool(options["staff"]))
        self.stdout.write(self.style.SUCCESS(f"operator {username!r} is ready"))
