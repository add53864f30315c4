"""The error an AWS API call would return, as a course error a learner can read and fix."""
from __future__ import annotations

from helpers.errors import InputError


class AwsError(InputError):
    """A change AWS would refuse: ``code`` is AWS's own error code, the message one sentence.

    ``str(error)`` reads "InvalidSubnet.Range: the CIDR 10.1.0.0/24 is not inside ..." so a
    notebook shows the code a learner would see in the console or CLI, then what to do.
    """

    def __init__(self, code: str, sentence: str):
        self.code = code
        self.sentence = sentence
        super().__init__(f"{code}: {sentence}")
