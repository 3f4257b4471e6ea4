"""``manage.py upgrade_legacy_accounts``: move a database from before the accounts app onto
``accounts.User`` (see ``accounts.legacy``); does nothing on any other database. Run by
``manage.py release`` before ``migrate``."""

from django.core.management.base import BaseCommand, CommandError

from withrefugees.accounts import legacy


class Command(BaseCommand):
    help = ("Upgrade a database made before the accounts app (users in auth_user) so that "
            "migrate can go on; does nothing otherwise.")

    def handle(self, *args, **options):
        if not legacy.legacy_database():
            if options["verbosity"] > 1:
                self.stdout.write("accounts: no legacy users table, nothing to upgrade")
            return
        self.stdout.write("accounts: this database was made before the accounts app; "
                          "upgrading its users to accounts.User")
        try:
            result = legacy.legacy_upgrade()
        except legacy.LegacyUpgradeRefused as exc:
            raise CommandError(str(exc)) from exc
        for pk, username, email in result.users:
            self.stdout.write(f"  user #{pk} {username!r} now signs in as {email}")
        for column in result.foreign_keys:
            self.stdout.write(f"  {column} now points at accounts_user")
