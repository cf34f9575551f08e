#pragma once
// The local driver's volumes: each instance's datastore files live on a
// filesystem of their own, made in a sparse image file of the requested
// size (<state_dir>/volumes/<id>.img) and loop-mounted at the instance's
// volume directory (<instance dir>/volume), so a volume's size is a real
// limit (a full one is ENOSPC) and `df` shows it.
//
// The filesystem is XFS: it grows while mounted with CAP_SYS_ADMIN alone,
// where ext4's online resize also needs CAP_SYS_RESOURCE, which containers
// commonly drop (this project's own machines among them).
//
// Where loop devices cannot be used (not root, no /dev/loop-control, no
// mkfs.xfs), mode "auto" falls back to plain directories and says so once
// in the log; a volume's size is then only a number.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/program_runner.h"

namespace automat::compute::local {

enum class VolumeMode {
  kAuto,       // loop volumes where this host can make them, else directories
  kLoop,       // loop volumes or an error
  kDirectory,  // plain directories
};

// "auto" | "loop" | "directory"; throws common::Error(kBadRequest) otherwise.
VolumeMode parse_volume_mode(const std::string& text);

class Volumes {
 public:
  // `images_dir`: where the image files go (absolute). `runner` runs mount,
  // umount, mkfs.xfs, losetup, xfs_growfs and mountpoint (default: the real
  // programs).
  Volumes(std::string images_dir, VolumeMode mode,
          std::unique_ptr<common::ProgramRunner> runner = nullptr);

  // Whether volumes are real filesystems here (decided once, on first use).
  bool real();
  // Why they are not, when they are not ("" otherwise).
  std::string fallback_reason();

  // Makes `id`'s volume of `size_gb` GiB (first time) and mounts it at
  // `mount_point`, which is created. Idempotent: a mounted volume is left as
  // it is. Throws common::Error(kInternal) with the failing program's output.
  void ensure(const std::string& id, int size_gb, const std::string& mount_point);
  // Grows `id`'s mounted volume to `size_gb` GiB online. Idempotent. A
  // smaller size throws Error(kBadRequest); a volume never made throws
  // Error(kNotFound).
  void grow(const std::string& id, int size_gb, const std::string& mount_point);
  // Unmounts `mount_point` (when mounted) and deletes `id`'s image.
  // Idempotent. Throws Error(kInternal) when it stays mounted (in use).
  void remove(const std::string& id, const std::string& mount_point);

  // <images_dir>/<id>.img
  std::string image_path(const std::string& id) const;
  // Whether something is mounted at `path`.
  bool mounted(const std::string& path);

 private:
  // Runs argv; throws Error(kInternal) "<what>: <output>" when it fails.
  void must(const std::vector<std::string>& argv, const std::string& what);
  void make_image(const std::string& id, int size_gb);
  std::string loop_device_of(const std::string& image);

  std::string images_dir_;
  VolumeMode mode_;
  std::unique_ptr<common::ProgramRunner> runner_;
  std::mutex mu_;
  std::optional<std::string> fallback_;  // decided: "" = real, else the reason
};

}  // namespace automat::compute::local
