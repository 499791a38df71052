# Stub of optuna.study: the direction enum a migration stores.
import enum


class StudyDirection(enum.IntEnum):
    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2
