// Umbrella header for the system library; the Swift owner module imports it privately.
#pragma once
#include <gnutls/gnutls.h>
