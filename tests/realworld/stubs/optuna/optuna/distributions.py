# Stub of optuna.distributions: the names the v3.0.0.a migration imports. It converts stored
# distributions row by row; the corpus test's databases hold none, so these are never called.
class BaseDistribution:
    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs


class FloatDistribution(BaseDistribution): pass
class IntDistribution(BaseDistribution): pass
class UniformDistribution(BaseDistribution): pass
class LogUniformDistribution(BaseDistribution): pass
class DiscreteUniformDistribution(BaseDistribution): pass
class IntUniformDistribution(BaseDistribution): pass
class IntLogUniformDistribution(BaseDistribution): pass


def json_to_distribution(json_text):
    raise NotImplementedError("stub: no stored distributions in the corpus test")


def distribution_to_json(distribution):
    raise NotImplementedError("stub: no stored distributions in the corpus test")


def _convert_old_distribution_to_new_distribution(distribution, suppress_warning=False):
    return distribution
