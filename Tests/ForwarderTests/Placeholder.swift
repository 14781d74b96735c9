// ForwarderTests
