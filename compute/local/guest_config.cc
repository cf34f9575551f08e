#include "compute/local/guest_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "common/error.h"

namespace automat::compute::local {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw common::internal_error("cannot write " + path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

std::string render_guest_config(const GuestConfig& c) {
  std::ostringstream out;
  out << "[guestagent]\n"
      << "instance_id = " << c.instance_id << "\n"
      << "address = " << c.address << "\n"
      << "port = " << c.port << "\n"
      << "token = " << c.token << "\n"
      << "signing_key = " << c.signing_key << "\n"
      << "amqp_url = " << c.amqp_url << "\n"
      << "manager = " << c.manager << "\n"
      << "datastore_version = " << c.datastore_version << "\n"
      << "image_location = " << c.image_location << "\n"
      << "ram_mb = " << c.ram_mb << "\n"
      << "instance_dir = " << c.instance_dir << "\n"
      << "heartbeat_interval = " << c.heartbeat_interval << "\n"
      << "log_level = " << c.log_level << "\n";
  return out.str();
}

void write_private_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("open", tmp);
  // An older file may have been created with a wider mode.
  if (::fchmod(fd, 0600) < 0) {
    ::close(fd);
    fail("chmod", tmp);
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) < 0) {
    ::close(fd);
    fail("sync", tmp);
  }
  if (::close(fd) < 0) fail("close", tmp);
  if (::rename(tmp.c_str(), path.c_str()) < 0) fail("rename", path);
}

}  // namespace automat::compute::local
