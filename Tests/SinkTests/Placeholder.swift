// SinkTests
