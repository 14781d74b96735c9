@_exported import HookHTTPTypes
