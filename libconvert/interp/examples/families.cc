#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {

void AddFamilies(std::vector<OpExample>& /*out*/) {}

}  // namespace tinyforge::interp::examples
