"""The one error of backing up and restoring: an operator's message, Chinese then English."""


class BackupError(Exception):
    """A backup or restore that cannot go on; nothing it started is left half done."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
