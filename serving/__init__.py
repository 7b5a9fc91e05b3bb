"""`tensorlite serve`: a model server over tensorlite's C runtime speaking TF Serving's REST API (v1) and the Open
Inference Protocol (v2, KServe / Triton), with version policies, hot reload, dynamic batching and Prometheus
metrics. Modules: textproto (TF Serving's config files), config (flags and files), servable (one loaded version),
manager (versions on disk, polling), batching, codec_v1 / codec_v2 (JSON <-> tensors), app (the ASGI handler),
metrics, server (uvicorn, signals)."""
