#pragma once
// Small file helpers for the Cassandra guest: whole-file reads and atomic
// replacement (write to a temporary, fsync, chmod, rename).
#include <sys/types.h>

#include <optional>
#include <string>

namespace automat::datastores::cassandra {

// The file's contents, nullopt when it does not exist. Throws
// common::Error(kInternal) when it exists but cannot be read.
std::optional<std::string> read_file(const std::string& path);
// Replaces `path` with `text`, created with `mode` (the temporary too, so a
// 0600 file is never readable by others, not even briefly). Throws
// common::Error(kInternal) naming the path on failure.
void write_file_atomic(const std::string& path, const std::string& text, mode_t mode);

}  // namespace automat::datastores::cassandra
