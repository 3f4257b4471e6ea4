"""Errors raised by service functions; views turn them into translated messages."""


class ServiceError(Exception):
    """A rule of the domain refused the operation. ``message`` is user-facing (lazy i18n)."""

    code = "service_error"

    def __init__(self, message=None, **params):
        self.params = params
        if message is not None:
            self.message = message
        super().__init__(str(getattr(self, "message", self.code)))
