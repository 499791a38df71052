# Stub of mlflow.exceptions.
class MlflowException(Exception):
    def __init__(self, message, error_code=None, **kwargs):
        super().__init__(message)
        self.message = message
