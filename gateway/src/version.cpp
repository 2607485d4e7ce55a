#include "gateway/version.h"

namespace gateway {

const char* version() {
    return "0.1.0";
}

}  // namespace gateway
