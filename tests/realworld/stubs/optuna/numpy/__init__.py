# Stub of numpy (not installed beside Alembic): what Optuna's v3.0.0.c/d migrations use.
import math

float32 = "float32"


class finfo:
    def __init__(self, dtype):
        self.max = 3.4028234663852886e38
        self.min = -3.4028234663852886e38


def isnan(value):
    return math.isnan(value)


def isclose(a, b, rtol=1e-05, atol=1e-08):
    return abs(a - b) <= atol + rtol * abs(b)


def isposinf(value):
    return value == math.inf


def isneginf(value):
    return value == -math.inf
