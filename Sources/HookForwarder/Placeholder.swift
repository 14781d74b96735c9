// HookForwarder: the fetch-and-forward worker pool (issue 6).
