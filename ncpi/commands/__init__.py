"""The commands beyond build: national, publish, serve, watch, list, new and init."""
