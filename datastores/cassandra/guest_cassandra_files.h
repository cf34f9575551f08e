#pragma once
// Small file helpers for the Cassandra guest: whole-file reads. Files are
// replaced through common::write_file_atomically (common/atomic_file.h).
#include <sys/types.h>

#include <optional>
#include <string>

namespace automat::datastores::cassandra {

// The file's contents, nullopt when it does not exist. Throws
// common::Error(kInternal) when it exists but cannot be read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace automat::datastores::cassandra
