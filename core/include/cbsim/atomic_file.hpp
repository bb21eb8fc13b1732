// cbsim/atomic_file.hpp: write a file so that readers see the old file or the complete new
// one, never a half-written one; publish or swap whole directories the same way.
//
// The content goes to a temporary file in the same directory, is flushed and fsync'ed, then
// renamed over the target (rename is atomic within a file system). On any failure the temp file
// is removed, the target is untouched and the error says which step failed and why. A process
// killed mid-write leaves at most the hidden temp file ".NAME.tmp-XXXXXX" beside the target.
//
// Writes that fail because of a file-size limit (RLIMIT_FSIZE) report EFBIG only when SIGXFSZ is
// ignored; the programs ignore it (cbsim-cli, cbsim).
#pragma once

#include <string>
#include <string_view>

namespace cbsim {

/// A file written in pieces that appears at `path` only when commit() succeeds. Until then the
/// bytes go to a temp file beside it; a failure, or destruction without commit, removes it.
class AtomicFileWriter {
  public:
    explicit AtomicFileWriter(std::string path);
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    /// Appends `data`. False once any step failed; error() then says which and why.
    bool write(std::string_view data);
    /// fsync, rename over the path, fsync of the directory. Empty on success, else the error.
    std::string commit();
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

  private:
    void fail(const char* what, int err);
    void discard();

    std::string path_;
    std::string tmp_;
    std::string error_;
    int fd_ = -1;
};

/// Writes `content` to `path` atomically. Returns an empty string on success, else a message
/// naming the path and the reason (e.g. "No space left on device").
std::string write_file_atomic(const std::string& path, std::string_view content);

/// Publishes a whole directory atomically: `staging` (a sibling directory the caller filled)
/// is renamed to `target`, which must not exist yet. Same contract as write_file_atomic.
std::string publish_directory(const std::string& staging, const std::string& target);

/// Replaces the existing directory `target` by `staging` (a filled sibling) in one step: the two
/// are exchanged (renameat2 RENAME_EXCHANGE), then the old content, now under the staging name,
/// is deleted. Readers and crashes see the old directory or the new one, never a mix. Where the
/// file system cannot exchange, `target` is first moved aside to "TARGET.old" and staging
/// renamed in; a crash between the two renames leaves the old content in "TARGET.old".
/// Empty on success; on failure `target` is unchanged and the message names the paths.
std::string replace_directory(const std::string& staging, const std::string& target);

}  // namespace cbsim
