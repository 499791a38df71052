# Stub: the base class of the initial migration's DataDocument model.
class PrefectBaseModel:
    pass
