"""django-allauth's hooks for this site (``ACCOUNT_ADAPTER``)."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are made for invited addresses only
    (``accounts.services``)."""

    def is_open_for_signup(self, request) -> bool:
        return False
