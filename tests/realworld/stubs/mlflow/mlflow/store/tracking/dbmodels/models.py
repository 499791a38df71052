# Stub of mlflow/store/tracking/dbmodels/models.py: the models MLflow's migrations import,
# with their table names, and columns only where a migration queries or builds them.
from sqlalchemy import BigInteger, Boolean, Column, Float, Integer, String

from mlflow.store.db.base_sql_model import Base

SourceTypes = ["NOTEBOOK", "JOB", "LOCAL", "UNKNOWN", "PROJECT"]


class SqlRun(Base):
    __tablename__ = "runs"
    run_uuid = Column(String(32), primary_key=True)
    source_type = Column(String(20))
    lifecycle_stage = Column(String(20))


class SqlTag(Base):
    __tablename__ = "tags"
    key = Column(String(250), primary_key=True)
    value = Column(String(5000))
    run_uuid = Column(String(32), primary_key=True)


class SqlMetric(Base):
    __tablename__ = "metrics"
    key = Column(String(250), primary_key=True)
    value = Column(Float(precision=53), primary_key=True)
    timestamp = Column(BigInteger, primary_key=True)
    step = Column(BigInteger, primary_key=True)
    is_nan = Column(Boolean, primary_key=True)
    run_uuid = Column(String(32), primary_key=True)


class SqlLatestMetric(Base):
    __tablename__ = "latest_metrics"
    key = Column(String(250), primary_key=True)
    value = Column(Float(precision=53))
    timestamp = Column(BigInteger)
    step = Column(BigInteger)
    is_nan = Column(Boolean)
    run_uuid = Column(String(32), primary_key=True)


def _named(class_name, table_name):
    return type(class_name, (Base,), {
        "__tablename__": table_name,
        "id": Column(Integer, primary_key=True),
    })


SqlExperiment = _named("SqlExperiment", "experiments")
SqlExperimentTag = _named("SqlExperimentTag", "experiment_tags")
SqlDataset = _named("SqlDataset", "datasets")
SqlInput = _named("SqlInput", "inputs")
SqlInputTag = _named("SqlInputTag", "input_tags")
SqlTraceTag = _named("SqlTraceTag", "trace_tags")
SqlTraceMetadata = _named("SqlTraceMetadata", "trace_request_metadata")
SqlTraceMetrics = _named("SqlTraceMetrics", "trace_metrics")
SqlAssessments = _named("SqlAssessments", "assessments")
SqlIssue = _named("SqlIssue", "issues")
SqlSpan = _named("SqlSpan", "spans")
SqlScorer = _named("SqlScorer", "scorers")
SqlScorerVersion = _named("SqlScorerVersion", "scorer_versions")
SqlOnlineScoringConfig = _named("SqlOnlineScoringConfig", "online_scoring_configs")


class SqlTraceInfo(Base):
    __tablename__ = "trace_info"
    request_id = Column(String(50), primary_key=True)
