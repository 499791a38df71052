# Stub: Prefect's logger, as a standard library one.
import logging


def get_logger(name=None):
    return logging.getLogger("prefect" if name is None else f"prefect.{name}")
