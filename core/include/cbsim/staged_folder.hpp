// cbsim/staged_folder.hpp: a folder cbsim writes as a whole (the compare folder, the replay
// folder), the steps they share.
//
// DIR may be missing, empty or an earlier folder of the same kind (carrying its marker file,
// holding only what such a folder holds); anything else is refused, never deleted. The new
// folder is written into the staging sibling "DIR.staging" (the marker first) and put in place
// as a whole at commit(): renamed when DIR does not exist, exchanged with it when it does
// (replace_directory, the old content then deleted), so DIR holds the earlier folder or the new
// one, never a mix. The check and the commit hold the parent's DirectoryLock. A writer
// destroyed without a commit removes its staging folder; one a killed writer left is removed
// by the next writer of that folder.
#pragma once

#include <string>
#include <string_view>

namespace cbsim {

namespace sim {
struct FolderKind;
}

/// The base of the writers of such folders (CompareFolderWriter, ReplayFolderWriter): the kind
/// they pass says what the folder may hold and words the messages.
class StagedFolderWriter {
  public:
    StagedFolderWriter(const StagedFolderWriter&) = delete;
    StagedFolderWriter& operator=(const StagedFolderWriter&) = delete;

    /// Empty while the folder can be written; else why not: the check of DIR or the creation
    /// of the staging folder failed, or a write or commit() did.
    const std::string& error() const { return error_; }
    /// Where file `name` (a path relative to DIR) is written until commit().
    std::string staged(const std::string& name) const;
    /// Puts the folder in place (DIR checked again). Empty on success, else the message (DIR
    /// unchanged); error() when it is already set.
    std::string commit();

  protected:
    /// Checks `dir` (holding the parent's DirectoryLock) as a folder of `kind` and creates the
    /// staging folder holding the marker file `marker` (text `marker_text`); error() says why
    /// not. `kind` must outlive the writer.
    StagedFolderWriter(std::string dir, const sim::FolderKind& kind, const char* marker,
                       std::string_view marker_text);
    /// Removes the staging folder unless committed (only one the kind accepts).
    ~StagedFolderWriter();

    /// Records a failed write: error() becomes "DIR: " + `what`, which is returned.
    const std::string& fail(const std::string& what);

  private:
    const sim::FolderKind& kind_;
    std::string dir_;
    std::string staging_;  ///< empty until the staging folder exists
    std::string error_;
    bool committed_ = false;
};

}  // namespace cbsim
