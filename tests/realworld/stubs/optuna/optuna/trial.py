# Stub of optuna.trial: the trial state enum migrations store.
import enum


class TrialState(enum.IntEnum):
    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4
