"""`tfx.dsl`: Pipeline, Resolver (with its strategies) and Importer."""
from ..components.importer import Importer as Importer
from ..types import Channel as Channel
from .pipeline import Pipeline as Pipeline
from .resolver import Resolver as Resolver
from .resolver import experimental as experimental
