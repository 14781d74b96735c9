// Umbrella header for the system library; the Swift owner module (HookCompression) imports it privately.
#pragma once
#include <zlib.h>
