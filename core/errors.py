class Refused(Exception):
    """A service said no: `message` says why, in words meant for the person who asked."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
