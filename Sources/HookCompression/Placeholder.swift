// HookCompression: streaming gzip on zlib (see issue 6 §5, logs-ingestion).
