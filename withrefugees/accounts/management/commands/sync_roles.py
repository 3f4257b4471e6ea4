"""``manage.py sync_roles``: write the staff roles of ``accounts.roles`` to their groups
(``accounts.services.roles_sync``). Run by ``manage.py release`` after ``migrate``."""

from django.core.management.base import BaseCommand, CommandError

from withrefugees.accounts.services import RolePermissionsMissing, roles_sync


class Command(BaseCommand):
    help = "Create or update the staff role groups with exactly their permissions."

    def handle(self, *args, **options):
        try:
            result = roles_sync()
        except RolePermissionsMissing as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            for name, count in result.items():
                self.stdout.write(f"roles: {name}: {count} permissions")
