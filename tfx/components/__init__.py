"""`tfx.components`: the standard components."""
from .evaluator import Evaluator as Evaluator
from .example_gen import CsvExampleGen as CsvExampleGen
from .example_gen import ImportExampleGen as ImportExampleGen
from .example_validator import ExampleValidator as ExampleValidator
from .infra_validator import InfraValidator as InfraValidator
from .pusher import Pusher as Pusher
from .schema_gen import ImportSchemaGen as ImportSchemaGen
from .schema_gen import SchemaGen as SchemaGen
from .statistics_gen import StatisticsGen as StatisticsGen
from .trainer import DataAccessor as DataAccessor
from .trainer import FnArgs as FnArgs
from .trainer import Trainer as Trainer
from .transform import Transform as Transform
