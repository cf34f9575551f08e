#include "db/models.h"

#include <algorithm>

namespace automat::db {

bool Principal::is_admin() const {
  return std::find(roles.begin(), roles.end(), "admin") != roles.end();
}

}  // namespace automat::db
