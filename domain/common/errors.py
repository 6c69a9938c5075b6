"""Domain errors. The HTTP layer maps each class to a status code in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base class of every error the core raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class ValidationError(DomainError):
    """Input that breaks a rule; `field` names the offending input."""

    code = "invalid"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The request clashes with stored state (duplicate email, busy sync...)."""

    code = "conflict"


class Unauthenticated(DomainError):
    """No valid credentials were presented."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """Valid credentials, not enough rights."""

    code = "forbidden"


class TooManyRequests(DomainError):
    """A rate limit holds: `retry_after` is how many seconds to wait (at least 1)."""

    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = max(1, int(retry_after))


class PaymentRefused(DomainError):
    """The gateway refused the payment (e.g. a declined card)."""

    code = "payment_refused"


class FinalRefusal(PaymentRefused):
    """A refusal the gateway calls final (a cancelled, lost or stolen card): charging
    the same card again cannot succeed."""


class GatewayRejected(DomainError):
    """The payment gateway refused our request as invalid: retrying the
    same request cannot help. The message is the gateway's (never a secret)."""

    code = "gateway_rejected"


class ServiceUnavailable(DomainError):
    """A dependency (database, gateway, storage) cannot be reached; try again later."""

    code = "unavailable"


class GatewayTimeout(ServiceUnavailable):
    """A dependency did not answer in time."""

    code = "gateway_timeout"


class GatewayBusy(ServiceUnavailable):
    """The gateway was not called (its calls are all under way, or its circuit is open
    after repeated failures): nothing was charged; try again in a few seconds."""

    code = "gateway_busy"


class UnsupportedMedia(DomainError):
    """A file that is none of the accepted kinds (told by its bytes)."""

    code = "unsupported_media_type"


class TooLarge(DomainError):
    """A file over the configured size limit."""

    code = "payload_too_large"
