"""`tfx.orchestration.metadata`."""
from ..metadata import ConnectionConfig as ConnectionConfig
from ..metadata import MetadataStore as MetadataStore
from ..metadata import sqlite_metadata_connection_config as sqlite_metadata_connection_config
