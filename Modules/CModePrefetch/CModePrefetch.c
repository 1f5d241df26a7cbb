// The module is its header (an inline function); a C target needs one source file.
#include "CModePrefetch.h"
