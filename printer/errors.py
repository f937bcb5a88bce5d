"""Errors raised by the printer package.

A bad URL is a configuration mistake (ValueError, never worth retrying); a PrinterError
is something that happened to a printer, and ``retryable`` tells a print queue whether
sending the same bytes again later can help.
"""


class PrinterUrlError(ValueError):
    """The printer URL in the configuration cannot be understood."""


class PrinterNotAllowedError(PrinterUrlError):
    """The URL is understood, but this server's printer policy does not allow it.

    Which schemes, device paths, networks and ports a printer may use is server
    configuration (LUOT_PRINTER_*), so that a printer URL can never write any file or reach
    any host; the message names what is allowed.
    """


class PrinterPolicyError(ValueError):
    """The printer policy in the server's configuration is malformed."""


class PaperWidthError(ValueError):
    """The chosen paper is wider than the printer profile can print."""


class PrinterError(Exception):
    """A printer could not take a job."""

    retryable = True


class PrinterOfflineError(PrinterError):
    """Nothing answers at the printer's address, or the connection broke."""


class PrinterTimeoutError(PrinterError):
    """The printer stopped accepting data in time (offline, out of paper, cover open)."""


class PrinterPaperError(PrinterError):
    """The printer reports that it is out of paper."""


class PrinterCoverOpenError(PrinterError):
    """The printer reports that its cover is open."""


class PrinterFaultError(PrinterError):
    """The printer reports an error of its own (cutter jammed, head too hot...)."""


class PrinterDriverMissingError(PrinterError):
    """The Python library needed for this kind of connection is not installed."""

    retryable = False
