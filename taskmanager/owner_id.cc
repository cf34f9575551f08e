#include "taskmanager/owner_id.h"

#include <unistd.h>

#include "common/crypto.h"

namespace automat::taskmanager {

std::string make_owner_id() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(::getpid()) + ":" +
         common::crypto::random_hex(4);
}

}  // namespace automat::taskmanager
