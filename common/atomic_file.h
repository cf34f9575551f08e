#pragma once
// Files that are either wholly old or wholly new, and survive a crash once
// written: the one way every process of Automat replaces a file (configs,
// state files, job records, credentials).
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace automat::common {

// Replaces `path` with `text`: written to a temporary file beside it with
// permission `mode`, fsynced, renamed over `path`, and the directory fsynced,
// so after a crash `path` holds either the old or the new text. Throws
// common::Error(kInternal) naming the path and the system's reason.
void write_file_atomically(const std::string& path, std::string_view text, mode_t mode = 0644);

// Moves `written` (a complete file another program wrote beside `path`, e.g.
// a JVM's class archive) over `path` the same way: `written` fsynced,
// renamed, the directory fsynced. Throws common::Error(kInternal) naming the
// path and the system's reason; `written` is left in place then.
void replace_file_with(const std::string& path, const std::string& written);

// fsyncs the directory `dir`, so the entries created, renamed or removed in
// it (a directory moved into place) survive a crash. Best effort: a
// directory that cannot be opened is left as it is.
void sync_directory(const std::string& dir);

// The whole file, or nullopt when it does not exist. Throws
// common::Error(kInternal) when it exists but cannot be read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace automat::common
