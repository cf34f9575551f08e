#include "compute/local/volumes.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::compute::local {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kGiB = int64_t{1} << 30;
// mkfs.xfs refuses filesystems under 300 MB; the probe's image is that size.
constexpr int64_t kProbeBytes = int64_t{300} << 20;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Creates `path` as a sparse file of `bytes` (replacing one that exists).
void sparse_file(const std::string& path, int64_t bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw common::internal_error("cannot create " + path + ": " + std::strerror(errno));
  const int rc = ::ftruncate(fd, bytes);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    throw common::internal_error("cannot size " + path + " to " + std::to_string(bytes) +
                                 " bytes: " + std::strerror(err));
  }
}

}  // namespace

VolumeMode parse_volume_mode(const std::string& text) {
  if (text == "auto") return VolumeMode::kAuto;
  if (text == "loop") return VolumeMode::kLoop;
  if (text == "directory") return VolumeMode::kDirectory;
  throw common::bad_request("[compute] volumes must be auto, loop or directory, not '" + text +
                            "'");
}

Volumes::Volumes(std::string images_dir, VolumeMode mode,
                 std::unique_ptr<common::ProgramRunner> runner)
    : images_dir_(std::move(images_dir)), mode_(mode), runner_(std::move(runner)) {
  if (!runner_) runner_ = common::make_process_runner();
}

std::string Volumes::image_path(const std::string& id) const {
  return (fs::path(images_dir_) / (id + ".img")).string();
}

void Volumes::must(const std::vector<std::string>& argv, const std::string& what) {
  const common::ProgramRun run = runner_->run(argv, {});
  if (!run.ok()) {
    throw common::internal_error(what + ": " + argv[0] + " exited " +
                                 std::to_string(run.exit_code) + ": " + trimmed(run.output));
  }
}

bool Volumes::mounted(const std::string& path) {
  return runner_->run({"mountpoint", "-q", path}, {}).ok();
}

bool Volumes::real() { return fallback_reason().empty(); }

std::string Volumes::fallback_reason() {
  std::lock_guard<std::mutex> g(mu_);
  if (fallback_) return *fallback_;
  if (mode_ == VolumeMode::kDirectory) {
    fallback_ = "[compute] volumes = directory";
    return *fallback_;
  }
  // Decided by doing it once: make, mount and unmount a small filesystem.
  std::string reason;
  if (::geteuid() != 0) {
    reason = "the driver does not run as root";
  } else if (::access("/dev/loop-control", F_OK) != 0) {
    reason = "this host has no /dev/loop-control";
  } else {
    const std::string image = (fs::path(images_dir_) / ".probe.img").string();
    const std::string mount_point = (fs::path(images_dir_) / ".probe").string();
    try {
      fs::create_directories(mount_point);
      sparse_file(image, kProbeBytes);
      must({"mkfs.xfs", "-q", "-f", image}, "cannot make an XFS filesystem");
      must({"mount", "-o", "loop,nodev,nosuid", image, mount_point}, "cannot loop-mount it");
      must({"umount", mount_point}, "cannot unmount it");
    } catch (const common::Error& e) {
      reason = e.what();
    }
    std::error_code ec;
    if (mounted(mount_point)) runner_->run({"umount", mount_point}, {});
    fs::remove(image, ec);
    fs::remove(mount_point, ec);
  }
  fallback_ = reason;
  if (!reason.empty()) {
    common::log::warn("compute.volumes_are_directories",
                      {{"reason", reason},
                       {"effect", "volume sizes are not enforced; df shows the host's disk"}});
  } else {
    common::log::info("compute.volumes_are_filesystems",
                      {{"images", images_dir_}, {"filesystem", "xfs"}});
  }
  return reason;
}

void Volumes::make_image(const std::string& id, int size_gb) {
  std::error_code ec;
  fs::create_directories(images_dir_, ec);
  if (ec) throw common::internal_error("cannot create " + images_dir_ + ": " + ec.message());
  // Made under another name, so an image under the real one is always whole.
  const std::string fresh = image_path(id) + ".new";
  sparse_file(fresh, int64_t{size_gb} * kGiB);
  must({"mkfs.xfs", "-q", "-f", fresh}, "cannot make the volume of " + id);
  // fsynced, renamed, and its directory fsynced: after a crash the image
  // under its real name is the whole filesystem.
  common::replace_file_with(image_path(id), fresh);
}

