// SinkFakes: loopback fakes of sink destinations.
