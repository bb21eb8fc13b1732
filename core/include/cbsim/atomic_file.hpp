// cbsim/atomic_file.hpp: write a file so that readers see the old file or the complete new
// one, never a half-written one.
//
// The content goes to a temporary file in the same directory, is flushed and fsync'ed, then
// renamed over the target (rename is atomic within a file system). On any failure the temp file
// is removed, the target is untouched and the error says which step failed and why.
#pragma once

#include <string>
#include <string_view>

namespace cbsim {

/// Writes `content` to `path` atomically. Returns an empty string on success, else a message
/// naming the path and the reason (e.g. "No space left on device").
std::string write_file_atomic(const std::string& path, std::string_view content);

/// Publishes a whole directory atomically: `staging` (a sibling directory the caller filled)
/// is renamed to `target`, which must not exist yet. Same contract as write_file_atomic.
std::string publish_directory(const std::string& staging, const std::string& target);

}  // namespace cbsim
