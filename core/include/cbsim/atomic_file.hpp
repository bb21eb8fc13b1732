// cbsim/atomic_file.hpp: write a file so that readers see the old file or the complete new
// one, never a half-written one; publish or swap whole directories the same way.
//
// The content goes to a temporary file in the same directory, is flushed and fsync'ed, then
// renamed over the target (rename is atomic within a file system). On any failure the temp file
// is removed, the target is untouched and the error says which step failed and why. A process
// killed mid-write leaves at most the hidden temp file ".NAME.tmp-XXXXXX" beside the target.
//
// What is at the path decides what happens (check_output_file): a regular file is replaced and
// keeps its permission bits and, where allowed, its owner; a new file gets 0644; a symbolic link
// is followed and its final target is replaced (the link stays a link); a directory, device,
// FIFO or socket is refused, as is a file the process may not write (access W_OK). Nothing that
// is not a regular file is ever renamed over.
//
// Writes that fail because of a file-size limit (RLIMIT_FSIZE) report EFBIG only when SIGXFSZ is
// ignored; the programs ignore it (cbsim-cli, cbsim).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace cbsim {

/// Why `path` cannot be written by write_file_atomic (empty if it can): the message starts with
/// `path` and says what is there (a directory, a device, a FIFO, a socket, a read-only file, a
/// parent that is missing or not a directory). Symbolic links are followed.
std::string check_output_file(const std::string& path);

/// The file a write to `path` replaces: `path` with the symbolic links of its last component
/// followed (at most 40), relative link targets taken from the link's directory.
std::string resolve_output_path(const std::string& path);

/// A file written in pieces that appears at `path` only when commit() succeeds. Until then the
/// bytes go to a temp file beside it; a failure, or destruction without commit, removes it.
class AtomicFileWriter {
  public:
    /// Refuses (error() set, nothing created) what check_output_file refuses.
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
    /// The temp file the bytes go to until commit() (empty once committed or failed), for a
    /// writer that reads back what it wrote.
    const std::string& temp_path() const { return tmp_; }

  private:
    void fail(const char* what, int err);
    void discard();

    std::string shown_;  ///< the path as given, for messages
    std::string path_;   ///< the file replaced (links followed)
    std::string tmp_;
    std::string error_;
    int fd_ = -1;
    void* slot_ = nullptr;  ///< where a signal handler finds tmp_ (remove_temp_files_on_signals)
};

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove the temp files of the writes in
/// progress (at most 8 at once are tracked), then die of the signal as before (default action,
/// re-raised); a signal that was ignored when the process started stays ignored. For programs that
/// do not handle these signals themselves (cbsim-cli); a Ctrl-C during a write then leaves no temp
/// file (an export's marked "DIR.staging" may stay; the next export removes it).
void remove_temp_files_on_signals();

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
/// renamed in; a crash between the two renames leaves the old content in "TARGET.old" (an
/// existing "TARGET.old" is never deleted: the replacement then fails). `remove_old` deletes the
/// old content (given its path); empty = std::filesystem::remove_all.
/// Empty on success; on failure `target` is unchanged and the message names the paths.
std::string replace_directory(const std::string& staging, const std::string& target,
                              const std::function<void(const std::string&)>& remove_old = {});

/// An exclusive flock on a directory, held from construction to destruction (waits for it).
/// Exports into one parent directory hold it on the parent while they check and write, so
/// two of them take turns. Does nothing when the directory cannot be opened (the export's own
/// checks then report why).
class DirectoryLock {
  public:
    explicit DirectoryLock(const std::string& dir);
    ~DirectoryLock();
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

  private:
    int fd_;
};

}  // namespace cbsim
