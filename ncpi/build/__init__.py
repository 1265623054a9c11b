"""The build graph: each output's name, what is stale, the pipeline, the one writer."""