void Volumes::ensure(const std::string& id, int size_gb, const std::string& mount_point) {
  std::error_code ec;
  fs::create_directories(mount_point, ec);
  if (ec) throw common::internal_error("cannot create " + mount_point + ": " + ec.message());
  if (const std::string reason = fallback_reason(); !reason.empty()) {
    if (mode_ == VolumeMode::kLoop) {
      throw common::internal_error("[compute] volumes = loop, but " + reason);
    }
    return;
  }
  // A server asked for without a size (the driver's own tests) keeps a
  // plain directory; the API never makes an instance without one.
  if (size_gb < 1 || mounted(mount_point)) return;
  if (!fs::exists(image_path(id))) make_image(id, size_gb);
  must({"mount", "-o", "loop,nodev,nosuid", image_path(id), mount_point},
       "cannot mount the volume of " + id);
  common::log::info("compute.volume_mounted",
                    {{"instance", id}, {"image", image_path(id)}, {"at", mount_point}});
}

std::string Volumes::loop_device_of(const std::string& image) {
  const common::ProgramRun run = runner_->run({"losetup", "-j", image}, {});
  // "/dev/loop3: [65024]:9979101 (/path/to/image)"
  const auto colon = run.output.find(':');
  if (!run.ok() || colon == std::string::npos || run.output.rfind("/dev/", 0) != 0) {
    throw common::internal_error("no loop device holds " + image + ": " + trimmed(run.output));
  }
  return run.output.substr(0, colon);
}

void Volumes::grow(const std::string& id, int size_gb, const std::string& mount_point) {
  if (!real()) return;  // a directory's size is only the number on the record
  const std::string image = image_path(id);
  std::error_code ec;
  const auto current = fs::file_size(image, ec);
  if (ec) throw common::not_found("instance " + id + " has no volume image " + image);
  const int64_t wanted = int64_t{size_gb} * kGiB;
  if (wanted < static_cast<int64_t>(current)) {
    throw common::bad_request("volumes only grow: the volume of " + id + " is " +
                              std::to_string(current / kGiB) + " GB, not shrinkable to " +
                              std::to_string(size_gb) + " GB");
  }
  if (!mounted(mount_point)) ensure(id, size_gb, mount_point);
  // Each of these is idempotent, so a grow cut short is finished by the next.
  if (wanted > static_cast<int64_t>(current) && ::truncate(image.c_str(), wanted) != 0) {
    throw common::internal_error("cannot grow " + image + ": " + std::strerror(errno));
  }
  must({"losetup", "-c", loop_device_of(image)}, "cannot update the loop device of " + id);
  must({"xfs_growfs", mount_point}, "cannot grow the filesystem of " + id);
  common::log::info("compute.volume_grown",
                    {{"instance", id}, {"size_gb", std::to_string(size_gb)}});
}

void Volumes::remove(const std::string& id, const std::string& mount_point) {
  if (!real()) return;
  if (mounted(mount_point)) must({"umount", mount_point}, "cannot unmount the volume of " + id);
  const std::string image = image_path(id);
  // A loop device left attached without a mount (a mount cut short).
  if (fs::exists(image)) {
    const common::ProgramRun held = runner_->run({"losetup", "-j", image}, {});
    std::istringstream lines(held.output);
    for (std::string line; std::getline(lines, line);) {
      const auto colon = line.find(':');
      if (line.rfind("/dev/", 0) == 0 && colon != std::string::npos) {
        runner_->run({"losetup", "-d", line.substr(0, colon)}, {});
      }
    }
  }
  std::error_code ec;
  fs::remove(image, ec);
  if (ec) throw common::internal_error("cannot remove " + image + ": " + ec.message());
  fs::remove(image + ".new", ec);
}

}  // namespace automat::compute::local
