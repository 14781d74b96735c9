// HookCompressionTests
