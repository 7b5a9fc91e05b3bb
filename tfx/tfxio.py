"""`tfx_bsl.public.tfxio` as Trainer modules use it: `TensorFlowDatasetOptions` for
`fn_args.data_accessor.tf_dataset_factory`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TensorFlowDatasetOptions:
    batch_size: int = 1
    drop_final_batch: bool = False
    num_epochs: int | None = None
    shuffle: bool = True
    shuffle_buffer_size: int = 10000
    shuffle_seed: int | None = None
    label_key: str | None = None
