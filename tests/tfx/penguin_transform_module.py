"""A Transform + Trainer module in TFX's shape for the penguin data (written for these tests; TFX's own
penguin_tft module parses serialized tf.Examples, which tensorlite has no string tensors for). The
preprocessing_fn uses the full-pass analyzers; run_fn trains on the transformed examples and exports a
model that takes the raw features, the transform inside it."""
from tensorlite.tfx import tft, tfxio

import tensorlite as tf
from tensorlite import keras, tfx

_FEATURE_KEYS = ['culmen_length_mm', 'culmen_depth_mm', 'flipper_length_mm', 'body_mass_g']
_LABEL_KEY = 'species'
_NOT_INPUTS = (_LABEL_KEY, 'species_index')


def preprocessing_fn(inputs):
    outputs = {}
    for key in _FEATURE_KEYS:
        outputs[key + '_z'] = tft.scale_to_z_score(inputs[key])
    outputs['flipper_bucket'] = tf.cast(tft.bucketize(inputs['flipper_length_mm'], 4), tf.float32)
    outputs['mass_01'] = tft.scale_to_0_1(inputs['body_mass_g'])
    # the label passes through; its vocabulary (most frequent species first) is an output the model ignores
    outputs['species_index'] = tft.compute_and_apply_vocabulary(inputs[_LABEL_KEY], vocab_filename='species')
    outputs[_LABEL_KEY] = inputs[_LABEL_KEY]
    return outputs


def _input_fn(files, data_accessor, schema, batch_size):
    return data_accessor.tf_dataset_factory(
        files, tfxio.TensorFlowDatasetOptions(batch_size=batch_size, label_key=_LABEL_KEY, shuffle_seed=1),
        schema=schema).repeat()


def run_fn(fn_args: tfx.components.FnArgs):
    tf_transform_output = tft.TFTransformOutput(fn_args.transform_output)
    schema = tf_transform_output.transformed_metadata.schema
    train = _input_fn(fn_args.train_files, fn_args.data_accessor, schema, 20)
    evaluation = _input_fn(fn_args.eval_files, fn_args.data_accessor, schema, 10)
    names = sorted(f.name for f in schema.feature if f.name not in _NOT_INPUTS)
    inputs = [keras.layers.Input(shape=(1,), name=n) for n in names]
    d = keras.layers.concatenate(inputs)
    d = keras.layers.Dense(8, activation='relu')(d)
    model = keras.Model(inputs=inputs, outputs=keras.layers.Dense(3)(d))
    learning_rate = fn_args.custom_config.get('learning_rate', 1e-2)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    model.fit(train, steps_per_epoch=fn_args.train_steps, validation_data=evaluation,
              validation_steps=fn_args.eval_steps, verbose=0)
    tf.saved_model.save(model, fn_args.model_run_dir + '/inner')  # the model alone, for the tests

    raw = {k: keras.layers.Input(shape=(1,), name=k) for k in _FEATURE_KEYS}
    transformed = tf_transform_output.transform_features_layer(exclude=_NOT_INPUTS)(raw)
    serving = keras.Model(inputs=[raw[k] for k in _FEATURE_KEYS], outputs=model(transformed))
    serving.save(fn_args.serving_model_dir, save_format='tf')
